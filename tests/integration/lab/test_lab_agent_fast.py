"""The lab agent's fast responder against its pysnmp responder, side by side: two agent
processes serve the same devices (every recording in lab/recordings, and clones with
overlays from `--scale`), one with `fast: true`, one with `fast: false`, and every answer
must be the same message."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pysnmp.hlapi.v3arch.asyncio import (
    ContextData,
    ObjectIdentity,
    ObjectType,
    SnmpEngine,
    UdpTransportTarget,
    UsmUserData,
    get_cmd,
    usmAesCfb128Protocol,
    usmHMACSHAAuthProtocol,
)

from discovery.snmp.collect import SnmpCollector, Target
from discovery.snmp.credentials import Secret, SnmpV2c
from lab import procs
from lab.config import load_config
from lab.control import BASE_PROFILE_LIMIT
from lab.scale import generate, profile_base
from lab.snmprec import read_prepared
from lab.sources import RECORDINGS, default_cache_dir, prepare_all, snmp_sources
from tests.unit.lab.snmp_wire import decode, request

pytestmark = pytest.mark.lab
FAST_BLOCK, PYSNMP_BLOCK = "127.113.1.", "127.113.2."
CLONES = 12
SYS_DESCR = "1.3.6.1.2.1.1.1.0"


def _devices() -> list[dict[str, Any]]:
    """Every project recording once, then clones (overlays) of the small ones."""
    prepared = prepare_all(snmp_sources((RECORDINGS,)), default_cache_dir())
    devices: list[dict[str, Any]] = [{"name": source.name, "recording": str(path)}
                                     for source, path, _facts in prepared]
    bases = [profile_base(str(path), read_prepared(path)) for _s, path, _f in prepared
             if path.stat().st_size <= BASE_PROFILE_LIMIT]
    for clone in generate(CLONES, bases, [f"10.0.0.{i}" for i in range(1, CLONES + 1)]):
        devices.append({"name": clone.name, "recording": clone.base_key,
                        "overlay": {"rows": clone.overlay.rows,
                                    "deleted": clone.overlay.deleted}})
    return devices


def _start_agent(state_dir: Path, name: str, block: str, fast: bool,
                 devices: list[dict[str, Any]], credentials: Path) -> None:
    entries = [{**d, "address": f"{block}{i}", "port": 161} for i, d in enumerate(devices, 1)]
    ready = state_dir / f"{name}.ready"
    spec = state_dir / f"{name}.json"
    spec.write_text(json.dumps({"engine_id": "80001f8804" + name.encode().hex(), "fast": fast,
                                "credentials_file": str(credentials), "devices": entries,
                                "ready_file": str(ready)}), encoding="utf-8")
    project = Path(__file__).resolve().parents[3]
    record = procs.spawn(state_dir, name, [str(Path(procs.__file__).parents[1] / ".venv" / "bin"
                                              / "python"), "-m", "lab.snmp_agent", str(spec)],
                         {"PYTHONPATH": str(project), "PATH": "/usr/bin:/bin"})
    deadline = time.monotonic() + 120
    while not ready.exists():
        assert record.alive, (state_dir / "logs" / f"{name}.log").read_text()[-2000:]
        assert time.monotonic() < deadline, f"{name} not ready"
        time.sleep(0.05)


@pytest.fixture(scope="module")
def agents(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    state_dir = tmp_path_factory.mktemp("fast-agent")
    snmp = load_config().snmp
    credentials = state_dir / "credentials.json"
    credentials.write_text(json.dumps({"snmp": snmp.model_dump(
        include={"communities", "v3_users"})}), encoding="utf-8")
    devices = _devices()
    try:
        _start_agent(state_dir, "fast", FAST_BLOCK, True, devices, credentials)
        _start_agent(state_dir, "pysnmp", PYSNMP_BLOCK, False, devices, credentials)
        yield {"devices": devices, "community": snmp.communities[0].community,
               "v3": snmp.v3_users[0], "state_dir": state_dir}
    finally:
        procs.stop_all(state_dir)


class Client:
    """One UDP socket; a request to an address, its answer (None when none came)."""

    def __init__(self, timeout: float = 5.0) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.settimeout(timeout)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.sock.close()

    def ask(self, address: str, message: bytes) -> bytes | None:
        self.sock.sendto(message, (address, 161))
        try:
            return self.sock.recv(65535)
        except TimeoutError:
            return None


def _both(client: Client, n: int, message: bytes) -> bytes:
    fast = client.ask(f"{FAST_BLOCK}{n}", message)
    slow = client.ask(f"{PYSNMP_BLOCK}{n}", message)
    assert fast is not None and slow is not None
    assert decode(fast) == decode(slow)
    assert fast == slow  # byte for byte, too
    return fast


def test_every_device_walks_the_same_on_both_responders(agents: dict[str, Any]) -> None:
    community, walked = agents["community"], 0
    with Client() as client:
        for n, _device in enumerate(agents["devices"], 1):
            oid, request_id = "1.3", 1
            while True:
                answer = decode(_both(client, n, request("bulk", [oid], community, request_id)))
                varbinds = answer[3]
                walked += sum(1 for v in varbinds if v[1] != "EndOfMibView")
                if varbinds[-1][1] == "EndOfMibView":
                    break
                oid, request_id = varbinds[-1][0], request_id + 1
    assert walked > 100_000


def test_odd_requests_answer_the_same(agents: dict[str, Any]) -> None:
    community = agents["community"]
    clone = len(agents["devices"])  # the last device is a clone with an overlay
    with Client() as client:
        _odd_requests(client, community, (1, clone))


def _odd_requests(client: Client, community: str, devices: tuple[int, ...]) -> None:
    for n in devices:
        for message in (
            request("get", [SYS_DESCR, "1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.1.99.0", "1.3"],
                    community),
            request("next", [SYS_DESCR, "1.3.6.1.2.1.2.2.1.2", "1.3.6.1.9.9.9.9"], community),
            request("bulk", [SYS_DESCR, "1.3.6.1.2.1.2.2.1.2", "1.3.6.1.2.1.2.2.1.3"],
                    community, non_repeaters=1, max_repetitions=500),
            request("bulk", ["1.3.6.1.2.1.1", "1.3.6.1.2.1.4.20"], community,
                    non_repeaters=5, max_repetitions=3),
            request("bulk", ["1.3.6.1.9.9.9"], community, max_repetitions=4, request_id=-7),
        ):
            _both(client, n, message)
        # nothing to answer (no non-repeaters, no repetitions): pysnmp's engine decides, on
        # both agents, and it sends nothing
        empty = request("bulk", ["1.3.6.1.2.1.2"], community, max_repetitions=0)
        assert client.ask(f"{FAST_BLOCK}{n}", empty) is None
        assert client.ask(f"{PYSNMP_BLOCK}{n}", empty) is None


def test_wrong_community_and_garbage_get_no_answer(agents: dict[str, Any]) -> None:
    with Client(timeout=1.0) as client:
        _no_answer_to_garbage(client, agents["community"], f"{FAST_BLOCK}1")
    assert all(r.alive for r in procs.read_records(agents["state_dir"]))


def _no_answer_to_garbage(client: Client, community: str, address: str) -> None:
    assert client.ask(address, request("get", [SYS_DESCR], "not-the-community")) is None
    good = request("bulk", ["1.3.6.1.2.1.2"], community)
    for n in range(len(good)):
        client.sock.sendto(good[:n], (address, 161))
    client.sock.sendto(b"\x30\x84\xff\xff\xff\xff\x02\x01\x01", (address, 161))
    client.sock.sendto(bytes(range(256)), (address, 161))
    client.sock.sendto(good + b"trailing", (address, 161))
    answer = client.ask(address, request("get", [SYS_DESCR], community, request_id=99))
    assert answer is not None and decode(answer)[0] == 99  # no answer to any garbage


async def _v3_sys_descr(address: str, user: Any) -> str:
    engine = SnmpEngine()
    target = await UdpTransportTarget.create((address, 161), timeout=3, retries=1)
    auth = UsmUserData(user.user, user.auth_key, user.priv_key,
                       authProtocol=usmHMACSHAAuthProtocol, privProtocol=usmAesCfb128Protocol)
    error, status, _index, binds = await get_cmd(engine, auth, target, ContextData(),
                                                 ObjectType(ObjectIdentity(SYS_DESCR)))
    engine.close_dispatcher()
    assert error is None and not status, (error, status)
    return str(binds[0][1])


def test_snmpv3_still_goes_through_pysnmp(agents: dict[str, Any]) -> None:
    with Client() as client:
        v2c = client.ask(f"{FAST_BLOCK}1", request("get", [SYS_DESCR], agents["community"]))
    assert v2c is not None
    expected = decode(v2c)[3][0][2]
    assert asyncio.run(_v3_sys_descr(f"{FAST_BLOCK}1", agents["v3"])) == expected
    assert asyncio.run(_v3_sys_descr(f"{PYSNMP_BLOCK}1", agents["v3"])) == expected


async def _collect(addresses: list[str], community: str) -> list[dict[str, Any]]:
    async with SnmpCollector() as collector:
        return [(await collector.collect(Target(a, 161), SnmpV2c(Secret(community)))).varbinds
                for a in addresses]


def test_collector_gets_the_same_varbinds_from_both(agents: dict[str, Any]) -> None:
    picks = [1, len(agents["devices"]) - 1, len(agents["devices"])]
    fast = asyncio.run(_collect([f"{FAST_BLOCK}{n}" for n in picks], agents["community"]))
    slow = asyncio.run(_collect([f"{PYSNMP_BLOCK}{n}" for n in picks], agents["community"]))
    assert all(len(f) > 10 for f in fast)
    assert fast == slow
