"""The linux collector and parsers against a real OpenSSH sshd on 127.0.0.1.

The test starts its own sshd (Debian's openssh-server) as a child process with
a throw-away config, host key and client key, on a free loopback port, and
stops it by PID. Skipped when sshd is not installed or we are not root.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from discovery.ssh.collect import collect_target, parse_collected
from discovery.ssh.records import HostFacts, ListeningService, Package
from discovery.ssh.targets import SSHCredentials, SSHTarget, SSHTimeouts

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
pytestmark = [
    pytest.mark.lab,
    pytest.mark.skipif(not Path(SSHD).exists(), reason="openssh-server is not installed"),
    pytest.mark.skipif(os.geteuid() != 0, reason="logs in as root to a root-run sshd"),
]


@dataclass(frozen=True)
class LocalSSHD:
    port: int
    client_key: Path
    pid: int


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], deadline: float) -> None:
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"sshd exited with {proc.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"sshd did not listen on 127.0.0.1:{port}")


@pytest.fixture(scope="module")
def local_sshd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalSSHD]:
    tmp = tmp_path_factory.mktemp("sshd")
    host_key, client_key = tmp / "host_ed25519", tmp / "client_ed25519"
    for key in (host_key, client_key):
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)],
            check=True,
        )
    (tmp / "authorized_keys").write_text(client_key.with_suffix(".pub").read_text())
    port = _free_port()
    config = tmp / "sshd_config"
    config.write_text(
        "\n".join(
            [
                f"Port {port}",
                "ListenAddress 127.0.0.1",
                f"HostKey {host_key}",
                f"PidFile {tmp / 'sshd.pid'}",
                f"AuthorizedKeysFile {tmp / 'authorized_keys'}",
                "PermitRootLogin prohibit-password",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                "StrictModes no",
                "PrintMotd no",
                "PrintLastLog no",
                "",
            ]
        )
    )
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege-separation dir
    proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stderr=subprocess.DEVNULL)
    try:
        _wait_for_port(port, proc, time.monotonic() + 10)
        yield LocalSSHD(port=port, client_key=client_key, pid=proc.pid)
    finally:
        proc.terminate()  # our child, by its PID
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def test_linux_collector_reads_this_host(local_sshd: LocalSSHD) -> None:
    target = SSHTarget(host="127.0.0.1", platform="linux", port=local_sshd.port)
    creds = SSHCredentials(username="root", key_file=local_sshd.client_key, ref="lab-root-key")
    result = collect_target(target, creds, timeouts=SSHTimeouts(conn=5, banner=5, auth=5, read=30))
    assert result.failure is None
    assert result.complete, result.command_failures
    assert result.credential_ref == "lab-root-key"

    parsed = parse_collected(result)
    assert parsed.failures == {}
    (facts,) = parsed.of(HostFacts)
    assert facts.hostname == socket.gethostname().split(".")[0]
    assert facts.kernel == os.uname().release
    packages = {p.name: p for p in parsed.of(Package)}
    assert "bash" in packages and "openssh-server" in packages
    # the sshd we started is among the listening services, owned by its PID
    ours = [s for s in parsed.of(ListeningService) if s.port == local_sshd.port]
    assert [(s.proto, s.local_address, s.process, s.pid) for s in ours] == [
        ("tcp", "127.0.0.1", "sshd", local_sshd.pid)
    ]


def test_refused_password_is_auth_failed_without_the_secret(local_sshd: LocalSSHD) -> None:
    target = SSHTarget(host="127.0.0.1", platform="linux", port=local_sshd.port)
    secret = "s3cret-Never-Printed"
    creds = SSHCredentials(username="root", password=secret)
    result = collect_target(target, creds, timeouts=SSHTimeouts(conn=5, banner=5, auth=5))
    assert result.failure is not None
    assert result.failure.kind == "auth_failed"
    assert f"127.0.0.1:{local_sshd.port}" in result.failure.message
    assert secret not in result.failure.message and secret not in repr(result)


def test_closed_port_is_a_connect_failure() -> None:
    target = SSHTarget(host="127.0.0.1", platform="linux", port=_free_port())
    creds = SSHCredentials(username="root", password="x")
    result = collect_target(target, creds, timeouts=SSHTimeouts(conn=3, banner=3, auth=3))
    assert result.failure is not None
    assert result.failure.kind == "connect_failed"
    assert "refused" in result.failure.message
