"""The facts a recording implies: what discovery should find on that device."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass

from lab import oids
from lab.snmprec import Recording, Row, oid_key


def walk(data: Recording, prefix: str) -> Iterator[Row]:
    """Rows strictly below `prefix`, in order."""
    start = prefix + "."
    row = data.next_after(oid_key(prefix))
    while row is not None and row[0].startswith(start):
        yield row
        row = data.next_after(oid_key(row[0]))


def column(data: Recording, prefix: str) -> dict[str, Row]:
    """A table column keyed by its index (the OID arcs after `prefix`)."""
    return {row[0][len(prefix) + 1 :]: row for row in walk(data, prefix)}


def display(row: Row | None) -> str:
    """A recorded value as text (hex strings decoded when printable)."""
    if row is None:
        return ""
    _, tag, value = row
    if tag == "4x":
        try:
            text = bytes.fromhex(value).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return value.upper()
        printable = all(ch.isprintable() or ch in "\r\n\t" for ch in text)
        return text if printable else value.upper()
    return value


@dataclass(frozen=True)
class Neighbour:
    protocol: str  # "lldp" | "cdp"
    local_port: str  # the local port number / ifIndex from the table index
    remote_name: str
    remote_port: str


@dataclass(frozen=True)
class DeviceFacts:
    sys_name: str
    sys_descr: str
    sys_object_id: str
    serials: list[str]
    interfaces: int
    interface_names: list[str]
    macs: int
    neighbours: list[Neighbour]

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def collect_facts(data: Recording) -> DeviceFacts:
    names = column(data, oids.IF_NAME) or column(data, oids.IF_DESCR)
    macs = {
        row[2].upper()
        for row in walk(data, oids.IF_PHYS_ADDRESS)
        if row[1] == "4x" and row[2].strip("0")
    }
    serials = [display(r) for r in walk(data, oids.ENT_PHYSICAL_SERIAL) if display(r).strip()]
    vendor = [display(r).strip() for r in map(data.get, oids.VENDOR_SERIALS) if r is not None]
    serials += [s for s in vendor if s and s not in serials]
    return DeviceFacts(
        sys_name=display(data.get(oids.SYS_NAME)),
        sys_descr=display(data.get(oids.SYS_DESCR)),
        sys_object_id=display(data.get(oids.SYS_OBJECT_ID)),
        serials=serials,
        interfaces=len(column(data, oids.IF_TYPE)),
        interface_names=[display(r) for r in names.values()],
        macs=len(macs),
        neighbours=_lldp(data) + _cdp(data),
    )


def _lldp(data: Recording) -> list[Neighbour]:
    names = column(data, f"{oids.LLDP_REM_ENTRY}.9")
    ports = column(data, f"{oids.LLDP_REM_ENTRY}.7")
    out = []
    for index, row in names.items():
        arcs = index.split(".")
        local = arcs[1] if len(arcs) == 3 else index
        out.append(Neighbour("lldp", local, display(row), display(ports.get(index))))
    return out


def _cdp(data: Recording) -> list[Neighbour]:
    names = column(data, f"{oids.CDP_CACHE_ENTRY}.6")
    ports = column(data, f"{oids.CDP_CACHE_ENTRY}.7")
    return [
        Neighbour("cdp", index.split(".")[0], display(row), display(ports.get(index)))
        for index, row in names.items()
    ]
