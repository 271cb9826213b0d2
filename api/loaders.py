"""The request's DataLoaders: every CI field that reads the graph asks a loader for one
CI's share, and the loader reads the whole level's CIs in one query (one Neo4j round trip
per resolver level, whatever the number of CIs). Loaders are made per request through
`info.context.loader(key, make)`, keyed by what they read and the time they read at.

`CINode` is the object behind every CI in an answer: its uid, class, state, and the
instant the whole answer is read at (`as_of`, None for now), so that every nested field
reads the graph as of the same time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from strawberry.dataloader import DataLoader

from api.context import RequestContext
from cmdb.history import Event, events_of_plan
from cmdb.properties import native, native_props
from cmdb.queries.api_reads import COVERAGE, LINKS, STATES
from cmdb.queries.bookkeeping import public

RUNS_PER_CI = 20
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # the newest discovery runs a CI's coverage lists


@dataclass(frozen=True)
class CINode:
    uid: str
    class_name: str
    state: dict[str, Any] = field(hash=False, compare=False)
    as_of: datetime | None = None

    @classmethod
    def of(cls, state: dict[str, Any], as_of: datetime | None) -> CINode:
        """From a stored state as a read returns it (bookkeeping `_class` included)."""
        return cls(str(state["uid"]), str(state["_class"]), public(state), as_of)


@dataclass(frozen=True)
class Link:
    """One relationship of a CI, seen from that CI."""

    type: str
    outgoing: bool
    other: CINode
    props: dict[str, Any]


@dataclass(frozen=True)
class LinkQuery:
    """Which links a loader reads: types, direction (None: both), and the window they were
    open in (both None: open at the read time)."""

    types: tuple[str, ...]
    outgoing: bool | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class RunSeen:
    """A discovery run that swept a CI's target: how the target answered it (`answered`,
    `failed`, `gone`; None when the run did not reach it) and whether it saw the CI (the
    target answered, and the CI was seen at or after the run began)."""

    id: str
    job: str | None
    started_at: datetime | None
    run_status: str | None
    target_status: str | None
    saw_it: bool


@dataclass(frozen=True)
class Coverage:
    scope: str | None
    last_seen: datetime | None
    by_source: dict[str, datetime]
    runs: list[RunSeen]


def read_time(as_of: datetime | None) -> datetime:
    """The instant a read is made at: `as_of`, or now."""
    return as_of if as_of is not None else datetime.now(UTC)


def states(ctx: RequestContext, as_of: datetime | None) -> DataLoader[str, CINode | None]:
    """uid -> the CI as of `as_of` (None: it did not exist then)."""

    async def load(uids: list[str]) -> list[CINode | None]:
        rows = await ctx.db.read(STATES, {"uids": uids, "t": read_time(as_of)})
        found = {r["uid"]: CINode.of(r["state"], as_of) for r in rows if r["state"]}
        return [found.get(uid) for uid in uids]

    return ctx.loader(f"states:{as_of}", lambda: DataLoader(load_fn=load))


def links(
    ctx: RequestContext, query: LinkQuery, as_of: datetime | None
) -> DataLoader[str, list[Link]]:
    """uid -> its links that `query` asks for, as of `as_of`, each with its other end."""

    async def load(uids: list[str]) -> list[list[Link]]:
        t = read_time(as_of)
        params = {
            "uids": uids,
            "types": list(query.types),
            "outgoing": query.outgoing,
            "t": t,
            # a window: open at any time in it; none: open at t
            "from": query.since or (EPOCH if query.until else t),
            "to": query.until or t,
        }
        found: dict[str, list[Link]] = {uid: [] for uid in uids}
        for r in await ctx.db.read(LINKS, params):
            other = CINode.of(r["other"], as_of)
            found[r["uid"]].append(Link(r["type"], r["outgoing"], other, native_props(r["props"])))
        for items in found.values():
            items.sort(
                key=lambda link: (link.type, link.other.state.get("name") or "", link.other.uid)
            )
        return [found[uid] for uid in uids]

    return ctx.loader(f"links:{query}:{as_of}", lambda: DataLoader(load_fn=load))


def coverage(ctx: RequestContext, as_of: datetime | None) -> DataLoader[str, Coverage | None]:
    """uid -> what discovery saw of the CI (None: no such CI)."""

    async def load(uids: list[str]) -> list[Coverage | None]:
        params = {"uids": uids, "t": read_time(as_of), "runs": RUNS_PER_CI}
        found = {r["uid"]: _coverage(r) for r in await ctx.db.read(COVERAGE, params)}
        return [found.get(uid) for uid in uids]

    return ctx.loader(f"coverage:{as_of}", lambda: DataLoader(load_fn=load))


def ci_events(ctx: RequestContext) -> DataLoader[str, list[Event]]:
    """uid -> every event of the CI, newest first (cmdb/history.py's plan, the one `cmdb ci
    history` runs): four queries for the whole level. A CI's events do not depend on the
    time it is read at; its `history` field keeps those up to then."""

    async def load(uids: list[str]) -> list[list[Event]]:
        found = await ctx.db.run_plan(events_of_plan(uids))
        return [found[uid] for uid in uids]

    return ctx.loader("ci_events", lambda: DataLoader(load_fn=load))


def _coverage(row: dict[str, Any]) -> Coverage:
    seen: dict[str, str] = json.loads(row["seen"] or "{}")
    last_seen: datetime | None = native(row["last_seen"])
    protocol, _, target = (row["scope"] or "").partition(":")
    runs = []
    for run in row["runs"]:
        entry = json.loads(run["coverage"] or "{}").get(target, {}).get(protocol) or {}
        started: datetime | None = native(run["started_at"])
        status = entry.get("status")
        saw = bool(status == "answered" and started and last_seen and started <= last_seen)
        runs.append(RunSeen(run["id"], run["job"], started, run["status"], status, saw))
    return Coverage(
        scope=row["scope"],
        last_seen=last_seen,
        by_source={source: datetime.fromisoformat(at) for source, at in sorted(seen.items())},
        runs=runs,
    )
