"""SNMPv2c requests over one asyncio UDP socket, with our own BER codec (ber.py).

One ``V2cClient`` per collector: one socket for every target, responses matched to
requests by request-id and source address (as net-snmp and pysnmp do). A request is
sent ``retries + 1`` times at most, each try waiting ``timeout`` seconds; the same
request-id is kept across tries, so a late answer to an earlier try still counts.
Datagrams that are not a response to a pending request are dropped, as any SNMP
manager drops them; a response whose header names a pending request but whose
varbinds do not decode fails that request with ``AgentError``.
"""

from __future__ import annotations

import asyncio
import ipaddress
import random
import socket
from collections.abc import Sequence
from typing import Any

from discovery.snmp import ber
from discovery.snmp.errors import AgentError, SnmpTimeout, TransportError

_RECEIVE_BUFFER = 4 * 1024 * 1024  # bytes asked for; the kernel caps it at rmem_max
_REQUEST_IDS = 2**31 - 1
Address = tuple[str, int]


class _Protocol(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        # request-id -> (address, community, target name for errors, future of the response)
        self.pending: dict[int, tuple[Address, bytes, str, asyncio.Future[ber.Response]]] = {}

    def datagram_received(self, data: bytes, addr: Any) -> None:
        try:
            header = ber.decode_header(data)
        except ber.BerError:
            return  # not a message we can attribute to a request
        entry = self.pending.get(header.request_id)
        if entry is None:
            return  # late (after the last try) or stray
        address, community, target, future = entry
        if (addr[0], addr[1]) != address or header.community != community or future.done():
            return
        if header.pdu_type != ber.RESPONSE:
            return
        try:
            varbinds = ber.decode_varbinds(data, header)
        except ber.BerError as exc:
            future.set_exception(AgentError(target, f"malformed response: {exc}"))
            return
        future.set_result(ber.Response(header.request_id, header.error_status, header.error_index,
                                       varbinds))


class V2cClient:
    """Sends v2c (or v1) requests from one UDP socket. Open it on the loop that uses it."""

    def __init__(self, transport: asyncio.DatagramTransport, protocol: _Protocol) -> None:
        self._transport = transport
        self._protocol = protocol
        self._next_id = random.randrange(1, _REQUEST_IDS)  # a request-id, not a secret

    @classmethod
    async def open(cls) -> V2cClient:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, _RECEIVE_BUFFER)
            sock.bind(("0.0.0.0", 0))  # noqa: S104 (an ephemeral client port, as pysnmp binds)
            sock.setblocking(False)
            transport, protocol = await asyncio.get_running_loop().create_datagram_endpoint(
                _Protocol, sock=sock)
        except BaseException:
            sock.close()
            raise
        return cls(transport, protocol)

    def close(self) -> None:
        self._transport.close()

    def _request_id(self) -> int:
        pending = self._protocol.pending
        while True:
            self._next_id = self._next_id % (_REQUEST_IDS - 1) + 1
            if self._next_id not in pending:
                return self._next_id

    async def request(self, target: str, address: Address, community: bytes, version: int,
                      pdu_type: int, oids: Sequence[ber.Arcs], timeout: float, retries: int,
                      max_repetitions: int = 0) -> ber.Response:
        """One request, answered or raising ``SnmpTimeout`` (or ``AgentError`` for a
        response that does not decode); errors name ``target``."""
        request_id = self._request_id()
        message = ber.encode_request(version, community, pdu_type, request_id, list(oids),
                                     0, max_repetitions)
        future: asyncio.Future[ber.Response] = asyncio.get_running_loop().create_future()
        self._protocol.pending[request_id] = (address, community, target, future)
        try:
            for _ in range(retries + 1):
                try:
                    self._transport.sendto(message, address)
                except OSError as exc:
                    raise TransportError(target, f"send failed: {exc.strerror}") from None
                done, _ = await asyncio.wait((future,), timeout=timeout)
                if done:
                    return future.result()
            raise SnmpTimeout(target, "no response before timeout")
        finally:
            del self._protocol.pending[request_id]
            if not future.done():
                future.cancel()


async def resolve(host: str, port: int, target: str) -> Address:
    """An IPv4 (address, port) for ``host``; raises ``TransportError`` when it cannot."""
    try:
        return str(ipaddress.IPv4Address(host)), port
    except ValueError:
        pass
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, family=socket.AF_INET,
                                                             type=socket.SOCK_DGRAM)
    except (OSError, UnicodeError):
        raise TransportError(target, "address cannot be resolved") from None
    if not infos:
        raise TransportError(target, "address cannot be resolved")
    address = infos[0][4]
    return str(address[0]), int(address[1])


class V2cSession:
    """One v2c target through a shared ``V2cClient``."""

    def __init__(self, client: V2cClient, target: str, address: Address, community: bytes,
                 timeout: float, retries: int) -> None:
        self._client = client
        self._target = target
        self._address = address
        self._community = community
        self._timeout = timeout
        self._retries = retries

    async def bulk(self, oid: ber.Arcs, max_repetitions: int) -> ber.Response:
        return await self._client.request(self._target, self._address, self._community, 1,
                                          ber.GET_BULK, (oid,), self._timeout, self._retries,
                                          max_repetitions)

    async def get(self, oids: Sequence[ber.Arcs]) -> ber.Response:
        return await self._client.request(self._target, self._address, self._community, 1,
                                          ber.GET, oids, self._timeout, self._retries)
