"""API benchmark: ratios measured side by side in one run, on one local DBMS (issue 12).

1. Builds a ~100k-CI graph through the real ingest (bench/ingest.py's fast path): a
   network topology of >= 5,000 devices (bench/api_topology.py) beside the ingest
   benchmark's servers, in a DBMS of its own.
2. Impact of a distribution switch at depth 8: GraphQL over HTTP (the served app) vs the
   same plan run directly (`run_plan(driver, impact_plan(...))`: the same Cypher and the
   same in-process reachability), interleaved warm samples; goals p50 <= 1.3x + 2 ms,
   p99 <= 1.5x.
3. `ci(uid)` with 10 fields vs a bare starlette JSON endpoint doing the same lookup
   through the same async driver (bench/api_server.py): requests per second at the same
   concurrency, from the same client; goal >= 0.15x.
4. 50 concurrent clients for 60 s, mixed reads (ci, cis page, impact, history): errors
   (goal 0), p50, p99, the server's RSS.

The server runs in a process of its own (uvicorn, one worker, 127.0.0.1), so its CPU and
memory are its own; the clients and the direct side run in this process.

Usage (from the project root: as a file, its name would shadow the `api` package):
  .venv/bin/python -m bench.api [--scale 1.0] [--samples 200] [--clients 50] [--seconds 60]
"""

from __future__ import annotations

import argparse
import gc
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import neo4j

from bench import api_queries as q
from bench.api_load import graphql_ok, interleaved, mixed, percentile, rates, summary
from bench.api_server import bench_config
from bench.api_topology import SERVERS_PER_SET, Topology, server_set, topology_phases
from bench.ingest import T0, counts, reference_set
from bench.ingest import server_set as ingest_server_set
from cmdb import dbms, migrations
from cmdb.config import Config
from cmdb.connection import connect
from cmdb.impact import ImpactRequest, ImpactSettings, impact_plan
from cmdb.impact.kept import TopologyCache
from cmdb.ingest import Ingestor
from cmdb.queryplan import Plan, Query, run_plan
from cmdb.schema import Schema, load_schema

TARGET_CIS = 100_000
T = TypeVar("T")


@dataclass
class Graph:
    topology: Topology
    cis: int
    relationships: int
    seconds: float
    dist_uid: str
    sample_uids: list[str]  # servers, switches, VMs and interfaces for the reads
    changed_uids: list[str]  # CIs with more than one version


def build(
    driver: neo4j.Driver, schema: Schema, config: Config, scale: float, workers: int
) -> Graph:
    ing = Ingestor(driver, schema, config)
    top = Topology.scaled(scale)
    start = time.perf_counter()
    ing.ingest(reference_set(T0))
    for i, phase in enumerate(topology_phases(top, T0)):
        gc.freeze()
        began = time.perf_counter()
        ing.ingest_many(phase, workers=workers)
        print(
            f"  topology phase {i + 1}: {len(phase)} change sets, "
            f"{sum(len(cs.cis) for cs in phase):,} CIs in {time.perf_counter() - began:.1f} s",
            flush=True,
        )
    n_ci, _ = counts(driver)
    fill = max(0, round((TARGET_CIS * scale - n_ci) / 5000))  # 5 CIs per ingest server
    first = 20_000  # server numbers of their own
    began = time.perf_counter()
    for at in range(0, fill, 8):
        batch = [ingest_server_set(first + n, T0) for n in range(at, min(at + 8, fill))]
        ing.ingest_many(batch, workers=workers)
    print(
        f"  {fill} change sets of bench/ingest.py's servers in {time.perf_counter() - began:.1f} s",
        flush=True,
    )
    # a second version of one set of servers, for the history reads
    changed = server_set(top, 0, T0 + timedelta(hours=1))
    for ci in changed.cis:
        if ci.class_ == "Server":
            ci.attributes["os_version"] = "12.2"
    ing.ingest(changed)
    seconds = time.perf_counter() - start
    n_ci, n_rel = counts(driver)
    rows, _, _ = driver.execute_query(q.DIST_UID, serial="NET-dist00a")
    samples, _, _ = driver.execute_query(q.SAMPLE_UIDS)
    versions, _, _ = driver.execute_query(q.CHANGED_UIDS, n=min(SERVERS_PER_SET, top.servers))
    return Graph(
        top,
        n_ci,
        n_rel,
        seconds,
        rows[0]["uid"],
        [r["uid"] for r in samples],
        [r["uid"] for r in versions],
    )


