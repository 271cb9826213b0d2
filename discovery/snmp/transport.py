"""SNMP requests on plain asyncio UDP sockets, our own codec (ber.py, usm.py).

One ``UdpClient`` serves every target of a collector: one socket per address family
(a large receive buffer: many targets answer at once), a table of requests in flight by
request-id (v1/v2c) or msgID (v3), each with its target's address and the function that
reads its answer. A request is sent, and resent ``retries`` times, each time waiting
``timeout`` seconds; a datagram that does not decode is dropped as a lost one would be
(the request's timeout then says what was wrong with it).

Sessions: ``V2cSession`` (a community) and ``V3Session`` (USM: engine discovery, boots and
time kept per target, keys localized per engine ID and cached). Both answer with
``response.Response`` and raise only our ``TargetError`` tree.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from discovery.snmp import ber, usm
from discovery.snmp.credentials import SnmpV2c, SnmpV3
from discovery.snmp.errors import AgentError, AuthFailed, SnmpTimeout, TargetError, TransportError
from discovery.snmp.response import Arcs, Response

# Answers of many targets arrive on one socket: with the kernel's default buffer (~208 KiB)
# a busy collector drops them, which shows up as table timeouts at high concurrency.
# The kernel caps the size at net.core.rmem_max.
RECEIVE_BUFFER = 4 * 1024 * 1024
Address = tuple[str, int]
Decoder = Callable[[bytes], Any]
_TIMED_OUT = object()


@dataclass(slots=True)
class _Pending:
    address: Address
    decode: Decoder
    future: asyncio.Future[Any] | None = None
    problem: str | None = None  # what was wrong with the last answer that did not decode


class _Endpoint(asyncio.DatagramProtocol):
    def __init__(self, client: UdpClient) -> None:
        self.client = client

    def datagram_received(self, data: bytes, addr: Any) -> None:
        self.client.received(data, addr)

    def error_received(self, exc: Exception) -> None:  # ICMP errors: the timeout will say
        pass


def _client_socket(family: socket.AddressFamily) -> socket.socket:
    sock = socket.socket(family, socket.SOCK_DGRAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
        sock.setblocking(False)
        sock.bind(("::" if family == socket.AF_INET6 else "0.0.0.0", 0))  # noqa: S104 (a client's ephemeral port)
    except OSError:
        sock.close()
        raise
    return sock


class UdpClient:
    """Requests in flight to any number of targets over one socket per address family."""

    def __init__(self) -> None:
        self._transports: dict[int, asyncio.DatagramTransport] = {}
        self._pending: dict[int, _Pending] = {}
        self._next_id = int.from_bytes(os.urandom(4), "big") & 0x3FFFFFFF
        self.engines: dict[Address, usm.EngineState] = {}  # v3 agents' engine state

    async def _transport(self, family: socket.AddressFamily) -> asyncio.DatagramTransport:
        transport = self._transports.get(family)
        if transport is None:
            loop = asyncio.get_running_loop()
            made, _protocol = await loop.create_datagram_endpoint(
                lambda: _Endpoint(self), sock=_client_socket(family))
            # targets started at once each made one while waiting: the first one kept wins
            transport = self._transports.setdefault(family, made)
            if transport is not made:
                made.close()
        return transport

    def bound_socket(self, family: socket.AddressFamily) -> socket.socket | None:
        """The socket of ``family`` once a request has made it (else None)."""
        transport = self._transports.get(family)
        return None if transport is None else transport.get_extra_info("socket")

    def close(self) -> None:
        for transport in self._transports.values():
            transport.close()
        self._transports.clear()

    def new_id(self) -> int:
        while True:
            self._next_id = (self._next_id + 1) & 0x7FFFFFFF
            if self._next_id not in self._pending:
                return self._next_id

    async def resolve(self, host: str, port: int,
                      target: str) -> tuple[socket.AddressFamily, Address]:
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_DGRAM)
        except (socket.gaierror, UnicodeError):
            raise TransportError(target, "address cannot be resolved") from None
        family, _type, _proto, _name, sockaddr = infos[0]
        return family, (str(sockaddr[0]), int(sockaddr[1]))

    async def exchange(self, family: socket.AddressFamily, address: Address, request_id: int,
                       message: bytes, decode: Decoder, timeout: float, retries: int,
                       target: str) -> Any:
        """Send ``message`` (retried), return what ``decode`` makes of the answer."""
        transport = await self._transport(family)
        loop = asyncio.get_running_loop()
        pending = self._pending[request_id] = _Pending(address, decode)
        try:
            for _attempt in range(retries + 1):
                future = pending.future = loop.create_future()
                try:
                    transport.sendto(message, address)
                except OSError as exc:
                    raise TransportError(target, f"cannot send: {exc.strerror or exc}") from None
                timer = loop.call_later(timeout, _expire, future)
                try:
                    outcome = await future
                finally:
                    timer.cancel()
                if outcome is not _TIMED_OUT:
                    return outcome
        finally:
            del self._pending[request_id]
        reason = "no response before timeout"
        if pending.problem:
            reason += f" (an answer was dropped: {pending.problem})"
        raise SnmpTimeout(target, reason)

    def received(self, data: bytes, addr: Any) -> None:
        try:
            key = usm.message_id(data)
        except ber.BerError:
            return  # no request of ours can be named in it
        pending = self._pending.get(key)
        if pending is None or (addr[0], addr[1]) != pending.address:
            return
        future = pending.future
        if future is None or future.done():
            return
        try:
            outcome = pending.decode(data)
        except (ber.BerError, usm.UsmError) as exc:
            pending.problem = str(exc)
            return
        except TargetError as exc:
            future.set_exception(exc)
            return
        if outcome is not None:  # None: not the answer (another community), keep waiting
            future.set_result(outcome)


def _expire(future: asyncio.Future[Any]) -> None:
    if not future.done():
        future.set_result(_TIMED_OUT)


@dataclass(slots=True)
class _Target:
    client: UdpClient
    name: str
    family: socket.AddressFamily
    address: Address
    timeout: float
    retries: int


class V2cSession:
    """One v2c target: a community on the shared client."""

    def __init__(self, target: _Target, community: bytes) -> None:
        self._target = target
        self._community = community

    @classmethod
    async def open(cls, client: UdpClient, host: str, port: int, name: str, credential: SnmpV2c,
                   timeout: float, retries: int) -> V2cSession:
        family, address = await client.resolve(host, port, name)
        return cls(_Target(client, name, family, address, timeout, retries),
                   credential.community.reveal().encode())

    def _decode(self, data: bytes) -> Response | None:
        community, tag, _request_id, response = ber.decode_v2c_message(data)
        if community != self._community or tag != ber.RESPONSE:
            return None
        return response

    async def _request(self, oids: Sequence[Arcs], max_repetitions: int) -> Response:
        t = self._target
        request_id = t.client.new_id()
        message = ber.encode_v2c_message(self._community,
                                         ber.request_pdu(request_id, oids, max_repetitions))
        result: Response = await t.client.exchange(t.family, t.address, request_id, message,
                                                   self._decode, t.timeout, t.retries, t.name)
        return result

    async def bulk(self, oid: Arcs, max_repetitions: int) -> Response:
        return await self._request([oid], max_repetitions)

    async def get(self, oids: Sequence[Arcs]) -> Response:
        return await self._request(oids, 0)


def usm_user(credential: SnmpV3) -> usm.UsmUser:
    priv = credential.priv_key
    return usm.UsmUser(credential.user.reveal().encode(), credential.auth_protocol,
                       credential.auth_key.reveal().encode(),
                       credential.priv_protocol if priv is not None else None,
                       priv.reveal().encode() if priv is not None else None)


def handles(credential: SnmpV3) -> bool:
    """Whether our USM speaks this credential's protocols (else pysnmp's does)."""
    return credential.auth_protocol in usm.AUTH_HASHES and (
        credential.priv_key is None or credential.priv_protocol in usm.PRIV_PROTOCOLS)


@dataclass(slots=True)
class _Resend:
    """A Report that asks for the request again (engine time learned)."""

    report: int


@dataclass
class V3Session:
    """One SNMPv3 target (USM), its engine discovered on open."""

    _target: _Target
    _user: usm.UsmUser
    _context: bytes
    _engine: usm.EngineState = field(default_factory=usm.EngineState)
    _keys: usm.UsmKeys | None = None

    @classmethod
    async def open(cls, client: UdpClient, host: str, port: int, name: str, credential: SnmpV3,
                   timeout: float, retries: int) -> V3Session:
        family, address = await client.resolve(host, port, name)
        session = cls(_Target(client, name, family, address, timeout, retries),
                      usm_user(credential), credential.context.encode())
        known = client.engines.get(address)
        if known is None:
            await session._learn_engine()
        else:
            session._engine = known
            session._keys = usm.UsmKeys.of(session._user, known.engine_id)
        return session

    async def _learn_engine(self) -> None:
        """Discover the agent's engine (again: an agent replaced at the same address has
        another ID) and localize our keys to it; every session to the address shares it."""
        self._engine = self._target.client.engines[self._target.address] = await self._discover()
        self._keys = usm.UsmKeys.of(self._user, self._engine.engine_id)

    async def _discover(self) -> usm.EngineState:
        """Engine ID, boots and time from the agent's usmStatsUnknownEngineIDs report."""
        t = self._target
        message_id = t.client.new_id()
        message = usm.encode_request(message_id, None, None, usm.EngineState(), 0.0, b"",
                                     ber.request_pdu(message_id, []))
        reply: usm.V3Reply = await t.client.exchange(
            t.family, t.address, message_id, message, lambda data: usm.decode_message(data, None),
            t.timeout, t.retries, t.name)
        if not reply.engine_id:
            raise AgentError(t.name, "the agent's reply to engine discovery names no engine ID")
        return usm.EngineState(reply.engine_id, reply.boots, reply.time,
                               asyncio.get_running_loop().time())

    def _decode(self, data: bytes) -> Response | _Resend:
        reply = usm.decode_message(data, self._keys)
        report = reply.report()
        if report == usm.UNKNOWN_ENGINE_ID:  # the engine we knew is not there any more
            return _Resend(report)
        if report == usm.NOT_IN_TIME_WINDOW:
            self._engine.boots, self._engine.time = reply.boots, reply.time
            self._engine.learned_at = asyncio.get_running_loop().time()
            return _Resend(report)
        if report is not None:
            raise AuthFailed(self._target.name, usm.REPORT_NAMES.get(report, f"usmStats {report}"))
        if reply.pdu_tag == ber.REPORT:
            varbinds = reply.response.varbinds
            oid = varbinds[0][1] if varbinds else "an error"
            raise AgentError(self._target.name, f"the agent reported {oid}")
        if reply.pdu_tag != ber.RESPONSE or not reply.flags & usm.FLAG_AUTH:
            raise usm.UsmError("an unauthenticated or non-Response reply")
        return reply.response

    async def _request(self, oids: Sequence[Arcs], max_repetitions: int) -> Response:
        t = self._target
        loop = asyncio.get_running_loop()
        for _attempt in range(2):  # once more after a not-in-time-window or engine report
            message_id = t.client.new_id()
            message = usm.encode_request(message_id, self._user, self._keys, self._engine,
                                         loop.time(), self._context,
                                         ber.request_pdu(message_id, oids, max_repetitions))
            outcome = await t.client.exchange(t.family, t.address, message_id, message,
                                              self._decode, t.timeout, t.retries, t.name)
            if isinstance(outcome, Response):
                return outcome
            if outcome.report == usm.UNKNOWN_ENGINE_ID:
                await self._learn_engine()
        raise AuthFailed(t.name, f"{usm.REPORT_NAMES[outcome.report]} again after resending")

    async def bulk(self, oid: Arcs, max_repetitions: int) -> Response:
        return await self._request([oid], max_repetitions)

    async def get(self, oids: Sequence[Arcs]) -> Response:
        return await self._request(oids, 0)
