"""The one interface through which ingest reads the graph, and the values it returns.

The pipeline (cmdb.ingest.pipeline) asks a `GraphReader` for what the stages decide on
(stored states, candidate CIs by identifier set, claims, open links, pending links) and
hands the stages plain values; cmdb.ingest.neo4j_reader reads them from Neo4j in batches.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple, Protocol

from cmdb.properties import from_epoch
from cmdb.schema import CIClass, RelType

State = Mapping[str, Any]  # the stored properties of a CI (bookkeeping included)


class StoredSummary(NamedTuple):
    """What telling 'unchanged' from 'changed' needs of a CI found by identifiers,
    without reading the whole CI."""

    fp: str | None  # `_fp`: per source, the fingerprint of the facts it last reported
    lfp: str | None  # `_lfp`: the same for links
    seen: str | None  # `_seen`: per source, when it last reported the CI
    scope: str | None
    missed: int | None
    status: str | None
    last_seen_epoch: tuple[Any, Any]  # [seconds, nanoseconds] as read
    claims: str | None  # `_claims` (cmdb.ingest.claims)

    @property
    def last_seen(self) -> datetime | None:
        return from_epoch(self.last_seen_epoch)


class Found(NamedTuple):
    row: int  # the caller's index of the looked-up row
    uid: str
    summary: StoredSummary


class LinkState(NamedTuple):
    """A wanted link as stored: missing (`id` None; `late` when closed after the change
    set's time), stale, or under another scope (`moved`)."""

    row: int
    id: str | None
    stale: bool
    moved: bool
    late: bool
    changed: bool = False  # open, with other attributes than those reported


class OpenLink(NamedTuple):
    id: str
    type: str
    a: str  # start node's uid, as stored
    b: str


class Pending(NamedTuple):
    id: str
    key: str
    type: str
    known: str  # the uid of the endpoint that is known
    known_end: str | None = None  # "source" or "target"
    evidence: str | None = None
    source: str | None = None
    scope: str | None = None
    attributes: str = ""  # the link's own attributes, canonical JSON


class Part(NamedTuple):
    """A part of a device (or of one of its parts), with the discovery run that made it."""

    uid: str
    cls: str
    scope: str | None
    status: str | None
    made_in: str | None


class GraphReader(Protocol):
    def find(
        self,
        cls: CIClass,
        set_index: int,
        rows: Sequence[tuple[int, Mapping[str, Any], str | None]],
    ) -> list[Found]:
        """CIs carrying the identifier values of each (row, values, parent uid) row."""
        ...

    def find_global(
        self, cls: CIClass, id_set: tuple[str, ...], values: Mapping[str, Any]
    ) -> list[str]:
        """uids of the CIs carrying a global identifier set, in order."""
        ...

    def find_within(
        self, cls: CIClass, id_set: tuple[str, ...], values: Mapping[str, Any], parent: str
    ) -> list[str]:
        """uids of the CIs of a scoped class under `parent` carrying a reference-only
        identifier set, in order."""
        ...

    def states(self, uids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The stored properties of these CIs (times as datetimes)."""
        ...

    def attributes_set_after(self, uid: str, attrs: Sequence[str], at: datetime) -> set[str]:
        """Of `attrs`, those set on the CI after `at` (by its versions or its creation)."""
        ...

    def latest_change(self, uids: Sequence[str]) -> datetime | None:
        """The latest start of the current state of these CIs."""
        ...

    def changeset_run(self, cs_id: str | None) -> str | None:
        """The discovery run of a stored change set."""
        ...

    def missed(
        self, scope: str, classes: Sequence[str] | None, seen: Sequence[str], at: datetime
    ) -> list[tuple[str, int]]:
        """Active CIs of the scope not in `seen` nor seen after `at`: (uid, runs missed)."""
        ...

    def device_parts(self, uid: str) -> list[Part]: ...

    def any_pending(self) -> bool: ...

    def pending_by_keys(self, keys: Sequence[str]) -> list[Pending]: ...

    def scoped_pending(self, scope: str, source: str) -> list[Pending]: ...

    def scoped_pending_on(
        self, uids: Sequence[str], scope: str, source: str
    ) -> list[tuple[str, str]]:
        """(id, type) of the scope's pending links known to be waiting on these CIs."""
        ...

    def link_states(
        self,
        rel: RelType,
        rows: Sequence[Mapping[str, Any]],
        stale: datetime,
        scope: str | None,
        at: datetime,
    ) -> list[LinkState]: ...

    def scoped_open_links(
        self, rels: Sequence[RelType], scope: str, source: str, at: datetime
    ) -> list[OpenLink]: ...

    def scoped_links_on(self, uids: Sequence[str], scope: str, source: str) -> list[OpenLink]: ...
