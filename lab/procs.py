"""Processes the lab starts: spawned detached, remembered by pid file, stopped by PID.

A pid file holds the PID and the process's start time (from /proc), so a stale pid
file left by a crash never makes `down` signal an unrelated process that reused the PID.
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ProcessRecord:
    name: str
    pid: int
    start_time: str

    @property
    def alive(self) -> bool:
        return start_time(self.pid) == self.start_time


def pid_dir(state_dir: Path) -> Path:
    return state_dir / "pids"


def start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot, None when gone or a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    fields = stat.rsplit(")", 1)[1].split()
    if fields[0] in ("Z", "X"):
        _reap(pid)
        return None
    return fields[19]


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def record(state_dir: Path, name: str, pid: int) -> ProcessRecord:
    """Write a pid file for a running process."""
    started = start_time(pid)
    if started is None:
        raise ProcessLookupError(f"{name}: process {pid} is not running")
    directory = pid_dir(state_dir)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{name}.pid").write_text(f"{pid} {started}\n", encoding="ascii")
    return ProcessRecord(name, pid, started)


def spawn(state_dir: Path, name: str, argv: list[str], env: dict[str, str]) -> ProcessRecord:
    """Start `argv` detached (own session, output to logs/<name>.log) and record it."""
    logs = state_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log_fd = os.open(logs / f"{name}.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child only execs
        try:
            os.setsid()
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, 0)
            os.dup2(log_fd, 1)
            os.dup2(log_fd, 2)
            os.execve(argv[0], argv, env)  # noqa: S606 - argv is ours, no shell
        finally:
            os._exit(127)
    os.close(log_fd)
    for _ in range(50):
        if start_time(pid) is not None:
            break
        time.sleep(0.01)
    return record(state_dir, name, pid)


def read_records(state_dir: Path) -> list[ProcessRecord]:
    out: list[ProcessRecord] = []
    directory = pid_dir(state_dir)
    if not directory.is_dir():
        return out
    for path in sorted(directory.glob("*.pid")):
        try:
            pid_text, started = path.read_text(encoding="ascii").split()
            out.append(ProcessRecord(path.stem, int(pid_text), started))
        except ValueError:
            path.unlink()  # a torn pid file from a crash names no process
    return out


def stop(record_: ProcessRecord, grace: float = 5.0) -> None:
    """SIGTERM, then SIGKILL after `grace` seconds; only if it is still the same process."""
    if not record_.alive:
        _reap(record_.pid)
        return
    _signal(record_.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        _reap(record_.pid)
        if not record_.alive:
            return
        time.sleep(0.05)
    if record_.alive:
        _signal(record_.pid, signal.SIGKILL)
        for _ in range(100):
            _reap(record_.pid)
            if not record_.alive:
                return
            time.sleep(0.02)


def _signal(pid: int, sig: signal.Signals) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def stop_all(state_dir: Path) -> list[ProcessRecord]:
    """Stop every recorded process and remove the pid files."""
    records = read_records(state_dir)
    for rec in records:
        stop(rec)
        (pid_dir(state_dir) / f"{rec.name}.pid").unlink(missing_ok=True)
    return records
