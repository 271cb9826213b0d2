"""The collector against snmpsim on 127.0.0.1, serving the lab recordings.

One simulator process for the module, started here and stopped here by its PID.
Every recording is collected over SNMP v2c and must parse to exactly what parsing
the .snmprec file directly gives; one recording is also collected over v3 authPriv.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from discovery.snmp.collect import CollectOptions, CollectResult, SnmpCollector, Target
from discovery.snmp.credentials import Credential, Secret, SnmpV2c, SnmpV3
from discovery.snmp.errors import AuthFailed, SnmpTimeout
from discovery.snmp.parse import parse_device
from discovery.snmp.pool import CollectorProcesses
from lab.sources import lab_data_dir
from tests.snmprec import load_snmprec, sanitise_snmprec

LAB = lab_data_dir() / "snmp"
NAMES = sorted(p.stem for p in LAB.glob("*.snmprec"))
RESPONDER = Path(sys.executable).parent / "snmpsim-command-responder"
V3_USER, V3_AUTH, V3_PRIV = "cmdb-lab", "lab-auth-key-1", "lab-priv-key-1"

pytestmark = [
    pytest.mark.lab,
]


@dataclass(frozen=True)
class Simulator:
    port: int
    pid: int


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _world_traversable(path: Path) -> bool:
    return all(p.stat().st_mode & stat.S_IXOTH for p in [path, *path.parents])


def _privilege_args() -> tuple[list[str], dict[str, str]]:
    """Run as root, snmpsim insists on dropping to another user, who must be able to
    read our interpreter; when it cannot (a pyenv under /root), snmpsim's own
    SNMPSIM_ALLOW_ROOT switch keeps it as root, bound to 127.0.0.1 only."""
    env = dict(os.environ)
    if os.geteuid() != 0:
        return [], env
    interpreter = Path(os.path.realpath(sys.executable))
    if _world_traversable(interpreter.parent):
        return ["--process-user=nobody", "--process-group=nogroup"], env
    env["SNMPSIM_ALLOW_ROOT"] = "true"
    return [], env


def _wait_until_listening(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"snmpsim exited: {log.read_text(errors='replace')[-2000:]}")
        if f"127.0.0.1:{port}" in log.read_text(errors="replace"):
            return
        time.sleep(0.2)
    raise RuntimeError("snmpsim did not start listening within 60 s")


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulator]:
    root = tmp_path_factory.mktemp("snmpsim")
    data, cache = root / "data", root / "cache"
    data.mkdir()
    cache.mkdir()
    for name in NAMES:
        sanitise_snmprec(LAB / f"{name}.snmprec", data / f"{name}.snmprec")
        (data / f"{name}.snmprec").chmod(0o644)
    for path in (root, data, cache):
        path.chmod(0o777 if path == cache else 0o755)
    port = _free_udp_port()
    extra, env = _privilege_args()
    log = root / "snmpsim.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [
                str(RESPONDER),
                f"--data-dir={data}",
                f"--cache-dir={cache}",
                f"--agent-udpv4-endpoint=127.0.0.1:{port}",
                f"--v3-user={V3_USER}",
                f"--v3-auth-key={V3_AUTH}",
                "--v3-auth-proto=SHA",
                f"--v3-priv-key={V3_PRIV}",
                "--v3-priv-proto=AES",
                *extra,
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    try:
        _wait_until_listening(port, proc, log)
        yield Simulator(port, proc.pid)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        shutil.rmtree(cache, ignore_errors=True)


def _collect(sim: Simulator, credential: Credential, **options: float) -> CollectResult:
    async def run() -> CollectResult:
        async with SnmpCollector(CollectOptions(**options)) as collector:  # type: ignore[arg-type]
            return await collector.collect(Target("127.0.0.1", sim.port), credential)

    return asyncio.run(run())


@pytest.mark.parametrize("name", NAMES)
def test_collect_v2c_parses_like_the_recording(simulator: Simulator, name: str) -> None:
    result = _collect(simulator, SnmpV2c(Secret(name)), max_repetitions=40)
    # what snmpsim serves: not an OID value of one arc (tests.snmprec.sanitise_snmprec)
    recorded = {oid: value for oid, value in load_snmprec(LAB / f"{name}.snmprec").varbinds.items()
                if not (isinstance(value, str) and "." not in value)}  # fmt: skip
    assert result.varbinds, name
    if any(oid.startswith("1.3.6.1.2.1.1.") for oid in recorded):  # a camera may have none
        assert "system" in result.tables("ok")
    assert not result.tables("timeout")
    for oid, value in result.varbinds.items():
        assert recorded[oid] == value, oid
    assert parse_device(result.varbinds) == parse_device(recorded)


def test_collect_v3_auth_priv(simulator: Simulator) -> None:
    credential = SnmpV3(
        Secret(V3_USER), Secret(V3_AUTH), Secret(V3_PRIV), "SHA", "AES", context="nxos_n3k-3064pq"
    )
    result = _collect(simulator, credential)
    recorded = load_snmprec(LAB / "nxos_n3k-3064pq.snmprec").varbinds
    assert parse_device(result.varbinds) == parse_device(recorded)
    assert set(result.tables("ok")) >= {"lldpRemTable", "cdpCacheTable", "entPhysicalTable"}


def test_wrong_v3_key_is_auth_failed_without_secret(simulator: Simulator) -> None:
    wrong = "not-the-right-key-9"
    credential = SnmpV3(Secret(V3_USER), Secret(wrong), Secret(V3_PRIV), context="ios_2960x")
    with pytest.raises(AuthFailed) as caught:
        _collect(simulator, credential, timeout=1, retries=0)
    message = str(caught.value)
    assert f"127.0.0.1:{simulator.port}" in message
    assert wrong not in message and V3_USER not in message and V3_PRIV not in message


def test_unknown_community_times_out_naming_the_target(simulator: Simulator) -> None:
    community = "no-such-community"
    with pytest.raises(SnmpTimeout) as caught:
        _collect(simulator, SnmpV2c(Secret(community)), timeout=0.5, retries=0)
    assert f"127.0.0.1:{simulator.port}" in str(caught.value)
    assert community not in str(caught.value)


def test_walking_four_at_a_time_collects_as_one_by_one(simulator: Simulator) -> None:
    credential = SnmpV2c(Secret("nxos_n3k-3064pq"))
    ours = _collect(simulator, credential)
    theirs = _collect(simulator, credential, parallel_walks=1)
    assert list(ours.varbinds.items()) == list(theirs.varbinds.items())
    assert [(c.name, c.status, c.rows) for c in ours.coverage] == [
        (c.name, c.status, c.rows) for c in theirs.coverage]


def test_collector_processes_collect_as_the_collector_does(simulator: Simulator) -> None:
    """Every recording (v2c) and one over v3, from threads, through two worker processes:
    the same varbinds and coverage as in-process; errors keep their kind, name the target
    and carry no secret; closing ends the workers."""
    credentials: list[Credential] = [SnmpV2c(Secret(n)) for n in NAMES]
    credentials.append(SnmpV3(Secret(V3_USER), Secret(V3_AUTH), Secret(V3_PRIV), "SHA", "AES",
                              context="nxos_n3k-3064pq"))  # fmt: skip
    target = Target("127.0.0.1", simulator.port)
    with CollectorProcesses(2) as pool:
        with ThreadPoolExecutor(4) as threads:
            results = list(threads.map(lambda c: pool.collect(target, c), credentials))
        with pytest.raises(SnmpTimeout) as caught:
            pool.collect(target, SnmpV2c(Secret("no-such-community")))
        workers = list(pool._workers)
        assert all(w.is_alive() for w in workers) and len({w.pid for w in workers}) == 2
    assert not any(w.is_alive() for w in workers)
    for credential, result in zip(credentials, results, strict=True):
        alone = _collect(simulator, credential)
        assert list(result.varbinds.items()) == list(alone.varbinds.items())
        assert [(c.name, c.status, c.rows) for c in result.coverage] == [
            (c.name, c.status, c.rows) for c in alone.coverage]
    assert f"127.0.0.1:{simulator.port}" in str(caught.value)
    assert "no-such-community" not in str(caught.value)
