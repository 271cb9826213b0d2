"""Change requests: what change reviewers approve. A request names CIs and a planned
window, is assessed (its impact snapshot and risk grade), decided by the CAB, carried out
and reviewed; every step recorded. The CLI and the API run the same operations
(cmdb.changes.steps), so there is one implementation of each."""

from cmdb.changes.assess import assess
from cmdb.changes.model import ChangeRequest, Conflict, Draft, Transition, check_draft
from cmdb.changes.states import Action, Category, ChangeRequestError, State, allowed
from cmdb.changes.steps import Operation, Write, run_operation
from cmdb.changes.windows import DEFAULT_WINDOWS, MaintenanceWindow

__all__ = [
    "DEFAULT_WINDOWS",
    "Action",
    "Category",
    "ChangeRequest",
    "ChangeRequestError",
    "Conflict",
    "Draft",
    "MaintenanceWindow",
    "Operation",
    "State",
    "Transition",
    "Write",
    "allowed",
    "assess",
    "check_draft",
    "run_operation",
]
