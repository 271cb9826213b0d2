"""Coverage rules (pure): a scoped change set certifies everything its source sees under
the scope (or only the classes and link types it names). What the scope held before and
does not report now counts: an open link closes, an active CI counts a missed run and
goes absent after `lifecycle.absent_after_missed_runs`. Rule book: docs/ingest.md#coverage.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cmdb.ingest.context import IngestContext
from cmdb.ingest.links import Wanted
from cmdb.ingest.reader import OpenLink
from cmdb.schema import RelType
from cmdb.write import CIUpdate


def certified_rels(ctx: IngestContext) -> list[RelType]:
    """The relationship types whose absence this change set certifies."""
    certified = ctx.changeset.certified_links
    return [
        r for r in ctx.schema.relationships.values() if certified is None or r.name in certified
    ]


def unreported_links(
    ctx: IngestContext, open_links: Iterable[OpenLink], wanted: Wanted, closing: set[str]
) -> list[str]:
    """The scope's open links (`open_links`) this change set does not report: same type,
    same direction; a symmetric type's pair compared in uid order as `wanted` keeps it.
    Not those already `closing`."""
    symmetric = {r.name for r in ctx.schema.relationships.values() if r.symmetric}
    closes = []
    for link in open_links:
        a, b = link.a, link.b
        if link.type in symmetric and b < a:
            a, b = b, a
        if (link.type, a, b) not in wanted and link.id not in closing:
            closes.append(link.id)
    return closes


@dataclass
class Misses:
    updates: list[CIUpdate] = field(default_factory=list)  # gone absent
    touches: list[dict[str, Any]] = field(default_factory=list)  # one more run missed
    absent: list[str] = field(default_factory=list)


def misses(ctx: IngestContext, candidates: Iterable[tuple[str, int]]) -> Misses:
    """CIs of the scope this change set did not report (uid, runs missed so far): one
    more miss each; absent at the configured number."""
    limit = ctx.config.lifecycle.absent_after_missed_runs
    out = Misses()
    for uid, missed_before in candidates:
        missed = missed_before + 1
        if missed >= limit:
            out.updates.append(CIUpdate(uid, {"status": "absent", "_missed": missed}, ["status"]))
            out.absent.append(uid)
        else:
            out.touches.append({"uid": uid, "set": {"_missed": missed}, "seen": False})
    return out
