"""Progress of a discovery run as `cmdb discover` shows it (discovery.run_report's
observer): a rich bar on a terminal, else a log line every few seconds and one at the
end, so a run under cron, systemd or a pipe says how far it got while it runs:

    2026-05-01T10:00:10+00:00 lab: 120/512 targets done, 97 answered, 31 failures, 11.8 targets/s
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn


class BarProgress:
    """One rich task with steps done/unanswered/total (a step is one protocol on one
    target), rate and ETA. A context manager: the bar shows while the block runs."""

    def __init__(self, console: Console, name: str) -> None:
        columns = (
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} steps, {task.fields[failed]} unanswered"),
            TextColumn("{task.fields[rate]}"),
            TimeRemainingColumn(),
        )
        self.bar = Progress(*columns, console=console)
        self.task = self.bar.add_task(name, total=None, failed=0, rate="")
        self.failed = self.done = 0
        self.t0 = time.monotonic()

    def __enter__(self) -> BarProgress:
        self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()

    def started(self, targets: int, steps: int) -> None:
        self.bar.update(self.task, total=steps)

    def step(self, target: str, protocol: str, answered: bool) -> None:
        self.done += 1
        self.failed += 0 if answered else 1
        rate = f"{self.done / max(time.monotonic() - self.t0, 1e-6):.1f}/s"
        self.bar.update(self.task, advance=1, failed=self.failed, rate=rate)

    def target(self, address: str, answered: bool, failures: int) -> None:
        pass  # the bar counts steps


class LogProgress:
    """A line every `every` seconds while the run lasts, and one when it ends (when the
    block exits): time, targets done/total, answered, failures recorded, rate."""

    def __init__(self, console: Console, name: str, every: float) -> None:
        self.console, self.name, self.every = console, name, every
        self.lock = threading.Lock()
        self.total = self.done = self.answered = self.failures = 0
        self.t0 = time.monotonic()
        self._ended = threading.Event()
        self._ticker = threading.Thread(target=self._tick, name="progress-log", daemon=True)

    def __enter__(self) -> LogProgress:
        self._ticker.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._ended.set()
        self._ticker.join()
        self.log()

    def _tick(self) -> None:
        while not self._ended.wait(self.every):
            self.log()

    def log(self) -> None:
        with self.lock:
            done, answered, failures, total = self.done, self.answered, self.failures, self.total
        rate = done / max(time.monotonic() - self.t0, 1e-6)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        line = (f"{now} {self.name}: {done}/{total} targets done, {answered} answered, "
                f"{failures} failures, {rate:.1f} targets/s")  # fmt: skip
        self.console.print(line, markup=False, highlight=False, soft_wrap=True)

    def started(self, targets: int, steps: int) -> None:
        with self.lock:
            self.total = targets

    def step(self, target: str, protocol: str, answered: bool) -> None:
        pass  # counted by target

    def target(self, address: str, answered: bool, failures: int) -> None:
        with self.lock:
            self.done += 1
            self.answered += int(answered)
            self.failures += failures


def progress_for(console: Console, name: str, every: float) -> BarProgress | LogProgress:
    """The bar on a terminal, log lines elsewhere (a context manager and an observer)."""
    return BarProgress(console, name) if console.is_terminal else LogProgress(console, name, every)
