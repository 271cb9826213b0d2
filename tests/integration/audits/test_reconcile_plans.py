"""The plans of the reconciliation reads (cmdb/queries/reconcile.py): each reads the labels
it names and no more (its scans: the device classes a register lists, the switches, the
information points, the discovery runs), never the whole graph."""

from __future__ import annotations

from typing import Any

import neo4j
import pytest

from audits.reconcile.frames import STATUSES
from audits.reconcile.run import DEVICE_LABELS
from cmdb.queries import reconcile as q
from tests.integration.cmdb.test_query_plans import operators

pytestmark = pytest.mark.neo4j

READS: dict[str, tuple[str, dict[str, Any], set[str]]] = {
    "devices": (q.devices_query(DEVICE_LABELS), {"statuses": STATUSES}, set(DEVICE_LABELS)),
    "connected ports": (q.CONNECTED_PORTS, {"statuses": STATUSES, "up": "up"},
                        {"NetworkDevice", "Interface"}),
    "point ports": (q.POINT_PORTS, {"statuses": STATUSES}, {"InformationPoint"}),
    "run coverage": (q.RUN_COVERAGE, {"limit": 10}, {"DiscoveryRun"}),
    "open conflicts": (q.OPEN_CONFLICTS, {"open": "open"}, {"IdentificationConflict"}),
}  # fmt: skip


def labels_scanned(ops: list[tuple[str, str]]) -> set[str]:
    found = set()
    for kind, details in ops:
        if "LabelScan" in kind or "LabelsScan" in kind or kind.startswith("NodeIndexScan"):
            found |= {w for w in details.replace("|", " ").replace(":", " ").split()
                      if w[:1].isupper()}  # fmt: skip
    return found


@pytest.mark.parametrize("read", list(READS))
def test_a_reconciliation_read_scans_its_labels_only(graph: neo4j.Driver, read: str) -> None:
    text, params, allowed = READS[read]
    with graph.session() as session:
        ops = operators(session.run("EXPLAIN " + text, params).consume().plan)
    assert not any(kind.startswith(("AllNodesScan", "AllRelationshipsScan")) for kind, _ in ops)
    scanned = labels_scanned(ops)
    assert scanned and scanned <= allowed, ops
