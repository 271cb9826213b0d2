"""Publishing to the site's own NATS server from discovery's worker threads.

Discovery works targets in threads (discovery.run.sweep); nats-py is asyncio. A
`SitePublisher` runs one asyncio loop in a thread of its own, connected to the site's
server (on the collector's machine or beside it: never the hub), and hands each publish
to it. A JetStream publish returns once the SITE's stream has stored the message, which
it does whether or not the link to the hub is up: that is the buffer.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Coroutine
from types import TracebackType
from typing import Any, TypeVar

from nats.aio.client import Client as NATS
from nats.errors import Error as NatsError
from nats.js.errors import Error as JetStreamError

from cmdb.errors import CMDBError
from remote.client import connect

T = TypeVar("T")


class PublishError(CMDBError):
    """The site's own server did not take a message (it is down or refuses)."""


class SitePublisher:
    """`publish(subject, data, msg_id)` from any thread; retried until `timeout`."""

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        self.url = url
        self.timeout = timeout
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="site-publisher",
                                       daemon=True)  # fmt: skip
        self.nc: NATS | None = None
        self.published = 0

    def __enter__(self) -> SitePublisher:
        self.thread.start()
        try:
            self.nc = self._call(connect(self.url, "the site's", name="cmdb-collector",
                                         forever=True))  # fmt: skip
        except CMDBError:
            self._stop_loop()
            raise
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        if self.nc is not None:
            try:
                self._call(self.nc.drain())
            except (OSError, NatsError, TimeoutError):
                pass
        self._stop_loop()

    def publish(self, subject: str, data: bytes, msg_id: str) -> None:
        """Store one message in the site's stream (deduplicated by `msg_id`)."""
        assert self.nc is not None, "publish outside `with SitePublisher(...)`"
        js = self.nc.jetstream()
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                self._call(js.publish(subject, data, timeout=5, headers={"Nats-Msg-Id": msg_id}))
                self.published += 1
                return
            except (NatsError, JetStreamError, TimeoutError) as exc:
                if time.monotonic() > deadline:
                    raise PublishError(f"the site's NATS server at {self.url} did not store "
                                       f"{subject}: {exc}") from None  # fmt: skip
                time.sleep(0.5)

    def _call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(self.timeout + 10)

    def _stop_loop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()
