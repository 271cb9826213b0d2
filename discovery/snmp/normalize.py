"""DeviceSnapshot -> ChangeSet for one SNMP target: `snmp_facts` then the one
`normalize_device` (see discovery/normalize.py for what the change set holds). Pure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from cmdb.observations import ChangeSet
from cmdb.schema import Schema
from discovery.normalize import UnidentifiedDevice, normalize_device
from discovery.snmp.errors import NormalizeError
from discovery.snmp.facts import snmp_facts
from discovery.snmp.records import DeviceSnapshot

if TYPE_CHECKING:  # the collector pulls in pysnmp: normalizing needs only its types
    from discovery.snmp.collect import TableCoverage

__all__ = ["normalize_snmp"]


def normalize_snmp(
    snapshot: DeviceSnapshot,
    *,
    target: str,
    observed_at: datetime,
    coverage: Sequence[TableCoverage] | None,
    run_id: str | None = None,
    schema: Schema | None = None,
) -> ChangeSet:
    """The change set for one target. ``coverage`` is the collector's per-table
    coverage (``CollectResult.coverage``); None means every table answered.

    Raises NormalizeError when nothing identifies the device.
    """
    facts = snmp_facts(snapshot, coverage)
    try:
        return normalize_device(facts, target=target, observed_at=observed_at,
                                run_id=run_id, schema=schema)  # fmt: skip
    except UnidentifiedDevice as exc:
        raise NormalizeError(target, str(exc)) from None
