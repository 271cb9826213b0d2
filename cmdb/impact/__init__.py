"""Impact analysis from the discovered graph: what fails, or degrades, when CIs go down.

run_plan(driver, impact_plan(ImpactRequest(("uid",)), ImpactSettings(model)))
"""

from cmdb.impact.model import (
    AffectedCI,
    ContractSLA,
    Dependency,
    DependencyResult,
    ImpactMode,
    ImpactRequest,
    ImpactResult,
    ImpactSettings,
    PathStep,
)
from cmdb.impact.needs import dependencies_plan, path_plan
from cmdb.impact.plan import impact_plan

__all__ = [
    "AffectedCI",
    "ContractSLA",
    "Dependency",
    "DependencyResult",
    "ImpactMode",
    "ImpactRequest",
    "ImpactResult",
    "ImpactSettings",
    "PathStep",
    "dependencies_plan",
    "impact_plan",
    "path_plan",
]
