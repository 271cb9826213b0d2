"""snmprec recordings: parse and sanitise lines, order OIDs, serve GET/GETNEXT lookups.

A recording is a sorted sequence of `OID|TAG|VALUE` rows. Small ones live in memory;
big ones (snmpsim-data carries walks of millions of rows) stay on disk, prepared once
into a cache as a sanitised, sorted text file with a sparse index of every 32nd key.
"""

from __future__ import annotations

import bisect
import bz2
import hashlib
import os
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Generic, Protocol, TypeVar

from lab.errors import RecordingError

# BER tags snmpsim writes; a trailing `x` means the value is hex.
KNOWN_TAGS = frozenset(
    {"2", "4", "4x", "5", "6", "64", "64x", "65", "66", "67", "68", "68x", "70", "70x"}
)
INDEX_STRIDE = 32
IN_MEMORY_LIMIT = 4 * 1024 * 1024  # bytes of sanitised text kept in memory

Row = tuple[str, str, str]  # (dotted OID, tag, value)
KeyedRow = tuple[bytes, Row]  # (oid_key of the row's OID, row)
V = TypeVar("V")


def oid_key(oid: str) -> bytes:
    """An order-preserving byte key: keys sort exactly as OIDs do (arc by arc)."""
    out = bytearray()
    for arc in oid.split("."):
        number = int(arc)
        raw = number.to_bytes((number.bit_length() + 7) // 8 or 1, "big")
        out.append(len(raw))
        out += raw
    return bytes(out)


def subtree_end(oid: str) -> bytes:
    """A key greater than every OID below `oid` and smaller than its next sibling."""
    return oid_key(oid) + b"\xff"


def parse_row(line: str) -> Row | None:
    """One sanitised row, or None for comments, blanks and rows snmpsim cannot serve.

    Skipped: LibreNMS's anonymised index arcs (`...10.xx.xx.100`), unknown tags and
    snmpsim variation modules (`2:numeric`), whose values are not literal.
    """
    line = line.rstrip("\r\n")
    if not line or line.startswith("#"):
        return None
    parts = line.split("|", 2)
    if len(parts) != 3:
        return None
    oid, tag, value = parts
    oid = oid.strip().lstrip(".")
    if not oid or not all(arc.isdigit() and arc.isascii() for arc in oid.split(".")):
        return None
    if tag not in KNOWN_TAGS:
        return None
    return oid, tag, value


def sanitise(lines: Iterable[str]) -> list[Row]:
    """Parse, drop unservable rows and duplicates (the first wins), sort by OID."""
    rows: dict[bytes, Row] = {}
    for line in lines:
        row = parse_row(line)
        if row is not None:
            rows.setdefault(oid_key(row[0]), row)
    return [rows[key] for key in sorted(rows)]


class Recording(Protocol):
    """What the SNMP agent asks of a device's data."""

    def get(self, oid: str) -> Row | None: ...

    def next_after(self, key: bytes) -> Row | None: ...

    def next_rows(self, key: bytes, count: int) -> list[KeyedRow]:
        """Up to ``count`` rows after ``key``, in order: one GETBULK's repetitions."""
        ...


@dataclass
class MemoryRecording:
    """Rows held in memory, sorted by key."""

    keys: list[bytes]
    rows: list[Row]

    @classmethod
    def from_rows(cls, rows: list[Row]) -> MemoryRecording:
        return cls([oid_key(r[0]) for r in rows], rows)

    def get(self, oid: str) -> Row | None:
        key = oid_key(oid)
        i = bisect.bisect_left(self.keys, key)
        if i < len(self.keys) and self.keys[i] == key:
            return self.rows[i]
        return None

    def next_after(self, key: bytes) -> Row | None:
        i = bisect.bisect_right(self.keys, key)
        return self.rows[i] if i < len(self.rows) else None

    def next_rows(self, key: bytes, count: int) -> list[KeyedRow]:
        i = bisect.bisect_right(self.keys, key)
        return list(zip(self.keys[i:i + count], self.rows[i:i + count], strict=True))


class FileRecording:
    """A prepared recording on disk with a sparse in-memory index."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._keys: list[bytes] = []
        self._offsets: list[int] = []
        with open(path.with_suffix(".idx"), encoding="ascii") as index:
            for line in index:
                offset, oid = line.split(" ", 1)
                self._offsets.append(int(offset))
                self._keys.append(oid_key(oid.strip()))
        self._fh: BinaryIO = open(path, "rb")  # open while the agent lives

    def _scan(self, key: bytes, *, inclusive: bool) -> Row | None:
        i = max(bisect.bisect_right(self._keys, key) - 1, 0)
        if not self._offsets:
            return None
        self._fh.seek(self._offsets[i])
        for raw in self._fh:
            oid, tag, value = raw.decode("utf-8", "surrogateescape").rstrip("\n").split("|", 2)
            row_key = oid_key(oid)
            if row_key > key or (inclusive and row_key == key):
                return oid, tag, value
        return None

    def close(self) -> None:
        self._fh.close()

    def get(self, oid: str) -> Row | None:
        row = self._scan(oid_key(oid), inclusive=True)
        return row if row is not None and row[0] == oid else None

    def next_after(self, key: bytes) -> Row | None:
        return self._scan(key, inclusive=False)

    def next_rows(self, key: bytes, count: int) -> list[KeyedRow]:
        out: list[KeyedRow] = []
        if not self._offsets or count <= 0:
            return out
        self._fh.seek(self._offsets[max(bisect.bisect_right(self._keys, key) - 1, 0)])
        for raw in self._fh:
            oid, tag, value = raw.decode("utf-8", "surrogateescape").rstrip("\n").split("|", 2)
            row_key = oid_key(oid)
            if row_key > key:
                out.append((row_key, (oid, tag, value)))
                if len(out) == count:
                    break
        return out

    def rows(self) -> Iterator[Row]:
        with open(self.path, encoding="utf-8", errors="surrogateescape") as fh:
            for line in fh:
                oid, tag, value = line.rstrip("\n").split("|", 2)
                yield oid, tag, value


def read_source(path: Path) -> Iterator[str]:
    """Stream the text lines of a `.snmprec` or `.snmprec.bz2` file."""
    try:
        if path.name.endswith(".bz2"):
            with bz2.open(path, "rt", encoding="utf-8", errors="surrogateescape") as fh:
                yield from fh
        else:
            with open(path, encoding="utf-8", errors="surrogateescape") as fh:
                yield from fh
    except (OSError, EOFError, ValueError) as exc:
        raise RecordingError(f"{path}: cannot read recording: {exc}") from exc


def cache_name(source: Path) -> str:
    """Cache file stem for a source: its name plus a hash of its content, so that every
    clone and virtualenv holding the same recording shares one prepared copy (a fresh
    clone's lab, demo and tests would otherwise prepare every recording again)."""
    digest = hashlib.sha256(b"prepared-v1\0")
    with open(source, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    stem = source.name.removesuffix(".bz2").removesuffix(".snmprec")
    return f"{stem}-{digest.hexdigest()[:16]}"


class _OutOfOrder(Exception):
    pass


def prepare(source: Path, cache_dir: Path) -> Path:
    """Sanitise `source` once into `cache_dir`; return the prepared `.snmprec` path.

    Recordings are nearly always in walk order: rows stream from the source to the
    cache; only an out-of-order file is sorted in memory.
    """
    target = cache_dir / f"{cache_name(source)}.snmprec"
    index = target.with_suffix(".idx")
    if target.exists() and index.exists():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    try:
        _write(_in_order(read_source(source)), target)
    except _OutOfOrder:
        _write(iter(sanitise(read_source(source))), target)
    return target


def _write(rows: Iterator[Row], target: Path) -> None:
    index = target.with_suffix(".idx")
    # names of this writer's own: two processes may prepare the same content at once (the
    # cache is shared by every clone, and a recording set may hold byte-identical copies)
    mine = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    tmp_data = target.with_suffix(f".{mine}.tmp")
    tmp_index = target.with_suffix(f".{mine}.idxtmp")
    with open(tmp_data, "wb") as data, open(tmp_index, "w", encoding="ascii") as idx:
        for n, (oid, tag, value) in enumerate(rows):
            if n % INDEX_STRIDE == 0:
                idx.write(f"{data.tell()} {oid}\n")
            data.write(f"{oid}|{tag}|{value}\n".encode("utf-8", "surrogateescape"))
    tmp_index.replace(index)
    tmp_data.replace(target)


def _in_order(lines: Iterable[str]) -> Iterator[Row]:
    """Sanitised rows of lines already in OID order (duplicates dropped)."""
    last = b""
    for line in lines:
        row = parse_row(line)
        if row is None:
            continue
        key = oid_key(row[0])
        if key < last:
            raise _OutOfOrder
        if key != last:
            last = key
            yield row


def read_prepared(path: Path) -> list[Row]:
    """All rows of a prepared (sanitised, sorted) recording."""
    with open(path, encoding="utf-8", errors="surrogateescape") as fh:
        return [_split(line) for line in fh]


def open_prepared(path: Path) -> MemoryRecording | FileRecording:
    """Small prepared recordings go to memory, big ones stay on disk."""
    if path.stat().st_size <= IN_MEMORY_LIMIT:
        return MemoryRecording.from_rows(read_prepared(path))
    return FileRecording(path)


def _split(line: str) -> Row:
    oid, tag, value = line.rstrip("\n").split("|", 2)
    return oid, tag, value


class _KeyedSource(Protocol[V]):
    def next_rows(self, key: bytes, count: int) -> list[tuple[bytes, V]]: ...


class OverlayMerge(Generic[V]):
    """A clone's own rows over its base's, whole subtrees removed: the merge shared by the
    rows (OverlayRecording) and the agent's encoded varbinds (lab.snmp_fast.EncodedOverlay)."""

    base: _KeyedSource[V]
    own: _KeyedSource[V]

    def _set_deleted(self, deleted: list[str]) -> None:
        self._deleted = sorted((oid_key(p), subtree_end(p)) for p in deleted)
        self._deleted_starts = [start for start, _ in self._deleted]

    def _deleted_until(self, key: bytes) -> bytes | None:
        """End of the deleted subtree holding `key`, if any."""
        i = bisect.bisect_right(self._deleted_starts, key) - 1
        if i >= 0:
            start, end = self._deleted[i]
            if start <= key < end:
                return end
        return None

    def next_rows(self, key: bytes, count: int) -> list[tuple[bytes, V]]:
        """The two sorted sources merged (an own row replaces the base's at equal keys)."""
        mine, theirs = self.own.next_rows(key, count), self._base_rows(key, count)
        out: list[tuple[bytes, V]] = []
        i = j = 0
        while len(out) < count and (i < len(mine) or j < len(theirs)):
            if j == len(theirs) or (i < len(mine) and mine[i][0] <= theirs[j][0]):
                if j < len(theirs) and mine[i][0] == theirs[j][0]:
                    j += 1
                out.append(mine[i])
                i += 1
            else:
                out.append(theirs[j])
                j += 1
        return out

    def _base_rows(self, key: bytes, count: int) -> list[tuple[bytes, V]]:
        """Up to ``count`` base rows after ``key``, deleted subtrees jumped over."""
        out: list[tuple[bytes, V]] = []
        while len(out) < count:
            batch = self.base.next_rows(key, count - len(out))
            if not batch:
                break
            for row_key, row in batch:
                end = self._deleted_until(row_key)
                if end is not None:
                    key = end  # fetch again from past the deleted subtree
                    break
                out.append((row_key, row))
            else:
                key = batch[-1][0]
        return out


class OverlayRecording(OverlayMerge[Row]):
    """A base recording with rows replaced or added and whole subtrees removed.

    Clones share one base; each keeps only what differs (names, serials, MACs, its
    neighbour tables), so a thousand devices cost little more than their differences.
    """

    base: Recording
    own: MemoryRecording

    def __init__(self, base: Recording, rows: list[Row], deleted: list[str]) -> None:
        self.base = base
        self.own = MemoryRecording.from_rows(sorted(rows, key=lambda r: oid_key(r[0])))
        self._set_deleted(deleted)

    def get(self, oid: str) -> Row | None:
        row = self.own.get(oid)
        if row is not None:
            return row
        if self._deleted_until(oid_key(oid)) is not None:
            return None
        return self.base.get(oid)

    def next_after(self, key: bytes) -> Row | None:
        mine = self.own.next_after(key)
        theirs = self.base.next_after(key)
        while theirs is not None:
            end = self._deleted_until(oid_key(theirs[0]))
            if end is None:
                break
            theirs = self.base.next_after(end)
        if mine is None:
            return theirs
        if theirs is None or oid_key(mine[0]) <= oid_key(theirs[0]):
            return mine
        return theirs
