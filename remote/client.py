"""Connecting to a NATS server, one way for every part of the collectors and the centre:
a refused or unreachable server is one `CMDBError` naming it, and nats-py's own error
reports (a traceback per failed attempt, by default) go to the debug log."""

from __future__ import annotations

import logging

import nats
from nats.aio.client import Client as NATS
from nats.errors import Error as NatsError

from cmdb.errors import CMDBError

log = logging.getLogger("cmdb.nats")


async def _quiet(error: Exception) -> None:
    log.debug("nats: %s", error)


async def connect(url: str, what: str, *, name: str = "cmdb", forever: bool = False,
                  inbox_prefix: str | None = None) -> NATS:  # fmt: skip
    """A client of `url` (`what` names the server in an error: "the hub's", "the site's").
    `forever`: once connected, reconnect for ever (a broker restart is routine)."""
    options: dict[str, object] = {}
    if inbox_prefix is not None:
        options["inbox_prefix"] = inbox_prefix
    try:
        client = await nats.connect(
            url, name=name, connect_timeout=5, error_cb=_quiet, allow_reconnect=True,
            max_reconnect_attempts=2, reconnect_time_wait=0.5, **options,
        )  # fmt: skip
    except (OSError, NatsError, TimeoutError) as exc:
        raise CMDBError(f"cannot reach {what} NATS server at {url}: {exc}") from None
    if forever:
        # nats-py reads this at each reconnect; set at connect, -1 would also retry a
        # server that was never there for ever (its first connect loops on it)
        client.options["max_reconnect_attempts"] = -1
    return client
