"""One SNMP collector on an asyncio loop in a thread of its own, for discovery's worker
threads: `collect()` is blocking and thread-safe, as `discovery.snmp.pool`'s collector
processes are; one SnmpEngine serves every target (the run's own process)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from discovery.snmp.collect import CollectOptions, CollectResult, SnmpCollector, Target
from discovery.snmp.credentials import Credential

T = TypeVar("T")


class SnmpLoop:
    """One SnmpCollector on an asyncio loop in its own thread, shared by the workers."""

    def __init__(self, options: CollectOptions) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="snmp-loop",
                                        daemon=True)  # fmt: skip
        self._thread.start()
        self.collector = self.call(self._make(options))

    @staticmethod
    async def _make(options: CollectOptions) -> SnmpCollector:
        return SnmpCollector(options)

    def call(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    def collect(self, target: Target, credential: Credential) -> CollectResult:
        return self.call(self.collector.collect(target, credential))

    def close(self) -> None:
        async def _close() -> None:
            self.collector.close()
            await asyncio.sleep(0)  # the sockets close in callbacks on this loop: let them run

        try:
            self.call(_close())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            self._loop.close()
