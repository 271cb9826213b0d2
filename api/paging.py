"""Relay-style paging shared by the CI lists: `PageInfo`, opaque cursors (the sort key
and the uid of the last item, never an offset, so that CIs inserted between two page
reads neither shift nor repeat a page) and the page-size cap of the config."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

import strawberry

from api.context import RequestContext


class BadArgument(ValueError):
    """A query argument the API refuses; its message names the argument."""


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


def page_size(ctx: RequestContext, first: int | None, argument: str = "first") -> int:
    """`first` checked against the configured maximum page size (default: that size)."""
    cap = ctx.config.api.max_page_size
    if first is None:
        return cap
    if not 0 <= first <= cap:
        raise BadArgument(
            f"{argument} must be between 0 and {cap} (api.max_page_size), not {first}"
        )
    return first


def encode_cursor(kind: str, key: Any) -> str:
    """An opaque cursor: the list kind it belongs to and the position (JSON values)."""
    raw = json.dumps([kind, key], separators=(",", ":"), default=str)
    return base64.urlsafe_b64encode(raw.encode()).decode()


MAX_CURSOR = 4096  # characters: a cursor this API made is far shorter


def decode_cursor(kind: str, cursor: str | None, argument: str = "after") -> Any:
    """The position a cursor of this list holds; None for no cursor; a clear error for a
    cursor this list did not make."""
    if cursor is None:
        return None
    error = BadArgument(f"{argument}: not a cursor of this list (take one from endCursor)")
    if len(cursor) > MAX_CURSOR:
        raise error
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError):
        raise error from None
    if not (isinstance(value, list) and len(value) == 2 and value[0] == kind):
        raise error
    return value[1]
