"""Loading snmpsim ``.snmprec`` recordings into the varbinds mapping the parsers take:
the tests' reader (discovery reads devices, never recordings; the lab serves recordings
with its own lenient reader, lab/snmprec.py, which keeps values as recorded text).

Format: one ``OID|TAG|VALUE`` per line. TAG is the BER type number (2 Integer,
4 OctetString, 5 Null, 6 OID, 64 IpAddress, 65 Counter32, 66 Gauge32, 67 TimeTicks,
68 Opaque, 70 Counter64) with an optional suffix: ``x`` means VALUE is hex, ``e`` means
VALUE is a Python-escaped string. Lines are read as Latin-1 and stripped, as snmpsim
does, so what we load equals what snmpsim serves.

Some recordings (LibreNMS's) anonymise index arcs as ``xx``; snmpsim cannot serve such
rows, so they are skipped here and counted, and ``sanitise_snmprec`` writes a copy
without them for the simulator.
"""

from __future__ import annotations

import ast
import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from discovery.snmp.records import Value

_INT_TAGS = frozenset({"2", "65", "66", "67", "70"})
_OCTET_TAGS = frozenset({"4", "68"})
_OID_TAG = "6"
_IP_TAG = "64"
_SKIP_TAGS = frozenset({"5", "128", "129", "130"})  # Null, noSuchObject/Instance, endOfMib
KNOWN_TAGS = _INT_TAGS | _OCTET_TAGS | _SKIP_TAGS | {_OID_TAG, _IP_TAG}


class SnmprecError(ValueError):
    """A ``.snmprec`` recording could not be read. Names the file and line."""

    def __init__(self, path: str, line: int, reason: str) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        super().__init__(f"{path}:{line}: {reason}")


@dataclass(frozen=True, slots=True)
class SkippedRow:
    line: int
    oid: str
    reason: str


@dataclass(frozen=True, slots=True)
class Recording:
    path: str
    varbinds: dict[str, Value]
    skipped: tuple[SkippedRow, ...]


def _valid_oid(oid: str) -> bool:
    arcs = oid.split(".")
    return len(arcs) >= 2 and all(a.isdigit() for a in arcs)


def _split(path: str, lineno: int, line: str) -> tuple[str, str, str]:
    parts = line.split("|", 2)
    if len(parts) != 3 or not parts[0] or not parts[1]:
        raise SnmprecError(path, lineno, "expected OID|TAG|VALUE")
    oid, tag, value = parts
    return oid.lstrip("."), tag, value


def _octets(path: str, lineno: int, encoding: str, value: str) -> bytes:
    if encoding == "x":
        # An odd count of digits (LibreNMS's vrp_s5328c-ei has some): the lab's agent
        # (pysnmp) serves the last digit as the high half of a byte, so do we.
        padded = value + "0" if len(value) % 2 else value
        try:
            return bytes.fromhex(padded)
        except ValueError as exc:
            raise SnmprecError(path, lineno, f"bad hex value: {exc}") from None
    if encoding == "e":
        try:
            decoded = ast.literal_eval(f"b'{value}'")
        except (ValueError, SyntaxError) as exc:
            raise SnmprecError(path, lineno, f"bad escaped value: {exc}") from None
        if not isinstance(decoded, bytes):
            raise SnmprecError(path, lineno, "escaped value is not a byte string")
        return decoded
    return value.encode("latin-1")


def parse_snmprec_line(path: str, lineno: int, line: str) -> tuple[str, Value] | SkippedRow:
    """One stripped line -> ``(oid, value)``, or a ``SkippedRow`` saying why not."""
    oid, tag, value = _split(path, lineno, line)
    encoding = ""
    if tag[-1:] in ("x", "e"):
        tag, encoding = tag[:-1], tag[-1]
    if not _valid_oid(oid):
        return SkippedRow(lineno, oid, "OID has non-numeric arcs")
    if tag not in KNOWN_TAGS:
        raise SnmprecError(path, lineno, f"unknown tag {tag!r}")
    if tag in _SKIP_TAGS:
        return SkippedRow(lineno, oid, f"tag {tag} carries no value")
    if tag in _INT_TAGS:
        raw = bytes.fromhex(value) if encoding == "x" else None
        number = int.from_bytes(raw, "big") if raw is not None else None
        try:
            return oid, number if number is not None else int(value)
        except ValueError:
            raise SnmprecError(path, lineno, f"bad integer {value!r}") from None
    if tag == _OID_TAG:
        return oid, value.lstrip(".")
    if tag == _IP_TAG:
        if encoding == "x":
            octets = _octets(path, lineno, encoding, value)
            return oid, ".".join(str(b) for b in octets)
        return oid, value
    return oid, _octets(path, lineno, encoding, value)


