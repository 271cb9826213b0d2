"""History over GraphQL: the change log of every CI in a window (`history`), the diff of
one CI or of a class between two times (`diff`), and the types a CI's own history
(api/ci_history.py) shares. The reads are cmdb's plans (cmdb/history.py,
cmdb/changelog.py), the ones the CLI runs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry.extensions.field_extension import FieldExtension
from strawberry.scalars import JSON
from strawberry.types import Info

from api.arguments import bad, encode_cursor, history_args, moment, page_size, plain, text
from api.context import RequestContext
from api.parts import ApiPart
from api.permissions import needs
from cmdb.changelog import changelog_plan
from cmdb.history import Event, diff_plan, diff_scope_plan


@strawberry.type(description="One write: who, why, from where, under which change request.")
class ChangeSet:
    id: str
    at: datetime = strawberry.field(description="When history records the change.")
    observed_at: datetime | None
    recorded_at: datetime | None
    source: str
    actor: str
    reason: str | None
    scope: str | None
    discovery_run: str | None
    change_request: str | None


@strawberry.type(description="A CI created, an attribute changed, a link opened or closed.")
class HistoryEvent:
    at: datetime
    kind: str = strawberry.field(description="create | change | link_open | link_close")
    ci_uid: str = strawberry.field(description="The CI (a link's: its source).")
    attribute: str | None
    before: JSON | None = strawberry.field(description="An attribute's value, or the link.")
    after: JSON | None = strawberry.field(description="An attribute's value, or the link.")
    change_set: ChangeSet | None
    cursor: str = strawberry.field(description="Give as `after` for the events after this.")


@strawberry.type(description="Events newest first; `endCursor` as `after` gives the next page.")
class HistoryPage:
    events: list[HistoryEvent]
    has_next_page: bool
    end_cursor: str | None
    total_count: int | None = strawberry.field(
        default=None, description="Events matching the filters (a CI's history only)."
    )


@strawberry.type
class AttributeChange:
    attribute: str
    before: JSON | None
    after: JSON | None


@strawberry.type
class LinkChange:
    type: str
    source: str = strawberry.field(description="The source CI's uid.")
    target: str = strawberry.field(description="The target CI's uid.")


@strawberry.type(description="What differs on one CI between two times.")
class CIDiff:
    uid: str
    name: str | None
    attributes: list[AttributeChange]
    links_opened: list[LinkChange] = strawberry.field(description="One CI's diff only.")
    links_closed: list[LinkChange] = strawberry.field(description="One CI's diff only.")


def change_set(props: dict[str, Any] | None) -> ChangeSet | None:
    if props is None:
        return None
    return ChangeSet(
        id=props["id"], at=props["at"], observed_at=props.get("observed_at"),
        recorded_at=props.get("recorded_at"), source=props["source"], actor=props["actor"],
        reason=props.get("reason"), scope=props.get("scope"),
        discovery_run=props.get("discovery_run"), change_request=props.get("change_request"),
    )  # fmt: skip


def history_event(event: Event) -> HistoryEvent:
    return HistoryEvent(
        at=event.at, kind=event.kind, ci_uid=event.uid or "", attribute=event.attribute,
        before=plain(event.before), after=plain(event.after),
        change_set=change_set(event.changeset), cursor=encode_cursor(event.at, event.key),
    )  # fmt: skip


def history_page(events: list[Event], has_next: bool, total: int | None = None) -> HistoryPage:
    shown = [history_event(e) for e in events]
    end = shown[-1].cursor if shown else None
    return HistoryPage(events=shown, has_next_page=has_next, end_cursor=end, total_count=total)


READ: list[FieldExtension] = [needs("read")]


@strawberry.type
class HistoryQuery:
    @strawberry.field(
        extensions=READ,
        description="Every CI's events in [since, until) (until: now, since: a week before),"
        " newest first, of the change sets with this source, actor and change request.",
    )
    async def history(
        self,
        info: Info[RequestContext, None],
        first: int = 50,
        after: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        # named source_: strawberry's permission extension takes `source` itself
        source_: Annotated[str | None, strawberry.argument(name="source")] = None,
        actor: str | None = None,
        change_request: str | None = None,
    ) -> HistoryPage:
        args = history_args(info.context.config, first, after, since, until, source_, actor,
                            change_request, bounded=True)  # fmt: skip
        page = await info.context.db.run_plan(
            changelog_plan(info.context.model, args.window, args.size, args.cursor)
        )
        return history_page(page.events, page.has_next)

    @strawberry.field(
        extensions=READ,
        description="What changed between `from` and `to`: of one CI (attributes and links)"
        " given `uid`, else of every CI (of `class` when given: attributes), by uid.",
    )
    async def diff(
        self,
        info: Info[RequestContext, None],
        from_: Annotated[datetime, strawberry.argument(name="from")],
        to: datetime,
        uid: str | None = None,
        class_: Annotated[str | None, strawberry.argument(name="class")] = None,
        first: int = 100,
    ) -> list[CIDiff]:
        t1, t2 = moment("from", from_), moment("to", to)
        assert t1 is not None and t2 is not None
        size = page_size(info.context.config, first)
        db = info.context.db
        if uid is not None:
            if class_ is not None:
                raise bad("class", "give uid or class, not both")
            d = await db.run_plan(diff_plan(text("uid", uid) or "", t1, t2))
            return [] if d["attributes"] == {} and not d["links_opened"] and not d[
                "links_closed"] else [_ci_diff(d["uid"], None, d)]  # fmt: skip
        if class_ is not None and class_ not in info.context.model.classes:
            raise bad("class", f"unknown class {text('class', class_)!r}")
        scope = await db.run_plan(diff_scope_plan(t1, t2, class_, limit=size))
        return [_ci_diff(c["uid"], c["name"], {"attributes": c["changes"]}) for c in scope]


def _ci_diff(uid: str, name: str | None, d: dict[str, Any]) -> CIDiff:
    def links(rows: list[tuple[str, str, str]]) -> list[LinkChange]:
        return [LinkChange(type=t, source=a, target=b) for t, a, b in rows]

    return CIDiff(
        uid=uid, name=name,
        attributes=[AttributeChange(attribute=a, before=plain(v[0]), after=plain(v[1]))
                    for a, v in d["attributes"].items()],
        links_opened=links(d.get("links_opened", [])),
        links_closed=links(d.get("links_closed", [])),
    )  # fmt: skip


PART = ApiPart(query=HistoryQuery)