class Server:
    """bench/api_server.py in a process of its own."""

    def __init__(self, config: Config) -> None:
        self.port = dbms.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.api_server",
                str(config.data_dir),
                str(config.port),
                str(self.port),
            ],
            cwd=Path(__file__).resolve().parent.parent,
        )
        deadline = time.monotonic() + 120
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the API server exited with {self.process.returncode}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the API server did not start in 120 s")
            time.sleep(0.2)

    def rss_mb(self) -> tuple[float, float]:
        """The server's resident memory now and its peak, in MiB."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        kb = {
            line.split(":")[0]: int(line.split()[1])
            for line in status.splitlines()
            if line.startswith(("VmRSS", "VmHWM"))
        }
        return kb["VmRSS"] / 1024, kb["VmHWM"] / 1024

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def graphql(http: httpx.Client, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = http.post("/graphql", json={"query": query, "variables": variables})
    why = graphql_ok(response)
    if why:
        raise RuntimeError(why)
    data: dict[str, Any] = response.json()["data"]
    return data


def _rows(tx: neo4j.ManagedTransaction, query: Query) -> list[dict[str, Any]]:
    return [record.data() for record in tx.run(query.text, query.params)]


def profile_plan(driver: neo4j.Driver, plan: Plan[T]) -> tuple[T, list[float], float]:
    """The plan run as run_plan runs it, with each query's time and the whole time."""
    took: list[float] = []
    start = time.perf_counter()
    with driver.session() as session:
        try:
            query = next(plan)
            while True:
                began = time.perf_counter()
                rows = session.execute_read(_rows, query)
                took.append(time.perf_counter() - began)
                query = plan.send(rows)
        except StopIteration as stop:
            return stop.value, took, time.perf_counter() - start


def bench_impact(
    http: httpx.Client, driver: neo4j.Driver, settings: ImpactSettings, uid: str, samples: int
) -> list[tuple[str, float, str]]:
    request = ImpactRequest((uid,), max_depth=8)
    variables = {"cis": [uid], "maxDepth": 8}
    direct = run_plan(driver, impact_plan(request, settings))
    answer = graphql(http, q.IMPACT, variables)
    n_http, n_direct = q.impact_count(answer), len(direct.affected)
    if n_http != n_direct:
        raise RuntimeError(f"impact over HTTP found {n_http} CIs, directly {n_direct}")
    down = sum(1 for a in direct.affected if a.state == "DOWN")
    _, took, whole = profile_plan(driver, impact_plan(request, settings))
    print(
        f"  direct, one run: {whole * 1e3:.0f} ms, {len(took)} queries "
        f"({', '.join(f'{t * 1e3:.0f}' for t in took)} ms), the rest in Python "
        f"{(whole - sum(took)) * 1e3:.0f} ms",
        flush=True,
    )
    print(f"impact of dist00a at depth 8: {n_direct} CIs affected ({down} DOWN)")

    def progress(so_far: dict[str, list[float]]) -> None:
        print(
            f"  ... {len(so_far['http'])} samples: HTTP {summary(so_far['http'])}; "
            f"direct {summary(so_far['direct'])}",
            flush=True,
        )

    times = interleaved(
        {
            "http": lambda: graphql(http, q.IMPACT, variables),
            "direct": lambda: run_plan(driver, impact_plan(request, settings)),
        },
        samples,
        warm=5,  # the mixed load before has warmed the same queries
        progress=progress,
    )
    h, d = times["http"], times["direct"]
    print(f"  GraphQL over HTTP: {summary(h)}\n  direct run_plan:   {summary(d)}")
    p50h, p50d = percentile(h, 50), percentile(d, 50)
    p99h, p99d = percentile(h, 99), percentile(d, 99)
    return [
        (
            "impact p50: HTTP / (direct + 2 ms)",
            p50h / (p50d + 0.002),
            f"<= 1.3  ({p50h * 1e3:.1f} vs {p50d * 1e3:.1f} ms; plain ratio {p50h / p50d:.2f}x)",
        ),
        (
            "impact p99: HTTP / direct",
            p99h / p99d,
            f"<= 1.5  ({p99h * 1e3:.1f} vs {p99d * 1e3:.1f} ms)",
        ),
    ]


