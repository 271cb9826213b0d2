"""IF-MIB ifStackTable and IEEE8023-LAG-MIB dot3adAggPortTable -> LagMember rows. Pure.

- ifStackStatus.<higher>.<lower>: a lower layer of an aggregate interface (ifType
  ieee8023adLag, or a propVirtual one named like a port-channel) is its member;
- dot3adAggPortSelectedAggID/AttachedAggID (index: the member's ifIndex; value: the
  aggregator's ifIndex): selected into another interface's aggregator is a member,
  attached to it as well is `active`; a port that heard an LACP partner
  (dot3adAggPortPartnerOperSystemID not all zeros) bundles by LACP. A port that
  selected its own aggregator, or one no interface has, is not a member.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from discovery.facts import LagMember
from discovery.snmp import oids
from discovery.snmp.decode import Index, as_int, as_octets, column, under
from discovery.snmp.records import Interface, Value, Varbinds

_AGGREGATE_TYPES = frozenset({"ieee8023adLag"})
# propVirtual aggregates: Port-channel1, Po1, Eth-Trunk1, Bridge-Aggregation1, ae0, bond0
_AGGREGATE_NAME = re.compile(r"^(port-?channel|po\d|eth-trunk|bridge-aggregation|ae\d|bond\d|"
                             r"trk\d|lag\b|lag\d)", re.I)  # fmt: skip


def _is_aggregate(iface: Interface) -> bool:
    if iface.if_type_name in _AGGREGATE_TYPES:
        return True
    name = iface.name or iface.descr or ""
    return iface.if_type_name == "propVirtual" and bool(_AGGREGATE_NAME.match(name))


def _by_port(varbinds: Varbinds, column_oid: str) -> dict[int, Value]:
    rows: dict[Index, Value] = column(varbinds, column_oid)
    return {index[0]: value for index, value in rows.items() if len(index) == 1}


def _lag_mib(varbinds: Varbinds, if_indexes: set[int]) -> dict[tuple[int, int], LagMember]:
    attached = _by_port(varbinds, oids.DOT3AD_AGG_PORT_ATTACHED_AGG_ID)
    partner = _by_port(varbinds, oids.DOT3AD_AGG_PORT_PARTNER_OPER_SYSTEM_ID)
    found: dict[tuple[int, int], LagMember] = {}
    for port, value in sorted(_by_port(varbinds, oids.DOT3AD_AGG_PORT_SELECTED_AGG_ID).items()):
        lag = as_int(value)
        if lag is None or lag == port or lag not in if_indexes:
            continue
        partner_id = as_octets(partner.get(port))
        lacp = partner_id is not None and any(partner_id)
        found[(lag, port)] = LagMember(
            lag, port, "lacp" if lacp else None,
            as_int(attached.get(port)) == lag if port in attached else None,
        )  # fmt: skip
    return found


def parse_lags(varbinds: Varbinds, interfaces: Sequence[Interface]) -> tuple[LagMember, ...]:
    """Members by (aggregate, member) ifIndex; the LAG-MIB's word on protocol and
    activity where it has one."""
    varbinds = under(varbinds, oids.IF_STACK_STATUS, "1.2.840.10006.300.43.1.2.1.1")
    aggregates = {i.if_index for i in interfaces if _is_aggregate(i)}
    found: dict[tuple[int, int], LagMember] = {}
    for index in column(varbinds, oids.IF_STACK_STATUS):
        if len(index) == 2 and index[0] in aggregates and index[1] != 0:
            found[(index[0], index[1])] = LagMember(index[0], index[1])
    found.update(_lag_mib(varbinds, {i.if_index for i in interfaces}))
    return tuple(found[key] for key in sorted(found))
