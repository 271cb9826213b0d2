"""Root queries over CIs: `ci` (by uid or name), `cis` (a filtered, ordered, paged
connection with Relay cursors and totalCount) and `search` (full text over names,
serials, MAC and IP addresses). Each takes `asOf`: the whole answer, nested fields
included, is read as the graph was then.
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import neo4j
import strawberry
from strawberry.types import Info

from api import loaders
from api.ci_filter import CIFilter, filter_params, text, utc
from api.cis import ConfigurationItem
from api.context import RequestContext
from api.loaders import CINode
from api.paging import BadArgument, PageInfo, decode_cursor, encode_cursor, page_size
from api.parts import ApiPart
from api.permissions import needs
from cmdb.queries import api_reads as q
from cmdb.queries.api_reads import UIDS_BY_NAME

Ctx = Info[RequestContext, None]
MAX_SEARCH = 256  # characters of a search text
NAME_MATCHES = 20  # CIs of one name reported when a name is ambiguous


@strawberry.enum
class CIOrderField(enum.Enum):
    NAME = "name"
    UID = "uid"
    CLASS = "class"
    LAST_SEEN = "last_seen"
    FIRST_SEEN = "first_seen"


@strawberry.enum
class OrderDirection(enum.Enum):
    ASC = "asc"
    DESC = "desc"


@strawberry.input
class CIOrder:
    field: CIOrderField = CIOrderField.NAME
    direction: OrderDirection = OrderDirection.ASC


@strawberry.type
class CIEdge:
    cursor: str
    node: ConfigurationItem


@strawberry.type
class CIConnection:
    edges: list[CIEdge]
    page_info: PageInfo
    count: strawberry.Private[Callable[[], Awaitable[int]]]
    counted: strawberry.Private[asyncio.Future[int] | None] = None

    @strawberry.field(
        description="The CIs under the filter. Read only when asked for: without a filter "
        "(a class aside) it is Neo4j's count of the label; under one, every CI is tested."
    )
    async def total_count(self) -> int:
        if self.counted is None:  # once, however many aliases ask
            self.counted = asyncio.ensure_future(self.count())
        return await self.counted


def _page_read(
    label: str | None, order: CIOrder, as_of: datetime | None, after: bool, named: bool
) -> tuple[str, bool]:
    """The page query, and whether it reads the class from the label (else `$classes`):
    ordered by name or uid now (by uid as of a time), read in index order up to the page's
    end; in another order, every CI under the filter is read and sorted."""
    field, descending = order.field.value, order.direction is OrderDirection.DESC
    if as_of is None and field in q.INDEXED_ORDERS:
        page = q.cis_page_indexed(label or "CI", field, descending, after, False, named)
        return page, True
    if as_of is not None and field == "uid":
        return q.cis_page_indexed("CI", field, descending, after, as_of=True), False
    if as_of is None:
        return (q.CIS_PAGE_NOW_DESC if descending else q.CIS_PAGE_NOW), False
    return (q.CIS_PAGE_AS_OF_DESC if descending else q.CIS_PAGE_AS_OF), False


def _count_read(label: str | None, as_of: datetime | None, params: dict[str, Any]) -> str:
    """The count query: now, from the label (its count store when nothing else filters);
    as of a time, every CI's state then tested."""
    if as_of is not None:
        return q.CIS_COUNT_AS_OF
    conditions = {k: v for k, v in params.items() if k not in UNFILTERING}
    filtered = conditions.pop("attributes") != [] or any(v is not None for v in conditions.values())
    return q.cis_count_now(label or "CI", filtered)


# parameters that are no condition (a class is the label); `located` is one even when it
# is empty (a place with nothing in it)
UNFILTERING = {"classes", "t", "order"}


