"""Stopping a discovery run in order: SIGINT (Ctrl-C) or SIGTERM asks, the run obeys.

`stop_on_signals` turns the two signals into a `StopRequest` for as long as a run
lasts (in the main thread only, where Python runs signal handlers) and puts the
previous handlers back after it. The run (discovery.run) then starts no new target and
no further protocol on a target; what is in flight finishes (a collection ends within
the job's timeouts) and is ingested, and the run is recorded as `interrupted`. The
command exits with 128 + the signal's number (130, 143), as a shell expects.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StopRequest:
    """Set once, from a signal handler or any thread; read by the run's workers."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.signum: int | None = None

    def request(self, signum: int) -> None:
        if self.signum is None:
            self.signum = signum
        self._event.set()

    @property
    def requested(self) -> bool:
        return self._event.is_set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`, waking when a stop is requested; whether it was."""
        return self._event.wait(seconds)

    @property
    def exit_code(self) -> int:
        """128 + the signal's number: 130 for SIGINT, 143 for SIGTERM."""
        return 128 + (self.signum or signal.SIGINT)

    @property
    def name(self) -> str:
        return signal.Signals(self.signum or signal.SIGINT).name


@contextmanager
def stop_on_signals(stop: StopRequest) -> Iterator[StopRequest]:
    """SIGINT and SIGTERM set `stop` while the block runs (from the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def handler(signum: int, _frame: FrameType | None) -> None:
        stop.request(signum)

    previous = {s: signal.signal(s, handler) for s in STOP_SIGNALS}
    try:
        yield stop
    finally:
        for s, old in previous.items():
            signal.signal(s, old)
