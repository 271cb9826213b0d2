"""The UDP client and sessions (discovery/snmp/transport.py) against agent doubles on
127.0.0.1: which datagrams count as the answer, what a dropped one leaves in the timeout,
and SNMPv3's engine discovery, time-window resync and reports."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from discovery.snmp import ber, usm
from discovery.snmp.collect import CollectOptions, SnmpCollector, Target
from discovery.snmp.credentials import Secret, SnmpV2c, SnmpV3
from discovery.snmp.errors import AuthFailed, SnmpTimeout, TransportError
from discovery.snmp.response import Response
from discovery.snmp.transport import RECEIVE_BUFFER, UdpClient, V2cSession, V3Session, handles

SYS_NAME = (1, 3, 6, 1, 2, 1, 1, 5, 0)
Reply = Callable[[bytes], list[bytes]]


class Double(asyncio.DatagramProtocol):
    """Answers each datagram with what ``reply`` makes of it (possibly nothing)."""

    def __init__(self, reply: Reply) -> None:
        self.reply = reply
        self.received: list[bytes] = []
        self.transport: Any = None

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: Any) -> None:
        self.received.append(data)
        for answer in self.reply(data):
            self.transport.sendto(answer, addr)


async def _serve(reply: Reply) -> tuple[Any, Double, int]:
    loop = asyncio.get_running_loop()
    transport, double = await loop.create_datagram_endpoint(lambda: Double(reply),
                                                            local_addr=("127.0.0.1", 0))
    return transport, double, transport.get_extra_info("sockname")[1]


def v2c_answer(data: bytes, community: bytes = b"public", value: bytes = b"sw1",
               request_id: int | None = None) -> bytes:
    _community, _tag, rid, _request = ber.decode_v2c_message(data)
    pdu = ber.encode_pdu(ber.RESPONSE, rid if request_id is None else request_id,
                         [(SYS_NAME, ber.tlv(ber.OCTET_STRING, value))])
    return ber.encode_v2c_message(community, pdu)


def run_v2c(reply: Reply, timeout: float = 0.3, retries: int = 1) -> tuple[Response | Exception, Double]:
    async def go() -> tuple[Response | Exception, Double]:
        transport, double, port = await _serve(reply)
        client = UdpClient()
        try:
            session = await V2cSession.open(client, "127.0.0.1", port, f"127.0.0.1:{port}",
                                            SnmpV2c(Secret("public")), timeout, retries)
            try:
                return await session.get([SYS_NAME]), double
            except Exception as exc:  # noqa: BLE001 (the test looks at which)
                return exc, double
        finally:
            client.close()
            transport.close()

    return asyncio.run(go())


def test_the_answer_is_read() -> None:
    result, double = run_v2c(lambda data: [v2c_answer(data)])
    assert result == Response(0, 0, [(SYS_NAME, "1.3.6.1.2.1.1.5.0", b"sw1")])
    assert len(double.received) == 1


def test_other_communities_and_request_ids_are_not_the_answer() -> None:
    result, _double = run_v2c(lambda data: [v2c_answer(data, community=b"other"),
                                           v2c_answer(data, request_id=1, value=b"stale"),
                                           v2c_answer(data, value=b"right")])
    assert isinstance(result, Response) and result.varbinds[0][2] == b"right"


def test_an_undecodable_answer_is_dropped_and_named_in_the_timeout() -> None:
    def garbage(data: bytes) -> list[bytes]:
        good = v2c_answer(data)
        return [good[:-4] + b"\x30\x7f\x06\x01"]

    result, double = run_v2c(garbage, retries=1)
    assert isinstance(result, SnmpTimeout)
    assert "an answer was dropped" in str(result) and "runs past the end" in str(result)
    assert "public" not in str(result)
    assert len(double.received) == 2  # sent, resent once


def test_a_silent_agent_times_out_after_the_retries() -> None:
    result, double = run_v2c(lambda data: [], retries=2)
    assert isinstance(result, SnmpTimeout) and str(result).endswith("no response before timeout")
    assert len(double.received) == 3


def test_answers_from_another_address_are_not_the_answer() -> None:
    async def go() -> Exception | Response:
        spoof = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        spoof.bind(("127.0.0.1", 0))

        def from_elsewhere(data: bytes) -> list[bytes]:
            sock = client.bound_socket(socket.AF_INET)
            assert sock is not None
            client_port = sock.getsockname()[1]
            spoof.sendto(v2c_answer(data), ("127.0.0.1", client_port))
            return []

        transport, _double, port = await _serve(from_elsewhere)
        client = UdpClient()
        try:
            session = await V2cSession.open(client, "127.0.0.1", port, "t", SnmpV2c(Secret("public")),
                                            0.3, 0)
            try:
                return await session.get([SYS_NAME])
            except SnmpTimeout as exc:
                return exc
        finally:
            client.close()
            transport.close()
            spoof.close()

    assert isinstance(asyncio.run(go()), SnmpTimeout)


def test_an_unresolvable_name_is_a_transport_error() -> None:
    async def go() -> None:
        client = UdpClient()
        await V2cSession.open(client, "no-such-host.invalid", 161, "no-such-host.invalid:161",
                              SnmpV2c(Secret("public")), 0.1, 0)

    with pytest.raises(TransportError, match="cannot be resolved"):
        asyncio.run(go())


def test_the_socket_has_a_large_receive_buffer() -> None:
    async def size() -> int:
        transport, _double, port = await _serve(lambda data: [v2c_answer(data)])
        async with SnmpCollector(CollectOptions(timeout=0.3, retries=0, subtrees={},
                                                scalars={"x": "1.3.6.1.2.1.1.5.0"})) as collector:
            await collector.collect(Target("127.0.0.1", port), SnmpV2c(Secret("public")))
            assert collector._client is not None
            sock = collector._client.bound_socket(socket.AF_INET)
            assert sock is not None
            transport.close()
            return int(sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF))

    cap = int(Path("/proc/sys/net/core/rmem_max").read_text())
    assert asyncio.run(size()) == 2 * min(RECEIVE_BUFFER, cap)


# -- SNMPv3 ---------------------------------------------------------------------------
ENGINE_ID = bytes.fromhex("80001f888011223344556677")
USER = SnmpV3(Secret("cmdb"), Secret("auth-pass-1"), Secret("priv-pass-1"), "SHA", "AES")


class V3Agent:
    """A v3 agent double on our own usm.py: reports as RFC 3414 says, answers sysName."""

    def __init__(self, time_skew: int = 0, report: int | None = None) -> None:
        self.engine = usm.EngineState(ENGINE_ID, 3, 5000, 0.0)
        self.time_skew = time_skew  # the first authenticated request is out of its window
        self.report = report  # a usmStats report for every authenticated request
        self.user = usm.UsmUser(b"cmdb", "SHA", b"auth-pass-1", "AES", b"priv-pass-1")
        self.keys = usm.UsmKeys.of(self.user, ENGINE_ID)
        self.requests: list[usm.V3Reply] = []
        self.gone_engine: bytes | None = None  # an engine ID the agent had before

    def _report(self, message_id: int, counter: int, keys: usm.UsmKeys | None) -> bytes:
        pdu = ber.encode_pdu(ber.REPORT, message_id, [((*usm.USM_STATS, counter, 0),
                                                       ber.encode_integer(1, ber.COUNTER32))])
        state = usm.EngineState(ENGINE_ID, self.engine.boots, self.engine.time, 0.0)
        return usm.encode_request(message_id, self.user if keys else None, keys, state, 0.0, b"", pdu)

    def __call__(self, data: bytes) -> list[bytes]:
        if self.gone_engine is not None and self.gone_engine in data:  # not this engine's ID
            return [self._report(usm.message_id(data), usm.UNKNOWN_ENGINE_ID, None)]
        try:
            request = usm.decode_message(data, self.keys)
        except usm.UsmError:  # not our user's keys
            return [self._report(usm.message_id(data), usm.WRONG_DIGEST, None)]
        self.requests.append(request)
        if not request.flags & usm.FLAG_AUTH:
            return [self._report(request.message_id, usm.UNKNOWN_ENGINE_ID, None)]
        if self.report is not None:
            return [self._report(request.message_id, self.report, None)]
        if abs(request.time - self.engine.time) > 150 or self.time_skew:
            self.time_skew = 0
            return [self._report(request.message_id, usm.NOT_IN_TIME_WINDOW, self.keys)]
        pdu = ber.encode_pdu(ber.RESPONSE, request.request_id,
                             [(SYS_NAME, ber.tlv(ber.OCTET_STRING, b"v3-sw"))])
        state = usm.EngineState(ENGINE_ID, self.engine.boots, self.engine.time, 0.0)
        return [usm.encode_request(request.message_id, self.user, self.keys, state, 0.0, b"", pdu)]


def run_v3(agent: V3Agent, credential: SnmpV3 = USER) -> Response | Exception:
    async def go() -> Response | Exception:
        transport, _double, port = await _serve(agent)
        client = UdpClient()
        try:
            session = await V3Session.open(client, "127.0.0.1", port, f"127.0.0.1:{port}",
                                           credential, 0.3, 0)
            return await session.get([SYS_NAME])
        except (AuthFailed, SnmpTimeout) as exc:
            return exc
        finally:
            client.close()
            transport.close()

    return asyncio.run(go())


def test_v3_discovers_the_engine_then_asks_with_auth_and_priv() -> None:
    agent = V3Agent()
    assert run_v3(agent) == Response(0, 0, [(SYS_NAME, "1.3.6.1.2.1.1.5.0", b"v3-sw")])
    discovery, get = agent.requests
    assert (discovery.flags, discovery.engine_id) == (usm.FLAG_REPORTABLE, b"")
    assert get.flags == usm.FLAG_AUTH | usm.FLAG_PRIV | usm.FLAG_REPORTABLE
    assert (get.engine_id, get.boots, get.user) == (ENGINE_ID, 3, b"cmdb")


def test_v3_resends_once_after_a_not_in_time_window_report() -> None:
    agent = V3Agent(time_skew=1)
    assert isinstance(run_v3(agent), Response)
    assert len(agent.requests) == 3  # discovery, the report's request, the resend


@pytest.mark.parametrize(("report", "name"), [(usm.UNKNOWN_USER, "usmStatsUnknownUserNames"),
                                              (usm.WRONG_DIGEST, "usmStatsWrongDigests"),
                                              (usm.DECRYPTION_ERROR, "usmStatsDecryptionErrors")])
def test_v3_reports_are_auth_failures_without_secrets(report: int, name: str) -> None:
    result = run_v3(V3Agent(report=report))
    assert isinstance(result, AuthFailed) and name in str(result)
    for secret in ("cmdb", "auth-pass-1", "priv-pass-1"):
        assert secret not in str(result).split(": ", 1)[1]


def test_v3_with_the_wrong_auth_password_is_auth_failed() -> None:
    wrong = SnmpV3(Secret("cmdb"), Secret("not-the-auth-pass"), Secret("priv-pass-1"))
    result = run_v3(V3Agent(), wrong)
    assert isinstance(result, AuthFailed) and "usmStatsWrongDigests" in str(result)
    assert "not-the-auth-pass" not in str(result)


# -- the collector's choice of client ---------------------------------------------------
def test_both_clients_collect_the_same_from_the_agent_double() -> None:
    """Our client and the pysnmp path, through the collector: one result path."""
    from tests.unit.discovery.snmp.test_snmp_collect import agent_double, collect

    with agent_double() as (loop, double, target):
        double.silent = ("1.3.6.1.9.2",)
        ours = collect(loop, target)
        theirs = collect(loop, target, client="pysnmp")
    assert ours.varbinds and list(ours.varbinds.items()) == list(theirs.varbinds.items())
    assert [(c.name, c.status, c.rows, c.requests) for c in ours.coverage] == [
        (c.name, c.status, c.rows, c.requests) for c in theirs.coverage]


def test_v3_goes_through_our_usm_unless_it_cannot() -> None:
    agent = V3Agent()

    async def go() -> tuple[bytes, bool, bool]:
        transport, _double, port = await _serve(agent)
        options = CollectOptions(timeout=0.3, retries=0, subtrees={},
                                 scalars={"sysName": "1.3.6.1.2.1.1.5.0"})
        try:
            async with SnmpCollector(options) as collector:
                result = await collector.collect(Target("127.0.0.1", port), USER)
                value = result.varbinds["1.3.6.1.2.1.1.5.0"]
                assert isinstance(value, bytes)
                return value, collector._client is not None, collector._engine is None
        finally:
            transport.close()

    assert asyncio.run(go()) == (b"v3-sw", True, True)
    assert handles(USER) and handles(SnmpV3(Secret("u"), Secret("a"), None, "MD5"))
    assert not handles(SnmpV3(Secret("u"), Secret("a"), Secret("p"), "SHA", "AES256"))


def test_an_unknown_client_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="client 'net-snmp'"):
        CollectOptions(client="net-snmp")  # type: ignore[arg-type]


def test_v3_rediscovers_an_engine_that_changed_at_the_same_address() -> None:
    gone = bytes.fromhex("80001f8880aabbccddeeff0011")
    agent = V3Agent()
    agent.gone_engine = gone

    async def go() -> tuple[Response, bytes]:
        transport, _double, port = await _serve(agent)
        client = UdpClient()
        client.engines[("127.0.0.1", port)] = usm.EngineState(gone, 1, 100, 0.0)
        try:
            session = await V3Session.open(client, "127.0.0.1", port, "t", USER, 0.3, 0)
            return await session.get([SYS_NAME]), client.engines[("127.0.0.1", port)].engine_id
        finally:
            client.close()
            transport.close()

    response, engine_id = asyncio.run(go())
    assert response.varbinds[0][2] == b"v3-sw" and engine_id == ENGINE_ID
    assert [r.engine_id for r in agent.requests] == [b"", ENGINE_ID]  # discovery, the GET
