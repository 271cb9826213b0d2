"""`attributes` on every CI: each attribute of its class (schema/) with its value, the
source that owns the value (`_prov`) and when that source last reported the CI (`_seen`),
read through a per-request loader (one query per resolver level)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.scalars import JSON
from strawberry.types import Info

from api.context import RequestContext
from api.loaders import CINode
from cmdb.queries.api_reads import PROVENANCE

Ctx = Info[RequestContext, None]


@strawberry.type(description="An attribute of a CI with the source that owns its value.")
class AttributeValue:
    name: str
    value: Any = strawberry.field(graphql_type=JSON | None)
    source: str | None = strawberry.field(
        description="The source that owns the value (ssh, snmp, register, manual, ...); "
        "null: none recorded."
    )
    last_seen: datetime | None = strawberry.field(
        description="When that source last reported the CI; null: never (a manual edit "
        "is no sighting)."
    )


@dataclass(frozen=True)
class Provenance:
    owners: dict[str, str]  # attribute -> source
    seen: dict[str, datetime]  # source -> when it last reported the CI


def provenance(ctx: RequestContext) -> DataLoader[str, Provenance]:
    """uid -> who owns its attributes and when each source last saw it, as stored now."""

    async def load(uids: list[str]) -> list[Provenance]:
        rows = await ctx.db.read(PROVENANCE, {"uids": uids})
        found = {r["uid"]: _provenance(r["prov"], r["seen"]) for r in rows}
        return [found.get(uid, Provenance({}, {})) for uid in uids]

    return ctx.loader("provenance", lambda: DataLoader(load_fn=load))


def _provenance(prov: str | None, seen: str | None) -> Provenance:
    owners: dict[str, str] = json.loads(prov or "{}")
    times: dict[str, str] = json.loads(seen or "{}")
    return Provenance(owners, {s: datetime.fromisoformat(at) for s, at in times.items()})


def _plain(value: Any) -> Any:
    """A value as JSON holds it (dates and times as ISO text)."""
    return value.isoformat() if hasattr(value, "isoformat") else value


DESCRIPTION = (
    "Every attribute of the CI's class (schema/, in its order; no bookkeeping) with its "
    "value as of the CI's read time (`asOf`), and the source that owns the value with when "
    "that source last reported the CI: those two as stored now, whatever the `asOf`."
)


async def attributes(root: strawberry.Parent[CINode], info: Ctx) -> list[AttributeValue]:
    cls = info.context.model.classes[root.class_name]
    found = await provenance(info.context).load(root.uid)
    values = []
    for name in cls.attributes:
        source = found.owners.get(name)
        values.append(AttributeValue(
            name=name,
            value=_plain(root.state.get(name)),
            source=source,
            last_seen=found.seen.get(source) if source is not None else None,
        ))  # fmt: skip
    return values