def bench_ci(
    url: str, headers: dict[str, str], uids: list[str], concurrency: int, seconds: float
) -> list[tuple[str, float, str]]:
    def gql(client: httpx.AsyncClient, i: int) -> httpx.Request:
        return client.build_request(
            "POST",
            "/graphql",
            headers=headers,
            json={"query": q.CI, "variables": {"uid": uids[i % len(uids)]}},
        )

    def bare(client: httpx.AsyncClient, i: int) -> httpx.Request:
        return client.build_request("GET", "/bench/ci", params={"uid": uids[i % len(uids)]})

    with httpx.Client(base_url=url, headers=headers) as http:
        got = graphql(http, q.CI, {"uid": uids[0]})["ci"]
        plain = http.get("/bench/ci", params={"uid": uids[0]}).json()["ci"]
        if got is None or plain is None or got["uid"] != plain["uid"]:
            raise RuntimeError(f"ci(uid) and the bare endpoint disagree: {got} vs {plain}")
    per = rates(url, {"graphql": gql, "bare": bare}, concurrency, seconds, rounds=3)
    g, b = sum(per["graphql"]) / 3, sum(per["bare"]) / 3
    print(
        f"ci(uid), 10 fields, {concurrency} concurrent: GraphQL {g:,.0f} req/s, bare endpoint {b:,.0f} req/s"
    )
    return [("ci(uid) req/s: GraphQL / bare starlette", g / b, ">= 0.15")]


def bench_mixed(
    server: Server,
    headers: dict[str, str],
    graph: Graph,
    clients: int,
    seconds: float,
    absent: set[str],
) -> list[tuple[str, float, str]]:
    kinds = q.mixed_reads(graph.sample_uids, graph.changed_uids, graph.dist_uid, absent)
    result = mixed(server.url, headers, kinds, clients, seconds)
    rss, peak = server.rss_mb()
    total = result.all()
    print(
        f"{clients} clients for {result.seconds:.0f} s, mixed reads: {len(total):,} requests "
        f"({len(total) / result.seconds:,.0f}/s), {len(result.errors)} errors; {summary(total)}"
    )
    for kind, values in result.latencies.items():
        print(f"  {kind:<8} {summary(values)}")
    print(f"  server RSS {rss:.0f} MiB (peak {peak:.0f} MiB)")
    for error in result.errors[:5]:
        print(f"  error: {error}")
    return [(f"mixed load, {clients} clients: errors", float(len(result.errors)), "0")]


Row = tuple[str, float, str]  # what was measured, its ratio (or count), the goal


def report(rows: list[Row]) -> list[Row]:
    for name, value, goal in rows:
        figure = f"{value:>7.0f} " if name.endswith("errors") else f"{value:>7.2f}x"
        print(f"{name:<55}{figure}  {goal}", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: ~100k CIs, >= 5,000 devices")
    parser.add_argument("--samples", type=int, default=200, help="warm impact samples per side")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0, help="of the mixed load")
    parser.add_argument("--rate-seconds", type=float, default=5.0, help="of each ci(uid) round")
    parser.add_argument("--concurrency", type=int, default=8, help="of the ci(uid) rounds")
    parser.add_argument("--workers", type=int, default=2, help="change sets ingested at once")
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    parser.add_argument(
        "--parts", default="impact,ci,mixed", help="which measurements (the graph is always built)"
    )
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # figures as they come
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # tear down as on Ctrl-C
    schema = load_schema()
    tmp = Path(tempfile.mkdtemp(prefix="cmdb-bench-api-"))
    config = bench_config(tmp, dbms.free_port(), heap_mb=3072, pagecache_mb=1536)
    dbms.up(config)
    server: Server | None = None
    results: list[tuple[str, float, str]] = []
    try:
        with connect(config) as driver:
            migrations.apply(driver, schema)
            graph = build(driver, schema, config, args.scale, args.workers)
            print(
                f"graph: {graph.cis:,} CIs, {graph.relationships:,} relationships, "
                f"{graph.topology.devices:,} topology devices, built in {graph.seconds:.0f} s"
            )
            headers = q.auth_headers(driver)
            server = Server(config)
            with httpx.Client(base_url=server.url, headers=headers, timeout=120) as http:
                absent = q.missing(graphql(http, q.FIELDS, {}))
            if absent:
                print(f"NOT MEASURED, not in the served API yet: {', '.join(sorted(absent))}")
            # the cheaper measurements first: each prints its rows as it ends
            if "ci" in parts and "ci" not in absent:
                uids = random.Random(1).sample(graph.sample_uids, min(500, len(graph.sample_uids)))
                results += report(
                    bench_ci(server.url, headers, uids, args.concurrency, args.rate_seconds)
                )
            if "mixed" in parts:
                results += report(
                    bench_mixed(server, headers, graph, args.clients, args.seconds, absent)
                )
            if "impact" in parts and "impact" not in absent:
                # the network kept between analyses, as the server keeps it
                settings = ImpactSettings(schema, config.impact, TopologyCache())
                with httpx.Client(base_url=server.url, headers=headers, timeout=120) as http:
                    results += report(
                        bench_impact(http, driver, settings, graph.dist_uid, args.samples)
                    )
    finally:
        if server is not None:
            server.stop()
        dbms.down(config)
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    print("\nratio                                                  measured   goal")
    report(results)


if __name__ == "__main__":
    main()
