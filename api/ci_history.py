"""A CI's own history as a field of `ConfigurationItem` (api/cis.py): its events newest
first, filtered by time and change set, paged by cursor; cmdb's plan (cmdb/history.py
events_of_plan, the one `cmdb ci history` runs), through one DataLoader per request: the
same few queries for a whole level of CIs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.arguments import history_args
from api.context import RequestContext
from api.history import HistoryPage, history_page
from api.loaders import ci_events
from cmdb.changelog import Window
from cmdb.history import Event


async def ci_history(
    root: object,
    info: Info[RequestContext, None],
    first: int = 50,
    after: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    source_: Annotated[str | None, strawberry.argument(name="source")] = None,
    actor: str | None = None,
    change_request: str | None = None,
) -> HistoryPage:
    """This CI's events in [since, until) (by default: all, up to the time the CI is read
    at), newest first, of the change sets with this source, actor and change request."""
    # a CI read as of a time tells its history up to then
    until = until or getattr(root, "as_of", None)
    args = history_args(info.context.config, first, after, since, until, source_, actor,
                        change_request, bounded=False)  # fmt: skip
    uid = str(getattr(root, "uid"))  # noqa: B009 (any CI type of api/cis.py)
    events = [e for e in await ci_events(info.context).load(uid) if _in(args.window, e)]
    total = len(events)
    if args.cursor is not None:
        events = [e for e in events if (e.at, e.key) < args.cursor]
    return history_page(events[: args.size], len(events) > args.size, total)


def _in(window: Window, event: Event) -> bool:
    cs = event.changeset or {}
    return (
        window.since <= event.at < window.until
        and (window.source is None or cs.get("source") == window.source)
        and (window.actor is None or cs.get("actor") == window.actor)
        and (window.change_request is None or cs.get("change_request") == window.change_request)
    )
