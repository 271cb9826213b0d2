"""Collecting the varbinds the parsers need from one SNMP agent (asyncio).

One ``SnmpCollector`` serves every target of a run through one ``transport.UdpClient``
(one UDP socket for every target, our own BER codec and USM: ber.py, usm.py), v2c and
SNMPv3 alike; only SNMPv3 privacy protocols our USM does not speak (AES192/256, 3DES) go
through pysnmp (collect_pysnmp.py), which ``CollectOptions(client="pysnmp")`` also picks
for every target (to compare the two). Each subtree in ``oids.SUBTREES`` is walked
with GETBULK, the system group first and then up to ``parallel_walks`` subtrees at once
(one walk is a chain of requests, each waiting for the last answer; several chains keep
the agent and the collector busy at the same time); the vendor scalars are fetched with
one GET.
The result is the varbinds mapping (the same shape, and order, the ``.snmprec`` loader
gives) plus per-table coverage: which tables answered, which were empty, which timed
out, which were skipped after repeated timeouts.

Failures that make the whole target unusable raise (see errors.py): no answer to
the system group (``SnmpTimeout``), USM or community rejection (``AuthFailed``).
A single slow table does not: it is recorded as ``timeout`` in the coverage, so
ingest knows not to treat what it would have held as absent.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from discovery.snmp import oids
from discovery.snmp.collect_pysnmp import (
    PysnmpSession,
    PysnmpV2cSession,
    close_dispatcher,
    new_dispatcher,
    new_engine,
)
from discovery.snmp.credentials import Credential, SnmpV2c
from discovery.snmp.errors import AgentError, AuthFailed, SnmpTimeout
from discovery.snmp.records import Value
from discovery.snmp.response import AUTHORIZATION_ERROR, NO_SUCH_NAME, Arcs, Response, status_name
from discovery.snmp.transport import UdpClient, V2cSession, V3Session, handles

TableStatus = Literal["ok", "empty", "timeout", "error", "skipped"]
Client = Literal["native", "pysnmp"]


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
    parallel_walks: int = 4  # subtrees of one target walked at once (after the system group)
    subtrees: Mapping[str, str] = field(default_factory=lambda: dict(oids.SUBTREES))
    # table -> (table, has rows): walked only when that one's answer says so (oids.WALK_WHEN)
    walk_when: Mapping[str, tuple[str, bool]] = field(default_factory=lambda: dict(oids.WALK_WHEN))
    scalars: Mapping[str, str] = field(default_factory=lambda: dict(oids.SCALARS))
    client: Client = "native"  # "pysnmp": the pysnmp path for every target (comparisons)

    def __post_init__(self) -> None:
        if self.client not in ("native", "pysnmp"):
            raise ValueError(f"client {self.client!r}: 'native' or 'pysnmp'")
        order = list(self.subtrees)
        for table, (other, _has_rows) in self.walk_when.items():
            if table in order and other in order and order.index(other) > order.index(table):
                raise ValueError(f"subtree {table!r} waits for {other!r}, which comes after it")


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


class Session(Protocol):
    """Requests to one target; raise ``TargetError`` subclasses, never a codec's."""

    async def bulk(self, oid: Arcs, max_repetitions: int) -> Response: ...

    async def get(self, oids: Sequence[Arcs]) -> Response: ...


def _arcs(oid: str) -> Arcs:
    return tuple(int(arc) for arc in oid.split("."))


async def _all(jobs: Sequence[Awaitable[None]]) -> None:
    """Run ``jobs`` concurrently; the first failure cancels the rest and is raised."""
    tasks = [asyncio.ensure_future(job) for job in jobs]
    try:
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


