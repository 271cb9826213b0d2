"""The topologies an impact analysis keeps between requests (cmdb/impact/topology.py
reads them and says why they may be kept): a few, by key, the least recently used
dropped first; and one reader at a time per key, so that the many requests a cold start
or a change set finds at once do not each read the whole network (the others wait for
it). Its own module so that the settings (cmdb/impact/model.py) can name it."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

KEPT = 4  # topologies kept per cache (now, and a few as-of times)
WAIT_SECONDS = 120.0  # the longest a request waits for another's read before its own


class TopologyCache:
    """Topologies by (as-of time, graph version, roots); the least recently used goes
    when more than `size` are kept. Safe to share between threads and requests."""

    def __init__(self, size: int = KEPT) -> None:
        self.size = size
        self.reads = 0  # topologies read from Neo4j (not found kept)
        self._kept: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()
        self._reading: dict[Hashable, threading.Event] = {}

    def get(self, key: Hashable) -> object | None:
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
            return found

    def claim(self, key: Hashable) -> threading.Event | None:
        """None: the caller reads it (then `put`s it, or `release`s the claim when it
        fails); else another is reading it: the event is set when it is done."""
        with self._lock:
            reading = self._reading.get(key)
            if reading is None:
                self._reading[key] = threading.Event()
            return reading

    def put(self, key: Hashable, topology: object) -> None:
        with self._lock:
            self.reads += 1
            self._kept[key] = topology
            self._kept.move_to_end(key)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        self.release(key)

    def release(self, key: Hashable) -> None:
        """The claim on `key` ends; those waiting for it go on."""
        with self._lock:
            reading = self._reading.pop(key, None)
        if reading is not None:
            reading.set()