async def _read(ctx: RequestContext, query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """A read whose failure on a user's pattern is that user's error, told plainly."""
    try:
        return await ctx.db.read(query, params)
    except neo4j.exceptions.ClientError as exc:
        if params.get("name_regex") and "regex" in (exc.message or "").lower():
            raise BadArgument("filter.nameRegex: not a regular expression Neo4j takes") from None
        raise


async def _located(ctx: RequestContext, place: str | None, t: datetime) -> list[str] | None:
    """The uids of the CIs located in `place` at `t` (None: no location filter)."""
    if place is None:
        return None
    rows = await ctx.db.read(q.LOCATED_IN_PLACE, {"location": place, "t": t})
    return [r["uid"] for r in rows]


@strawberry.type
class CIQuery:
    @strawberry.field(
        extensions=[needs("read")], description="One CI by uid or by name (exactly one of them)."
    )
    async def ci(
        self,
        info: Ctx,
        uid: str | None = None,
        name: str | None = None,
        as_of: datetime | None = None,
    ) -> ConfigurationItem | None:
        if (uid is None) == (name is None):
            raise BadArgument("ci: give exactly one of uid and name")
        as_of = utc(as_of)
        if name is not None:
            text("name", name)
            rows = await info.context.db.read(UIDS_BY_NAME, {"name": name, "limit": NAME_MATCHES})
            if len(rows) > 1:
                many = f"{len(rows)}{'+' if len(rows) == NAME_MATCHES else ''}"
                raise BadArgument(
                    f"name: {many} CIs are named so; ask by uid or use cis(filter: {{name: ...}})"
                )
            if not rows:
                return None
            uid = rows[0]["uid"]
        text("uid", uid)
        found = await loaders.states(info.context, as_of).load(str(uid))
        return found  # type: ignore[return-value]  # a CINode, typed by resolve_type

    @strawberry.field(
        extensions=[needs("read")],
        description="CIs under a filter, ordered, paged (Relay cursors).",
    )
    async def cis(
        self,
        info: Ctx,
        filter: CIFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        order_by: CIOrder | None = None,
        as_of: datetime | None = None,
    ) -> CIConnection:
        ctx = info.context
        order = order_by or CIOrder()
        as_of = utc(as_of)
        limit = page_size(ctx, first)
        kind = f"cis:{order.field.value}:{order.direction.value}"
        position = decode_cursor(kind, after)
        if position is not None and not (
            isinstance(position, list) and len(position) == 2 and isinstance(position[1], str)
        ):
            raise BadArgument("after: not a cursor of this list (take one from endCursor)")
        params = filter_params(ctx.model, filter)
        params |= {"t": as_of or datetime.now().astimezone(), "order": order.field.value}
        params["located"] = await _located(ctx, params.pop("location"), params["t"])
        # a class filter is a label of schema/ (subclasses carry their ancestors' labels)
        label = ctx.model.classes[filter.class_name].name if filter and filter.class_name else None
        named = params["name"] is not None  # the name order seeks that name alone
        page_text, by_label = _page_read(label, order, as_of, position is not None, named)
        after_key, after_uid = position if position is not None else (None, None)
        unclassed = params | {"classes": None}  # for a read of the label's CIs
        rows = await _read(ctx, page_text, (unclassed if by_label else params) | {
            "after_key": after_key, "after_uid": after_uid, "limit": limit + 1})  # fmt: skip
        count_text = _count_read(label, as_of, params)

        async def count() -> int:  # now, of the label's CIs; as of a time, of $classes
            found = await _read(ctx, count_text, params if as_of else unclassed)
            return int(found[0]["total"])

        edges = [
            CIEdge(cursor=encode_cursor(kind, [r["key"], r["state"]["uid"]]),
                   node=CINode.of(r["state"], as_of))  # type: ignore[arg-type]
            for r in rows[:limit]
        ]  # fmt: skip
        page_info = PageInfo(
            has_next_page=len(rows) > limit,
            has_previous_page=position is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        )
        return CIConnection(edges=edges, page_info=page_info, count=count)

    @strawberry.field(
        extensions=[needs("read")],
        description="CIs whose name, serial, MAC or IP address matches the text.",
    )
    async def search(
        self, info: Ctx, text: str, first: int | None = None, as_of: datetime | None = None
    ) -> list[ConfigurationItem]:
        as_of = utc(as_of)
        query = lucene_query(text)
        params = {"query": query, "limit": page_size(info.context, first),
                  "t": as_of or datetime.now().astimezone()}  # fmt: skip
        rows = await info.context.db.read(q.SEARCH, params)
        return [CINode.of(r["state"], as_of) for r in rows]  # type: ignore[misc]


LUCENE_SPECIAL = set('+-&|!(){}[]^"~*?:\\/')


def lucene_query(raw: str) -> str:
    """The user's text as a Lucene query over the full-text index: the whole text as a
    phrase (analysed as the indexed values are), and a one-word text also as a prefix.
    Every character Lucene gives a meaning is escaped: the text is never syntax."""
    words = raw.split()
    if not words:
        raise BadArgument("text: give something to search for")
    if len(raw) > MAX_SEARCH:
        raise BadArgument(f"text: at most {MAX_SEARCH} characters, not {len(raw)}")
    phrase = " ".join(words).replace("\\", "\\\\").replace('"', '\\"')
    query = f'"{phrase}"'
    if len(words) == 1:
        prefix = "".join(f"\\{ch}" if ch in LUCENE_SPECIAL else ch for ch in words[0].lower())
        query += f" OR {prefix}*"
    return query


PART = ApiPart(query=CIQuery)
