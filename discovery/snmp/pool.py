"""SNMP collection spread over worker processes, for sweeps one Python process cannot keep
up with.

Collecting is CPU-bound in the collector: pyasn1 decoding is ~85% of its CPU, ~7x what
net-snmp's C spends per value, and one process runs on one core whatever the
concurrency. ``CollectorProcesses`` runs ``processes`` workers (spawned, so no lock or
thread of the parent is inherited), each with its own event loop and ``SnmpCollector``
walking many targets at once; ``collect()`` is blocking and thread-safe, so discovery's
worker threads call it as they call the in-process collector, and results (plain
dataclasses) and errors (the ``TargetError`` kind, target and reason) come back through
a queue. Targets go to the workers in turn.

Credentials cross to the workers as plain values through the pipe between the
processes (``Secret`` refuses pickling so that nothing serialises one by accident);
nothing is written anywhere.
"""

from __future__ import annotations

import asyncio
import itertools
import multiprocessing
import signal
import threading
from concurrent.futures import Future, TimeoutError
from typing import Any

from discovery.snmp import errors
from discovery.snmp.collect import CollectOptions, CollectResult, SnmpCollector, Target
from discovery.snmp.credentials import Credential, Secret, SnmpV2c, SnmpV3

_ERRORS: dict[str, type[errors.TargetError]] = {
    cls.__name__: cls
    for cls in (errors.SnmpTimeout, errors.AuthFailed, errors.AgentError, errors.TransportError)
}
Plain = tuple[Any, ...]  # a credential as plain values, for the pipe only


def _plain(credential: Credential) -> Plain:
    if isinstance(credential, SnmpV2c):
        return ("v2c", credential.community.reveal(), credential.context)
    priv = credential.priv_key.reveal() if credential.priv_key is not None else None
    return ("v3", credential.user.reveal(), credential.auth_key.reveal(), priv,
            credential.auth_protocol, credential.priv_protocol, credential.context)


def _credential(plain: Plain) -> Credential:
    if plain[0] == "v2c":
        return SnmpV2c(Secret(plain[1]), plain[2])
    _kind, user, auth, priv, auth_protocol, priv_protocol, context = plain
    return SnmpV3(Secret(user), Secret(auth), Secret(priv) if priv is not None else None,
                  auth_protocol, priv_protocol, context)


def _work(options: CollectOptions, requests: Any, results: Any) -> None:
    """A worker process: collect every request as it comes, many at once; None ends it.

    Ctrl-C at a terminal signals the whole process group: the parent stops the run in
    order (discovery.run_stop) and ends the workers by their queues, so a worker does
    not die of it halfway through a target."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    async def one(collector: SnmpCollector, rid: int, host: str, port: int,
                  plain: Plain) -> None:
        try:
            result = await collector.collect(Target(host, port), _credential(plain))
        except errors.TargetError as exc:
            results.put((rid, None, (type(exc).__name__, exc.target, exc.reason)))
        except Exception as exc:  # noqa: BLE001 - one target's surprise is that target's error
            results.put((rid, None, ("AgentError", f"{host}:{port}", type(exc).__name__)))
        else:
            results.put((rid, result, None))

    async def main() -> None:
        loop = asyncio.get_running_loop()
        running: set[asyncio.Task[None]] = set()
        async with SnmpCollector(options) as collector:
            while (item := await loop.run_in_executor(None, requests.get)) is not None:
                task = asyncio.create_task(one(collector, *item))
                running.add(task)
                task.add_done_callback(running.discard)
            await asyncio.gather(*running)

    asyncio.run(main())


class CollectorProcesses:
    """``processes`` SNMP collectors in worker processes. Use as a context manager, or
    call ``close()``: the workers are ended and joined (terminated if they hang)."""

    def __init__(self, processes: int, options: CollectOptions | None = None) -> None:
        if processes < 1:
            raise ValueError("processes must be at least 1")
        self.options = options or CollectOptions()
        context = multiprocessing.get_context("spawn")
        self._results: Any = context.Queue()
        self._requests: list[Any] = [context.Queue() for _ in range(processes)]
        self._workers = [
            context.Process(target=_work, args=(self.options, q, self._results),
                            name=f"snmp-collector-{i}", daemon=True)
            for i, q in enumerate(self._requests)
        ]  # fmt: skip
        self._pending: dict[int, Future[CollectResult]] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count()
        self._turn = itertools.cycle(self._requests)
        for worker in self._workers:
            worker.start()
        self._reader = threading.Thread(target=self._read, name="snmp-results", daemon=True)
        self._reader.start()

    def __enter__(self) -> CollectorProcesses:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _read(self) -> None:
        while (item := self._results.get()) is not None:
            rid, result, error = item
            with self._lock:
                future = self._pending.pop(rid)
            if error is None:
                future.set_result(result)
            else:
                kind, target, reason = error
                future.set_exception(_ERRORS.get(kind, errors.AgentError)(target, reason))

    def collect(self, target: Target, credential: Credential) -> CollectResult:
        """Walk ``target`` in a worker; raises what ``SnmpCollector.collect`` raises."""
        future: Future[CollectResult] = Future()
        with self._lock:
            rid = next(self._ids)
            self._pending[rid] = future
            queue = next(self._turn)
        queue.put((rid, target.host, target.port, _plain(credential)))
        while True:
            try:
                return future.result(timeout=1.0)
            except TimeoutError:
                if not all(worker.is_alive() for worker in self._workers):
                    with self._lock:
                        self._pending.pop(rid, None)
                    raise errors.AgentError(str(target), "an SNMP collector process died") from None

    def close(self) -> None:
        for queue in self._requests:
            queue.put(None)
        for worker in self._workers:
            worker.join(timeout=30)
            if worker.is_alive():  # our own child, by its handle: never anyone else's
                worker.terminate()
                worker.join(timeout=5)
        self._results.put(None)
        self._reader.join(timeout=10)
        for queue in (*self._requests, self._results):
            queue.close()
            queue.join_thread()
