"""Values of the wrong type in what an agent answered: found and named, never guessed. Pure.

The parsers read INTEGER-typed columns with ``decode.as_int``, which takes an INTEGER or
a number sent as text and makes anything else unknown (None), as LibreNMS does. That
keeps one bad row from failing a device, but it must not be silent: ``wrong_types``
names every column the parsers read as a number in which an agent sent something else,
with how many rows and one example, so the run can report it per target.
"""

from __future__ import annotations

from collections.abc import Iterator

from discovery.snmp import oids
from discovery.snmp.decode import as_int
from discovery.snmp.records import Value, Varbinds

# table entry OID -> {column: name} of the columns the parsers read as numbers
INTEGER_COLUMNS: dict[str, dict[int, str]] = {
    oids.IF_ENTRY: {3: "ifType", 4: "ifMtu", 5: "ifSpeed", 7: "ifAdminStatus",
                    8: "ifOperStatus"},
    oids.IFX_ENTRY: {15: "ifHighSpeed"},
    oids.IP_ADDR_ENTRY: {2: "ipAdEntIfIndex"},
    oids.IP_ADDRESS_ENTRY: {3: "ipAddressIfIndex", 4: "ipAddressType"},
    oids.IPV6_ADDR_ENTRY: {2: "ipv6AddrPfxLength"},
    oids.ENT_PHYSICAL_ENTRY: {4: "entPhysicalContainedIn", 5: "entPhysicalClass",
                              16: "entPhysicalIsFRU"},
    oids.LLDP_REM_ENTRY: {4: "lldpRemChassisIdSubtype", 6: "lldpRemPortIdSubtype"},
    oids.CDP_CACHE_ENTRY: {3: "cdpCacheAddressType"},
    oids.DOT1D_BASE_PORT_ENTRY: {2: "dot1dBasePortIfIndex"},
    oids.DOT1D_TP_FDB_ENTRY: {2: "dot1dTpFdbPort", 3: "dot1dTpFdbStatus"},
    oids.DOT1Q_TP_FDB_ENTRY: {2: "dot1qTpFdbPort", 3: "dot1qTpFdbStatus"},
    oids.HR_STORAGE_ENTRY: {4: "hrStorageAllocationUnits", 5: "hrStorageSize",
                            6: "hrStorageUsed"},
}  # fmt: skip
INTEGER_SCALARS: dict[str, str] = {
    oids.SYS_UPTIME: "sysUpTime",
    oids.HR_MEMORY_SIZE: "hrMemorySize",
    oids.LLDP_LOC_CHASSIS_ID_SUBTYPE: "lldpLocChassisIdSubtype",
}
_EXAMPLE_CHARS = 40


def _column_of(oid: str) -> tuple[str, str] | None:
    """(name, column OID) when ``oid`` is a row of a column read as a number."""
    if oid in INTEGER_SCALARS or oid.removesuffix(".0") in INTEGER_SCALARS:
        scalar = oid if oid in INTEGER_SCALARS else oid.removesuffix(".0")
        return INTEGER_SCALARS[scalar], scalar
    for entry, columns in INTEGER_COLUMNS.items():
        if oid.startswith(entry + "."):
            column = oid[len(entry) + 1:].split(".", 1)[0]
            if column.isdigit() and int(column) in columns:
                return columns[int(column)], f"{entry}.{column}"
    return None


def _shown(value: Value) -> str:
    text = repr(value)
    return text if len(text) <= _EXAMPLE_CHARS else text[:_EXAMPLE_CHARS] + "..."


def wrong_types(varbinds: Varbinds) -> Iterator[str]:
    """One message per column read as a number that holds values which are not numbers."""
    found: dict[tuple[str, str], list[tuple[str, Value]]] = {}
    for oid, value in varbinds.items():
        if as_int(value) is not None:
            continue
        where = _column_of(oid)
        if where is not None:
            found.setdefault(where, []).append((oid, value))
    for (name, column), rows in found.items():
        oid, value = rows[0]
        more = f" (and {len(rows) - 1} more rows)" if len(rows) > 1 else ""
        yield (f"{name} ({column}) is an INTEGER, but {oid} holds {_shown(value)}{more}: "
               "read as unknown")