class SnmpCollector:
    """Walks targets through one UdpClient (and, when needed, one pysnmp SnmpDispatcher
    or SnmpEngine), each made on first use. Use as an async context manager."""

    def __init__(self, options: CollectOptions | None = None) -> None:
        self.options = options or CollectOptions()
        self._client: UdpClient | None = None
        self._engine: Any = None
        self._dispatcher: Any = None

    async def __aenter__(self) -> SnmpCollector:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()
        await asyncio.sleep(0)  # let the sockets' close callbacks run on this loop

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._engine is not None:
            self._engine.close_dispatcher()
            self._engine = None
        if self._dispatcher is not None:
            close_dispatcher(self._dispatcher)
            self._dispatcher = None

    async def _session(self, target: Target, credential: Credential) -> Session:
        name, options = str(target), self.options
        native = options.client == "native"
        if native and (isinstance(credential, SnmpV2c) or handles(credential)):
            if self._client is None:
                self._client = UdpClient()
            if isinstance(credential, SnmpV2c):
                return await V2cSession.open(self._client, target.host, target.port, name,
                                             credential, options.timeout, options.retries)
            return await V3Session.open(self._client, target.host, target.port, name, credential,
                                        options.timeout, options.retries)
        if isinstance(credential, SnmpV2c):
            if self._dispatcher is None:
                self._dispatcher = new_dispatcher()
            return await PysnmpV2cSession.open(self._dispatcher, target.host, target.port, name,
                                               credential, options.timeout, options.retries)
        if self._engine is None:
            self._engine = new_engine()
        return await PysnmpSession.open(self._engine, target.host, target.port, name, credential,
                                        options.timeout, options.retries)

    async def _walk(self, target: str, session: Session, root: str,
                    out: dict[str, Value]) -> tuple[int, int]:
        """GETBULK one subtree into ``out``; returns (varbinds, requests)."""
        prefix = root + "."
        current = _arcs(root)
        last: Arcs = ()
        rows = requests = 0
        max_repetitions = self.options.max_repetitions
        while True:
            reply = await session.bulk(current, max_repetitions)
            requests += 1
            if reply.error_status:
                if reply.error_status == NO_SUCH_NAME:  # SNMPv1-style end of view
                    return rows, requests
                if reply.error_status == AUTHORIZATION_ERROR:
                    raise AuthFailed(target, "authorizationError")
                status = status_name(reply.error_status)
                raise AgentError(target, f"{status} while walking {root}")
            if not reply.varbinds:
                return rows, requests
            for arcs, oid, value in reply.varbinds:
                if value is None or not oid.startswith(prefix):
                    return rows, requests
                if arcs <= last:
                    raise AgentError(target, f"OID not increasing at {oid}")
                last = arcs
                out[oid] = value
                rows += 1
            current = last

    async def _get_scalars(self, session: Session, out: dict[str, Value]) -> tuple[int, int]:
        names = list(self.options.scalars.values())
        if not names:
            return 0, 0
        reply = await session.get([_arcs(n) for n in names])
        if reply.error_status:
            return 0, 1  # v1 agents answer noSuchName for the whole PDU
        rows = 0
        for _name, oid, value in reply.varbinds:
            if value is not None:
                out[oid] = value
                rows += 1
        return rows, 1

    async def collect(self, target: Target, credential: Credential) -> CollectResult:
        """Walk every subtree of ``options.subtrees`` on ``target``.

        Raises ``SnmpTimeout`` if the system group does not answer, ``AuthFailed``
        if the agent rejects the credential, ``TransportError`` for a bad address.
        """
        name = str(target)
        started = time.perf_counter()
        session = await self._session(target, credential)
        subtrees = self.options.subtrees
        found: dict[str, dict[str, Value]] = {table: {} for table in (*subtrees, "scalars")}
        coverage: dict[str, TableCoverage] = {}
        walked = {table: asyncio.Event() for table in subtrees}
        timeouts_in_row = 0

        async def walk(table: str) -> None:
            try:
                if not await needed(table):
                    return
                await walk_one(table)
            finally:
                walked[table].set()

        async def needed(table: str) -> bool:
            """False (and the table's coverage says why) when WALK_WHEN rules it out."""
            other, has_rows = self.options.walk_when.get(table, ("", False))
            if other not in walked:
                return True
            await walked[other].wait()  # `other` comes first in the queue: it is under way
            status = coverage[other].status
            if status == ("empty" if has_rows else "ok"):
                coverage[table] = TableCoverage(table, subtrees[table], "empty", 0, 0, 0.0,
                                                f"not needed: {other} {status}")
                return False
            return True

        async def walk_one(table: str) -> None:
            nonlocal timeouts_in_row
            root, t0 = subtrees[table], time.perf_counter()
            if timeouts_in_row >= self.options.max_table_timeouts:
                coverage[table] = TableCoverage(table, root, "skipped", 0, 0, 0.0,
                                                "target stopped answering")
                return
            try:
                rows, requests = await self._walk(name, session, root, found[table])
            except SnmpTimeout as exc:
                if table == "system":
                    raise
                timeouts_in_row += 1
                coverage[table] = TableCoverage(table, root, "timeout", 0, 0,
                                                time.perf_counter() - t0, exc.reason)
                return
            except AgentError as exc:
                coverage[table] = TableCoverage(table, root, "error", 0, 0,
                                                time.perf_counter() - t0, exc.reason)
                return
            timeouts_in_row = 0
            coverage[table] = TableCoverage(table, root, "ok" if rows else "empty", rows, requests,
                                            time.perf_counter() - t0)

        async def walker(queue: Iterator[str]) -> None:
            for table in queue:  # the walkers share one queue, in SUBTREES order
                await walk(table)

        async def scalars() -> None:
            t0 = time.perf_counter()
            try:
                rows, requests = await self._get_scalars(session, found["scalars"])
            except (SnmpTimeout, AgentError) as exc:
                status: TableStatus = "timeout" if isinstance(exc, SnmpTimeout) else "error"
                coverage["scalars"] = TableCoverage("scalars", "", status, 0, 0,
                                                    time.perf_counter() - t0, exc.reason)
                return
            coverage["scalars"] = TableCoverage("scalars", "", "ok" if rows else "empty", rows,
                                                requests, time.perf_counter() - t0)

        if "system" in subtrees:  # alone first: a dead target costs one timeout, not many
            await walk("system")
        queue = iter([table for table in subtrees if table != "system"])
        walkers = max(1, min(self.options.parallel_walks, len(subtrees)))
        await _all([*(walker(queue) for _ in range(walkers)), scalars()])
        varbinds = {oid: value for table in found.values() for oid, value in table.items()}
        return CollectResult(name, varbinds, tuple(coverage[t] for t in found),
                             time.perf_counter() - started)
