"""The project's own Neo4j 5.26 Community DBMS: build, start, stop, status.

The DBMS is a small Java launcher (neo4j-launcher/, built by Maven on first use) that
embeds Neo4j with only the Bolt connector, on 127.0.0.1, auth on. Its data directory
holds the store (home/), the generated password (mode 0600), the pid file and the log.
Only the process recorded in our pid file is ever signalled. This module knows the
process and its files, not Bolt: cmdb.connection connects to it (and reads its version).
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from cmdb.config import PROJECT_ROOT, Config
from cmdb.errors import DBMSError

LAUNCHER_DIR = PROJECT_ROOT / "neo4j-launcher"
LAUNCHER_JAR = LAUNCHER_DIR / "target" / "cmdb-neo4j-launcher-1.0.0.jar"
MAIN_CLASS = "org.cmdb.launcher.Launcher"
# Handles of the DBMS processes this Python process started, so they are reaped (waited
# for) by us rather than left to the garbage collector while still running.
_children: dict[int, subprocess.Popen[bytes]] = {}


@dataclass(frozen=True)
class Status:
    running: bool
    pid: int | None
    address: str
    store_bytes: int


def password_file(data_dir: Path) -> Path:
    return data_dir / "password"


def read_password(data_dir: Path) -> str:
    try:
        return password_file(data_dir).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise DBMSError(
            f"no password in {data_dir}: has `cmdb db up` run for this data directory?"
        ) from exc


def java17() -> str:
    """The java binary of a Java 17 runtime (Neo4j 5.26 is the last line that runs on 17)."""
    candidates = [os.environ.get("JAVA17_HOME", ""), os.environ.get("JAVA_HOME", "")]
    candidates += sorted(glob.glob("/usr/lib/jvm/*17*"))
    for home in candidates:
        java = Path(home) / "bin" / "java"
        if home and java.is_file() and _java_major(str(java)) == 17:
            return str(java)
    on_path = shutil.which("java")
    if on_path and _java_major(on_path) == 17:
        return on_path
    raise DBMSError("no Java 17 runtime found (set JAVA17_HOME); Neo4j 5.26 needs Java 17")


def _java_major(java: str) -> int | None:
    try:
        out = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=30, check=False
        ).stderr
    except OSError:
        return None
    for token in out.split():
        token = token.strip('"')
        if token[:1].isdigit():
            return int(token.split(".")[0])
    return None


def build_launcher(force: bool = False) -> Path:
    """Build the launcher with Maven (once); return the jar."""
    if LAUNCHER_JAR.is_file() and (LAUNCHER_DIR / "target" / "lib").is_dir() and not force:
        return LAUNCHER_JAR
    mvn = shutil.which("mvn")
    if mvn is None:
        raise DBMSError("Maven (mvn) is needed to build the Neo4j launcher; install maven")
    proc = subprocess.run(
        [mvn, "-B", "-q", "package", "-DskipTests"],
        cwd=LAUNCHER_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0 or not LAUNCHER_JAR.is_file():
        raise DBMSError(
            f"building the Neo4j launcher failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}"
        )
    return LAUNCHER_JAR


def _pid_file(data_dir: Path) -> Path:
    return data_dir / "launcher.pid"


def _log_file(data_dir: Path) -> Path:
    return data_dir / "launcher.log"


def _alive(pid: int) -> bool:
    child = _children.get(pid)
    if child is not None:
        if child.poll() is None:
            return True
        del _children[pid]
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child still answers kill(0); reap it if it is ours.
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return _not_zombie(pid)
    return done == 0


def _not_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _recorded_pid(data_dir: Path) -> int | None:
    try:
        pid = int(_pid_file(data_dir).read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if _alive(pid) else None


def running_pid(config: Config) -> int | None:
    """The pid of our DBMS for this data directory while it runs, else None."""
    return _recorded_pid(config.data_dir)


def _bolt_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def up(config: Config, timeout: float = 180.0) -> Status:
    """Start the local DBMS (a no-op when ours is already up) and wait for Bolt."""
    data_dir = config.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    if _recorded_pid(data_dir) is not None:
        return status(config)
    if _bolt_answers(config.port):
        raise DBMSError(f"port 127.0.0.1:{config.port} is taken by a process that is not ours")
    jar = build_launcher()
    pw = password_file(data_dir)
    if not pw.exists():
        fd = os.open(pw, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(24))
    os.chmod(pw, 0o600)
    classpath = f"{jar}:{jar.parent / 'lib' / '*'}"
    cmd = [
        java17(),
        f"-Xms{min(config.heap_mb, 512)}m",
        f"-Xmx{config.heap_mb}m",
        "-XX:+UseG1GC",
        "-cp",
        classpath,
        MAIN_CLASS,
        "--home", str(data_dir / "home"),
        "--port", str(config.port),
        "--password-file", str(pw),
        "--pagecache-mb", str(config.pagecache_mb),
    ]  # fmt: skip
    log = _log_file(data_dir).open("w")
    proc = subprocess.Popen(
        cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
    )
    log.close()
    _children[proc.pid] = proc
    _pid_file(data_dir).write_text(str(proc.pid))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            _pid_file(data_dir).unlink(missing_ok=True)
            tail = _log_file(data_dir).read_text(errors="replace")[-3000:]
            raise DBMSError(f"Neo4j exited during start-up (code {proc.returncode}):\n{tail}")
        if "READY" in _log_file(data_dir).read_text(errors="replace"):
            return status(config)
        time.sleep(0.2)
    down(config)
    raise DBMSError(f"Neo4j did not answer on 127.0.0.1:{config.port} within {timeout:.0f}s")


def down(config: Config, timeout: float = 120.0) -> bool:
    """Stop our DBMS cleanly (SIGTERM, then SIGKILL after `timeout`). False if not running."""
    pid = _recorded_pid(config.data_dir)
    if pid is None:
        _pid_file(config.data_dir).unlink(missing_ok=True)
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.2)
    if _alive(pid):
        os.kill(pid, signal.SIGKILL)
        while _alive(pid):
            time.sleep(0.1)
    _pid_file(config.data_dir).unlink(missing_ok=True)
    return True


def kill(config: Config) -> None:
    """SIGKILL our DBMS at once (crash tests). Only the recorded pid is signalled."""
    pid = _recorded_pid(config.data_dir)
    if pid is not None:
        os.kill(pid, signal.SIGKILL)
        while _alive(pid):
            time.sleep(0.05)
    _pid_file(config.data_dir).unlink(missing_ok=True)


def _store_bytes(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += (Path(root) / name).stat().st_size
            except OSError:
                continue
    return total


def status(config: Config) -> Status:
    """What the process side knows; the version is the server's to say (graph.server_version)."""
    pid = _recorded_pid(config.data_dir)
    return Status(
        running=pid is not None,
        pid=pid,
        address=f"bolt://127.0.0.1:{config.port}",
        store_bytes=_store_bytes(config.data_dir / "home"),
    )
