"""Checks of the arguments the history, mutation and run fields take: each bad value is
one GraphQL error naming the argument, raised before anything reads or writes. The two
history fields (the root's and a CI's) take the same arguments: `history_args`."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from graphql import GraphQLError

from cmdb.changelog import Window
from cmdb.config import Config

MAX_TEXT = 1024  # a uid, name, source, actor or request id is far shorter
DEFAULT_WINDOW = timedelta(days=7)  # the root history's window when `since` is not given
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
FOREVER = datetime(9999, 1, 1, tzinfo=UTC)


def bad(argument: str, reason: str) -> GraphQLError:
    return GraphQLError(f"{argument}: {reason}", extensions={"code": "BAD_USER_INPUT"})


def text(argument: str, value: str | None, limit: int = MAX_TEXT) -> str | None:
    """A short text argument as given; one over `limit` characters is refused."""
    if value is not None and len(value) > limit:
        raise bad(argument, f"longer than {limit} characters")
    return value


def moment(argument: str, value: datetime | None) -> datetime | None:
    """A time argument, zoned (a time without a zone is UTC)."""
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def page_size(config: Config, first: int) -> int:
    cap = config.api.max_page_size
    if not 1 <= first <= cap:
        raise bad("first", f"must be between 1 and {cap}, got {first}")
    return first


def encode_cursor(at: datetime, key: str) -> str:
    raw = json.dumps([at.isoformat(), key]).encode()
    return base64.urlsafe_b64encode(raw).decode()


def decode_cursor(argument: str, cursor: str | None) -> tuple[datetime, str] | None:
    """A cursor this API handed out, or one error naming the argument."""
    if cursor is None:
        return None
    try:
        at, key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        when = datetime.fromisoformat(at)
        if not isinstance(key, str) or when.tzinfo is None:
            raise ValueError(cursor)
    except (ValueError, TypeError, binascii.Error, UnicodeError):
        raise bad(argument, "not a cursor this list handed out") from None
    return when, key


@dataclass(frozen=True)
class HistoryArgs:
    """A history field's arguments, checked: its page size, window and cursor."""

    size: int
    window: Window
    cursor: tuple[datetime, str] | None


def history_args(
    config: Config,
    first: int,
    after: str | None,
    since: datetime | None,
    until: datetime | None,
    source: str | None,
    actor: str | None,
    change_request: str | None,
    bounded: bool,
) -> HistoryArgs:
    """`bounded` (the root history): `until` is now and `since` a week before when not
    given; else (a CI's history) all time."""
    size = page_size(config, first)
    window = window_of(since, until, source, actor, change_request, bounded)
    return HistoryArgs(size, window, decode_cursor("after", after))


def window_of(
    since: datetime | None,
    until: datetime | None,
    source: str | None,
    actor: str | None,
    change_request: str | None,
    bounded: bool = True,
) -> Window:
    """The filters as given (checked). Bounded: see `history_args`."""
    end = moment("until", until) or (datetime.now(UTC) if bounded else FOREVER)
    start = moment("since", since) or (end - DEFAULT_WINDOW if bounded else EPOCH)
    if start > end:
        raise bad("since", "is after until")
    return Window(
        start, end, text("source", source), text("actor", actor),
        text("changeRequest", change_request),
    )  # fmt: skip


def plain(value: Any) -> Any:
    """A stored value as JSON holds it (times as ISO text)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
