"""Collecting the varbinds the parsers need from one SNMP agent (pysnmp 7, asyncio).

One ``SnmpCollector`` owns one ``SnmpEngine`` shared by every target it walks. Each
subtree in ``oids.SUBTREES`` is walked with GETBULK; the vendor scalars are fetched
with one GET. The result is the varbinds mapping (the same shape the ``.snmprec``
loader gives) plus per-table coverage: which tables answered, which were empty,
which timed out, which were skipped after repeated timeouts.

Failures that make the whole target unusable raise (see errors.py): no answer to
the system group (``SnmpTimeout``), USM or community rejection (``AuthFailed``).
A single slow table does not: it is recorded as ``timeout`` in the coverage, so
ingest knows not to treat what it would have held as absent.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pysnmp.error import PySnmpError
from pysnmp.hlapi.v3arch import asyncio as hlapi
from pysnmp.proto import errind, rfc1902, rfc1905

from discovery.snmp import oids
from discovery.snmp.credentials import Credential, SnmpV2c, SnmpV3
from discovery.snmp.errors import (
    AgentError,
    AuthFailed,
    SnmpTimeout,
    TargetError,
    TransportError,
)
from discovery.snmp.records import Value

# pyasn1 ships no type stubs (types-pyasn1 is not a dependency): load it untyped.
univ: Any = importlib.import_module("pyasn1.type.univ")

TableStatus = Literal["ok", "empty", "timeout", "error", "skipped"]

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


@dataclass(frozen=True, slots=True)
class Target:
    host: str
    port: int = 161

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True, slots=True)
class CollectOptions:
    timeout: float = 2.0  # seconds per request
    retries: int = 1
    max_repetitions: int = 25
    max_table_timeouts: int = 2  # consecutive table timeouts before the rest are skipped
    subtrees: Mapping[str, str] = field(default_factory=lambda: dict(oids.SUBTREES))
    scalars: Mapping[str, str] = field(default_factory=lambda: dict(oids.SCALARS))


@dataclass(frozen=True, slots=True)
class TableCoverage:
    name: str
    oid: str
    status: TableStatus
    rows: int  # varbinds received
    requests: int
    seconds: float
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class CollectResult:
    target: str
    varbinds: dict[str, Value]
    coverage: tuple[TableCoverage, ...]
    seconds: float

    def tables(self, status: TableStatus) -> tuple[str, ...]:
        return tuple(c.name for c in self.coverage if c.status == status)

    @property
    def requests(self) -> int:
        return sum(c.requests for c in self.coverage)


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


class SnmpCollector:
    """Walks targets with one shared SnmpEngine. Use as an async context manager."""

    def __init__(self, options: CollectOptions | None = None) -> None:
        self.options = options or CollectOptions()
        self._engine: Any = hlapi.SnmpEngine()

    async def __aenter__(self) -> SnmpCollector:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._engine.close_dispatcher()

    async def _transport(self, target: Target) -> Any:
        try:
            return await hlapi.UdpTransportTarget.create(
                (target.host, target.port),
                timeout=self.options.timeout,
                retries=self.options.retries,
            )
        except PySnmpError:
            raise TransportError(str(target), "address cannot be resolved") from None

    async def _walk(
        self, target: str, auth: Any, transport: Any, context: Any, root: str,
        out: dict[str, Value],
    ) -> tuple[int, int]:
        """GETBULK one subtree into ``out``; returns (varbinds, requests)."""
        prefix = root + "."
        current = root
        last: tuple[int, ...] = ()
        rows = requests = 0
        while True:
            indication, status, _index, table = await hlapi.bulk_cmd(
                self._engine, auth, transport, context, 0, self.options.max_repetitions,
                hlapi.ObjectType(hlapi.ObjectIdentity(current)), lookupMib=False,
            )
            requests += 1
            if indication:
                raise _error_for(target, indication)
            if status:
                if str(status) == "noSuchName":  # SNMPv1-style end of view
                    return rows, requests
                if str(status) == "authorizationError":
                    raise AuthFailed(target, "authorizationError")
                raise AgentError(target, f"{status} while walking {root}")
            if not table:
                return rows, requests
            for name, value in table:
                oid = str(name)
                converted = convert_value(value)
                if not oid.startswith(prefix) or converted is None:
                    return rows, requests
                arcs = tuple(name.asTuple())
                if arcs <= last:
                    raise AgentError(target, f"OID not increasing at {oid}")
                last = arcs
                out[oid] = converted
                rows += 1
            current = str(table[-1][0])

    async def _get_scalars(
        self, target: str, auth: Any, transport: Any, context: Any, out: dict[str, Value]
    ) -> tuple[int, int]:
        names = list(self.options.scalars.values())
        if not names:
            return 0, 0
        indication, status, _index, table = await hlapi.get_cmd(
            self._engine, auth, transport, context,
            *(hlapi.ObjectType(hlapi.ObjectIdentity(n)) for n in names), lookupMib=False,
        )
        if indication:
            raise _error_for(target, indication)
        if status:
            return 0, 1  # v1 agents answer noSuchName for the whole PDU
        rows = 0
        for name, value in table:
            converted = convert_value(value)
            if converted is not None:
                out[str(name)] = converted
                rows += 1
        return rows, 1

    async def collect(self, target: Target, credential: Credential) -> CollectResult:
        """Walk every subtree of ``options.subtrees`` on ``target``.

        Raises ``SnmpTimeout`` if the system group does not answer, ``AuthFailed``
        if the agent rejects the credential, ``TransportError`` for a bad address.
        """
        name = str(target)
        started = time.perf_counter()
        auth = _auth_data(credential)
        transport = await self._transport(target)
        context = hlapi.ContextData(contextName=credential.context)
        varbinds: dict[str, Value] = {}
        coverage: list[TableCoverage] = []
        timeouts_in_row = 0
        for table_name, root in self.options.subtrees.items():
            t0 = time.perf_counter()
            if timeouts_in_row >= self.options.max_table_timeouts:
                coverage.append(TableCoverage(table_name, root, "skipped", 0, 0, 0.0,
                                              "target stopped answering"))
                continue
            try:
                rows, requests = await self._walk(name, auth, transport, context, root, varbinds)
            except SnmpTimeout as exc:
                if table_name == "system":
                    raise
                timeouts_in_row += 1
                coverage.append(TableCoverage(table_name, root, "timeout", 0, 0,
                                              time.perf_counter() - t0, exc.reason))
                continue
            except AgentError as exc:
                coverage.append(TableCoverage(table_name, root, "error", 0, 0,
                                              time.perf_counter() - t0, exc.reason))
                continue
            timeouts_in_row = 0
            status: TableStatus = "ok" if rows else "empty"
            coverage.append(TableCoverage(table_name, root, status, rows, requests,
                                          time.perf_counter() - t0))
        t0 = time.perf_counter()
        try:
            rows, requests = await self._get_scalars(name, auth, transport, context, varbinds)
            coverage.append(TableCoverage("scalars", "", "ok" if rows else "empty", rows,
                                          requests, time.perf_counter() - t0))
        except SnmpTimeout as exc:
            coverage.append(TableCoverage("scalars", "", "timeout", 0, 0,
                                          time.perf_counter() - t0, exc.reason))
        return CollectResult(name, varbinds, tuple(coverage), time.perf_counter() - started)