def _rows(path: str | Path) -> Iterator[tuple[str, tuple[str, Value] | SkippedRow]]:
    """Each data line of a recording with what it parses to (comments and blanks skipped)."""
    name = str(path)
    with open(path, encoding="latin-1", newline="\n") as handle:
        for lineno, raw_line in enumerate(handle, start=1):
            line = raw_line.strip()
            if line and not line.startswith("#"):
                yield line, parse_snmprec_line(name, lineno, line)


def load_snmprec(path: str | Path) -> Recording:
    """Read a recording. Raises ``SnmprecError`` (file and line) for a broken row."""
    varbinds: dict[str, Value] = {}
    skipped: list[SkippedRow] = []
    for _line, parsed in _rows(path):
        if isinstance(parsed, SkippedRow):
            skipped.append(parsed)
        else:
            varbinds[parsed[0]] = parsed[1]
    return Recording(str(path), varbinds, tuple(skipped))


def sanitise_snmprec(src: str | Path, dst: str | Path) -> tuple[SkippedRow, ...]:
    """Copy a recording without the rows snmpsim cannot serve; return those rows."""
    skipped: list[SkippedRow] = []
    kept: list[str] = []
    for line, parsed in _rows(src):
        if isinstance(parsed, SkippedRow):
            skipped.append(parsed)
        elif _one_arc_oid(line):  # `|6|0` (a VRP's entPhysicalVendorType): snmpsim stalls
            skipped.append(SkippedRow(0, line.split("|", 1)[0], "an OID value of one arc"))
        else:
            kept.append(_even_hex(line))
    Path(dst).write_text("".join(f"{line}\n" for line in kept), encoding="latin-1")
    return tuple(skipped)


def _one_arc_oid(line: str) -> bool:
    _oid, tag, value = line.split("|", 2)
    return tag == "6" and "." not in value.strip(".")


def _even_hex(line: str) -> str:
    """A hex value of an odd count of digits padded as the lab's agent reads it (the last
    digit the high half of a byte): snmpsim stops answering the walk at such a row."""
    _oid, tag, value = line.split("|", 2)
    return f"{line}0" if tag.endswith("x") and len(value) % 2 else line


def _arcs(oid: str) -> tuple[int, ...]:
    return tuple(int(a) for a in oid.split("."))


def read_prepared(path: Path, prefixes: Iterable[str]) -> dict[str, Value]:
    """The varbinds below `prefixes` of a recording the lab prepared (lab/snmprec.py: in
    OID order, with a sparse `.idx` of byte offsets): one seek per prefix, then read until
    past its subtree. Rows the agent cannot encode are left out, as the agent leaves them."""
    index = []
    for entry in path.with_suffix(".idx").read_text(encoding="ascii").splitlines():
        offset, oid = entry.split(" ", 1)
        index.append((int(offset), _arcs(oid)))
    varbinds: dict[str, Value] = {}
    if not index:
        return varbinds
    with open(path, "rb") as fh:
        for prefix in prefixes:
            start = _arcs(prefix)
            i = bisect.bisect_right(index, start, key=lambda entry: entry[1]) - 1
            fh.seek(index[max(i, 0)][0])
            for lineno, raw in enumerate(fh):
                line = raw.decode("utf-8", "surrogateescape").rstrip("\n")
                oid = line.split("|", 1)[0]
                if not (oid == prefix or oid.startswith(prefix + ".")):
                    if _arcs(oid) > start:
                        break
                    continue
                try:
                    parsed = parse_snmprec_line(str(path), lineno, line)
                except (SnmprecError, UnicodeEncodeError):
                    continue
                if isinstance(parsed, tuple):
                    varbinds[parsed[0]] = parsed[1]
    return varbinds
