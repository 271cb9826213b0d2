"""SNMP requests through pysnmp, where our own client (transport.py) does not go:
SNMPv3 users whose privacy protocol our USM does not speak (AES192, AES256, 3DES), and
every target when ``CollectOptions(client="pysnmp")`` asks for it (the benchmark's and
the tests' comparisons). SNMPv3 through its engine (``hlapi.v3arch``), v2c through its
engine-less API (``hlapi.v1arch``: one ``SnmpDispatcher`` for every target).

Answers come back as ``response.Response``, values converted as the ``.snmprec`` loader
gives them, so the collector walks both kinds of session with one loop.
"""

from __future__ import annotations

import importlib
import socket
from collections.abc import Sequence
from typing import Any

from pysnmp.carrier.asyncio.dgram import udp, udp6
from pysnmp.carrier.asyncio.dispatch import AsyncioDispatcher
from pysnmp.error import PySnmpError
from pysnmp.hlapi.v1arch import asyncio as v1arch
from pysnmp.hlapi.v3arch import asyncio as hlapi
from pysnmp.proto import errind, rfc1902, rfc1905

from discovery.snmp.credentials import Credential, SnmpV2c, SnmpV3
from discovery.snmp.errors import AgentError, AuthFailed, SnmpTimeout, TargetError, TransportError
from discovery.snmp.records import Value
from discovery.snmp.response import Arcs, Response

# pyasn1 ships no type stubs (types-pyasn1 is not a dependency): load it untyped.
univ: Any = importlib.import_module("pyasn1.type.univ")

_AUTH_PROTOCOLS = {
    "MD5": hlapi.USM_AUTH_HMAC96_MD5,
    "SHA": hlapi.USM_AUTH_HMAC96_SHA,
    "SHA224": hlapi.USM_AUTH_HMAC128_SHA224,
    "SHA256": hlapi.USM_AUTH_HMAC192_SHA256,
    "SHA384": hlapi.USM_AUTH_HMAC256_SHA384,
    "SHA512": hlapi.USM_AUTH_HMAC384_SHA512,
}
_PRIV_PROTOCOLS = {
    "DES": hlapi.USM_PRIV_CBC56_DES,
    "3DES": hlapi.USM_PRIV_CBC168_3DES,
    "AES": hlapi.USM_PRIV_CFB128_AES,
    "AES192": hlapi.USM_PRIV_CFB192_AES,
    "AES256": hlapi.USM_PRIV_CFB256_AES,
}
_AUTH_ERRORS = (
    errind.WrongDigest,
    errind.UnknownUserName,
    errind.UnknownSecurityName,
    errind.UnsupportedSecurityLevel,
    errind.UnsupportedAuthProtocol,
    errind.UnsupportedPrivProtocol,
    errind.AuthenticationError,
    errind.AuthenticationFailure,
    errind.DecryptionError,
    errind.UnknownCommunityName,
    errind.NotInTimeWindow,
)
_END_VALUES = (rfc1905.NoSuchObject, rfc1905.NoSuchInstance, rfc1905.EndOfMibView, univ.Null)


def convert_value(value: Any) -> Value | None:
    """A pysnmp value -> int | str | bytes, as the .snmprec loader gives them."""
    if isinstance(value, _END_VALUES):
        return None
    if isinstance(value, rfc1902.IpAddress):
        return ".".join(str(b) for b in value.asNumbers())
    if isinstance(value, univ.OctetString):
        return bytes(value.asOctets())
    if isinstance(value, univ.ObjectIdentifier):
        return ".".join(str(arc) for arc in value.asTuple())
    if isinstance(value, univ.Integer):
        return int(value)
    return None


def _auth_data(credential: Credential) -> Any:
    if isinstance(credential, SnmpV2c):
        # v2c is insecure (S508) but it is what most of a real estate still speaks.
        return hlapi.CommunityData(credential.community.reveal(), mpModel=1)  # noqa: S508
    if isinstance(credential, SnmpV3):
        priv = credential.priv_key
        return hlapi.UsmUserData(
            credential.user.reveal(),
            authKey=credential.auth_key.reveal(),
            privKey=priv.reveal() if priv is not None else None,
            authProtocol=_AUTH_PROTOCOLS[credential.auth_protocol],
            privProtocol=(
                _PRIV_PROTOCOLS[credential.priv_protocol] if priv is not None
                else hlapi.USM_PRIV_NONE
            ),
        )
    raise TypeError(f"unsupported credential type {type(credential).__name__}")


def _error_for(target: str, indication: Any) -> TargetError:
    """Map a pysnmp error indication to our tree; its text never holds a secret."""
    reason = f"{type(indication).__name__}: {indication}"
    if isinstance(indication, errind.RequestTimedOut):
        return SnmpTimeout(target, "no response before timeout")
    if isinstance(indication, _AUTH_ERRORS):
        return AuthFailed(target, reason)
    return AgentError(target, reason)


