"""The impact plan: candidates in one bounded query, then their links, then the state of
each computed in-process (cmdb/impact/propagate.py, cmdb/impact/reach.py)."""

from __future__ import annotations

from cmdb.impact.model import ImpactRequest, ImpactResult, ImpactSettings
from cmdb.queryplan import Plan


def impact_plan(request: ImpactRequest, settings: ImpactSettings) -> Plan[ImpactResult]:
    raise NotImplementedError
    yield  # pragma: no cover
