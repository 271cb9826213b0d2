"""Load for the API benchmark: interleaved latency samples, requests per second at a fixed
concurrency, and many concurrent clients with a mix of reads."""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

Request = tuple[str, dict[str, Any]]  # a GraphQL query and its variables


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), nearest rank."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def graphql_ok(response: httpx.Response) -> str | None:
    """None, or why the answer is not a good one."""
    if response.status_code != 200:
        return f"HTTP {response.status_code}: {response.text[:200]}"
    body = response.json()
    if body.get("errors"):
        return f"GraphQL errors: {str(body['errors'])[:200]}"
    return None


def interleaved(
    sides: dict[str, Callable[[], object]],
    samples: int,
    warm: int,
    progress: Callable[[dict[str, list[float]]], None] | None = None,
    every: int = 10,
) -> dict[str, list[float]]:
    """Each side called `warm` times, then `samples` times each, alternating, timed;
    `progress` is told the times so far every `every` samples."""
    for _ in range(warm):
        for call in sides.values():
            call()
    times: dict[str, list[float]] = {name: [] for name in sides}
    for n in range(1, samples + 1):
        for name, call in sides.items():
            start = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - start)
        if progress is not None and n % every == 0 and n < samples:
            progress(times)
    return times


async def _rate(
    client: httpx.AsyncClient,
    make: Callable[[httpx.AsyncClient, int], httpx.Request],
    concurrency: int,
    seconds: float,
) -> float:
    done = 0
    deadline = time.perf_counter() + seconds

    async def worker(w: int) -> None:
        nonlocal done
        i = w
        while time.perf_counter() < deadline:
            response = await client.send(make(client, i))
            if response.status_code != 200:
                raise RuntimeError(
                    f"{response.request.url}: HTTP {response.status_code}: {response.text[:200]}"
                )
            done += 1
            i += concurrency

    start = time.perf_counter()
    await asyncio.gather(*(worker(w) for w in range(concurrency)))
    return done / (time.perf_counter() - start)


def rates(
    url: str,
    sides: dict[str, Callable[[httpx.AsyncClient, int], httpx.Request]],
    concurrency: int,
    seconds: float,
    rounds: int,
) -> dict[str, list[float]]:
    """Requests per second of each side, in `rounds` alternating rounds of `seconds`."""

    async def run() -> dict[str, list[float]]:
        out: dict[str, list[float]] = {name: [] for name in sides}
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:
            for make in sides.values():  # warm
                await _rate(client, make, concurrency, 1.0)
            for _ in range(rounds):
                for name, make in sides.items():
                    out[name].append(await _rate(client, make, concurrency, seconds))
        return out

    return asyncio.run(run())


@dataclass
class MixedResult:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def all(self) -> list[float]:
        return [t for values in self.latencies.values() for t in values]


def mixed(
    url: str,
    headers: dict[str, str],
    kinds: dict[str, Callable[[random.Random], Request]],
    clients: int,
    seconds: float,
) -> MixedResult:
    """`clients` concurrent clients for `seconds`, each picking a kind of read at random."""
    result = MixedResult(latencies={kind: [] for kind in kinds})

    async def client_loop(client: httpx.AsyncClient, seed: int, deadline: float) -> None:
        rng = random.Random(seed)
        names = list(kinds)
        while time.perf_counter() < deadline:
            kind = rng.choice(names)
            query, variables = kinds[kind](rng)
            start = time.perf_counter()
            try:
                response = await client.post(
                    "/graphql", json={"query": query, "variables": variables}
                )
                why = graphql_ok(response)
            except httpx.HTTPError as exc:
                why = f"{type(exc).__name__}: {exc}"
            result.latencies[kind].append(time.perf_counter() - start)
            if why:
                result.errors.append(f"{kind}: {why}")

    async def run() -> None:
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        async with httpx.AsyncClient(
            base_url=url, headers=headers, limits=limits, timeout=120
        ) as client:
            start = time.perf_counter()
            deadline = start + seconds
            await asyncio.gather(*(client_loop(client, s, deadline) for s in range(clients)))
            result.seconds = time.perf_counter() - start

    asyncio.run(run())
    return result


def summary(values: list[float]) -> str:
    return (
        f"p50 {statistics.median(values) * 1e3:.1f} ms, p99 {percentile(values, 99) * 1e3:.1f} ms "
        f"(n={len(values)})"
    )