def _response(status: Any, index: Any, table: Sequence[Any]) -> Response:
    return Response(int(status), int(index),
                        [(tuple(name.asTuple()), str(name), convert_value(value))
                         for name, value in table])


def new_engine() -> Any:
    return hlapi.SnmpEngine()


class PysnmpSession:
    """One target through a shared pysnmp ``SnmpEngine``."""

    def __init__(self, engine: Any, target: str, auth: Any, transport: Any, context: Any) -> None:
        self._engine = engine
        self._target = target
        self._auth = auth
        self._transport = transport
        self._context = context

    @classmethod
    async def open(cls, engine: Any, host: str, port: int, target: str, credential: Credential,
                   timeout: float, retries: int) -> PysnmpSession:
        try:
            transport = await hlapi.UdpTransportTarget.create((host, port), timeout=timeout,
                                                              retries=retries)
        except PySnmpError:
            raise TransportError(target, "address cannot be resolved") from None
        return cls(engine, target, _auth_data(credential), transport,
                   hlapi.ContextData(contextName=credential.context))

    async def bulk(self, oid: Arcs, max_repetitions: int) -> Response:
        indication, status, index, table = await hlapi.bulk_cmd(
            self._engine, self._auth, self._transport, self._context, 0, max_repetitions,
            hlapi.ObjectType(hlapi.ObjectIdentity(".".join(map(str, oid)))), lookupMib=False,
        )
        if indication:
            raise _error_for(self._target, indication)
        return _response(status, index, table)

    async def get(self, oids: Sequence[Arcs]) -> Response:
        indication, status, index, table = await hlapi.get_cmd(
            self._engine, self._auth, self._transport, self._context,
            *(hlapi.ObjectType(hlapi.ObjectIdentity(".".join(map(str, o)))) for o in oids),
            lookupMib=False,
        )
        if indication:
            raise _error_for(self._target, indication)
        return _response(status, index, table)


# Answers of many targets arrive on one socket: with the kernel's default buffer (~208 KiB)
# a busy collector drops them, which shows up as table timeouts at high concurrency.
# The kernel caps the size at net.core.rmem_max.
RECEIVE_BUFFER = 4 * 1024 * 1024


def _client_socket(family: socket.AddressFamily) -> socket.socket:
    sock = socket.socket(family, socket.SOCK_DGRAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


def new_dispatcher() -> Any:
    """A v1arch ``SnmpDispatcher`` over our own UDP sockets (IPv4, and IPv6 when the host
    has it), each with a large receive buffer; close it with ``close_dispatcher``."""
    transports = AsyncioDispatcher()
    sock4 = _client_socket(socket.AF_INET)  # unbound: the first send picks the port
    transports.register_transport(
        udp.DOMAIN_NAME, udp.UdpAsyncioTransport().open_server_mode(sock=sock4))
    try:
        sock6 = _client_socket(socket.AF_INET6)
    except OSError:  # no IPv6 on this host: IPv6 targets fail as transport errors
        pass
    else:
        transports.register_transport(
            udp6.DOMAIN_NAME, udp6.Udp6AsyncioTransport().open_server_mode(sock=sock6))
    return v1arch.SnmpDispatcher(transports)


def close_dispatcher(dispatcher: Any) -> None:
    dispatcher.close()
    dispatcher.transport_dispatcher.close_dispatcher()


class PysnmpV2cSession:
    """One v2c target through a shared pysnmp ``SnmpDispatcher`` (no engine)."""

    def __init__(self, dispatcher: Any, target: str, auth: Any, transport: Any) -> None:
        self._dispatcher = dispatcher
        self._target = target
        self._auth = auth
        self._transport = transport

    @classmethod
    async def open(cls, dispatcher: Any, host: str, port: int, target: str,
                   credential: SnmpV2c, timeout: float, retries: int) -> PysnmpV2cSession:
        try:
            transport = await v1arch.UdpTransportTarget.create((host, port), timeout=timeout,
                                                               retries=retries)
        except PySnmpError:
            raise TransportError(target, "address cannot be resolved") from None
        # v2c is insecure (S508) but it is what most of a real estate still speaks.
        auth = v1arch.CommunityData(credential.community.reveal(), mpModel=1)  # noqa: S508
        return cls(dispatcher, target, auth, transport)

    async def bulk(self, oid: Arcs, max_repetitions: int) -> Response:
        indication, status, index, table = await v1arch.bulk_cmd(
            self._dispatcher, self._auth, self._transport, 0, max_repetitions,
            (rfc1902.ObjectName(oid), None), lookupMib=False,
        )
        if indication:
            raise _error_for(self._target, indication)
        return _response(status, index, table)

    async def get(self, oids: Sequence[Arcs]) -> Response:
        indication, status, index, table = await v1arch.get_cmd(
            self._dispatcher, self._auth, self._transport,
            *((rfc1902.ObjectName(o), None) for o in oids), lookupMib=False,
        )
        if indication:
            raise _error_for(self._target, indication)
        return _response(status, index, table)
