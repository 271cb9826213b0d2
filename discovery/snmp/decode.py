"""Decoding SNMP values and walking tables out of a varbinds mapping. Pure functions.

OctetStrings arrive as bytes. Whether they hold text (DisplayString) or binary (a MAC,
an address, a bit string) depends on the column, so each parser says which it wants:
``as_text`` for DisplayStrings, ``as_mac`` for MACs, ``as_octets`` for the raw bytes.
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from collections.abc import Iterator

from discovery.identifiers import mac_from_octets, normalize_mac
from discovery.snmp.records import Value, Varbinds

Index = tuple[int, ...]
_ZERO_MAC = "00:00:00:00:00:00"  # no address at all: the records' None


def table(varbinds: Varbinds, entry_oid: str) -> dict[Index, dict[int, Value]]:
    """Rows of a conceptual table: ``{index: {column: value}}``.

    ``entry_oid`` is the table's Entry OID (e.g. ``1.3.6.1.2.1.2.2.1`` for ifEntry);
    every varbind below it is ``entry.column.index...``.
    """
    prefix = entry_oid + "."
    rows: dict[Index, dict[int, Value]] = defaultdict(dict)
    for oid, value in varbinds.items():
        if not oid.startswith(prefix):
            continue
        arcs = oid[len(prefix) :].split(".")
        if len(arcs) < 2 or not all(a.isdigit() for a in arcs):
            continue
        rows[tuple(int(a) for a in arcs[1:])][int(arcs[0])] = value
    return dict(rows)


def under(varbinds: Varbinds, *roots: str) -> dict[str, Value]:
    """The varbinds below any of ``roots``, in one pass: a parser that reads many
    columns of a few tables scans the whole mapping once, not once per column."""
    prefixes = tuple(root + "." for root in roots)
    return {oid: value for oid, value in varbinds.items() if oid.startswith(prefixes)}


def column(varbinds: Varbinds, column_oid: str) -> dict[Index, Value]:
    """One column of a table: ``{index: value}``."""
    prefix = column_oid + "."
    out: dict[Index, Value] = {}
    for oid, value in varbinds.items():
        if oid.startswith(prefix):
            arcs = oid[len(prefix) :].split(".")
            if all(a.isdigit() for a in arcs):
                out[tuple(int(a) for a in arcs)] = value
    return out


def scalar(varbinds: Varbinds, oid: str) -> Value | None:
    """A scalar's value, accepting ``oid`` with or without the trailing ``.0``."""
    if oid in varbinds:
        return varbinds[oid]
    return varbinds.get(oid + ".0")


def iter_sorted(rows: dict[Index, dict[int, Value]]) -> Iterator[tuple[Index, dict[int, Value]]]:
    for index in sorted(rows):
        yield index, rows[index]


def as_int(value: Value | None) -> int | None:
    if isinstance(value, int):
        return value
    if isinstance(value, str | bytes):
        text = value.decode("latin-1") if isinstance(value, bytes) else value
        text = text.strip()
        if text.lstrip("-").isdigit():
            return int(text)
    return None


def as_octets(value: Value | None) -> bytes | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("latin-1", errors="replace")
    return None


def as_text(value: Value | None) -> str | None:
    """A DisplayString as text: UTF-8 if it decodes, else Latin-1; surrounding
    whitespace and trailing NULs dropped (agents pad serials and descriptions).

    Returns ``None`` for a missing value. An empty string stays empty: the agent said
    the field is blank, which is different from not answering.
    """
    if value is None:
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value.strip()
    raw = value.rstrip(b"\x00")
    try:
        return raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        return raw.decode("latin-1").strip()


def as_text_or_none(value: Value | None) -> str | None:
    """``as_text`` but an empty or whitespace-only string becomes ``None``."""
    text = as_text(value)
    if text is None or not text.strip():
        return None
    return text


def is_printable(raw: bytes) -> bool:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(ch.isprintable() or ch in "\r\n\t" for ch in text)


def as_mac(value: Value | None) -> str | None:
    """A MAC as ``aa:bb:cc:dd:ee:ff``; ``None`` when empty, all zeros or not a MAC.

    Accepts the 6 raw bytes (the standard encoding) and, for agents that send the
    MAC as text (``B8:69:F4:7F:41:70``, ``b869.f47f.4170``, ``b869f47f4170``), the
    text forms ``discovery.identifiers.normalize_mac`` reads.
    """
    raw = as_octets(value)
    if raw is None or not raw:
        return None
    if len(raw) == 6:
        mac = mac_from_octets(raw)
    elif is_printable(raw):
        mac = normalize_mac(raw.decode("utf-8"))
    else:
        return None
    return None if mac is None or mac == _ZERO_MAC else mac


def ip_from_octets(raw: bytes) -> str | None:
    """An IPv4 (4 bytes) or IPv6 (16 bytes) address as text; else ``None``."""
    if len(raw) == 4:
        return str(ipaddress.IPv4Address(raw))
    if len(raw) == 16:
        return str(ipaddress.IPv6Address(raw))
    return None


def as_ip(value: Value | None) -> str | None:
    """An IpAddress value (dotted str from the loader/collector, or 4 raw bytes)."""
    if isinstance(value, str):
        try:
            return str(ipaddress.ip_address(value))
        except ValueError:
            return None
    if isinstance(value, bytes):
        return ip_from_octets(value)
    return None


def date_and_time(raw: bytes | None) -> str | None:
    """SNMPv2-TC DateAndTime (8 or 11 octets) as ISO 8601; ``None`` if not one."""
    if raw is None or len(raw) not in (8, 11):
        return None
    year = int.from_bytes(raw[0:2], "big")
    month, day, hour, minute, second = raw[2], raw[3], raw[4], raw[5], raw[6]
    if not (1 <= month <= 12 and 1 <= day <= 31 and hour < 24 and minute < 60 and second < 61):
        return None
    text = f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}"
    if len(raw) == 11:
        sign = chr(raw[8]) if chr(raw[8]) in "+-" else "+"
        text += f"{sign}{raw[9]:02d}:{raw[10]:02d}"
    return text
