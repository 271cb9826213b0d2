"""Ingest benchmark: ratios measured side by side in one run, on one local DBMS.

1. First load of 100k CIs + 300k relationships with history on, vs LOAD CSV of the same
   rows into the same DBMS (goal: >= 0.5x the LOAD CSV rate).
2. Re-ingest of the same facts vs the first load (goal: >= 2x the first-load rate).
3. 10% of attributes changed: history vs a state-only write of the same change
   (goal: <= 1.5x), for the whole ingest and for the write phase alone.
4. As-of read of a CI with 1,000 versions vs a current read (goal: <= 1.2x).

What makes the first-load comparison like for like:
- LOAD CSV loads the rows the ingest wrote (exported from the graph), nodes with the same
  labels (:State included, so the same indexes are maintained) and every property back in
  its stored type (datetimes, integers), relationships with their properties, into the
  same DBMS with the same constraints and indexes, after the graph is wiped.
- Both run on a warm JVM (see `warm_up`): before, LOAD CSV ran last on a JVM the whole
  run had warmed, while the first load paid the JIT's start-up alone (at 8,000 servers
  that alone moved the ratio from 0.51x to 0.74x).
- The change sets are built before the clock starts, and then moved out of the Python
  garbage collector's reach (`gc.freeze()`): holding every input of the run at once
  (millions of pydantic objects) is the bench's choice, and every full collection
  during the ingest would otherwise walk them all.
- The ingest keeps what LOAD CSV does not: validation, identification, history, one
  all-or-nothing transaction per change set (LOAD CSV commits every 1,000 rows).

Usage: .venv/bin/python bench/ingest.py [--servers 20000] [--workers 2] [--warm-up 4] [--keep]
"""

from __future__ import annotations

import argparse
import csv
import gc
import signal
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import neo4j

from cmdb import dbms, history, migrations
from cmdb.config import Config
from cmdb.connection import connect
from cmdb.ingest import Ingestor
from cmdb.ingest.ingestor import ingest_state_only
from cmdb.observations import ChangeSet
from cmdb.schema import load_schema
from cmdb.write import UPDATE_CIS, UPDATE_CIS_NO_HISTORY

T0 = datetime(2026, 6, 1, tzinfo=UTC)
PER_SET = 1000  # servers per change set (one "target" each)
WARM_UP_SETS = 4  # change sets of the warm-up corpus (see warm_up)
REF = {"Contract": 10, "Team": 10, "Rack": 100, "VLAN": 10, "RedundancyGroup": 100}
WIPE = "MATCH (n) WHERE NOT n:SchemaMigration CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS"


def reference_set(at: datetime) -> ChangeSet:
    cis: list[dict[str, Any]] = [{"key": "loc", "class": "Location", "attributes": {"code": "B1", "name": "Bench"}}]
    cis += [{"key": "room", "class": "Room", "parent": {"ref": "loc"}, "attributes": {"name": "R1"}}]
    cis += [{"key": f"c{i}", "class": "Contract", "attributes": {"contract_number": f"C-{i}"}} for i in range(REF["Contract"])]
    cis += [{"key": f"t{i}", "class": "Team", "attributes": {"name": f"team-{i}"}} for i in range(REF["Team"])]
    cis += [{"key": f"r{i}", "class": "Rack", "parent": {"ref": "room"}, "attributes": {"name": f"rack-{i}"}} for i in range(REF["Rack"])]
    cis += [{"key": f"v{i}", "class": "VLAN", "attributes": {"vlan_id": i + 100, "vlan_domain": "bench"}} for i in range(REF["VLAN"])]
    cis += [{"key": f"g{i}", "class": "RedundancyGroup", "attributes": {"group_key": f"g{i}", "min_members_up": 1}} for i in range(REF["RedundancyGroup"])]
    return ChangeSet.model_validate({"source": "register", "actor": "bench", "observed_at": at, "cis": cis})


def ref(cls: str, **ids: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"class": cls, "identifiers": ids}
    if cls == "Rack":
        out["parent"] = {"class": "Room", "identifiers": {"name": "R1"}, "parent": {"class": "Location", "identifiers": {"code": "B1"}}}
    return out


def server_set(n: int, at: datetime, os_version: dict[int, str] | None = None) -> ChangeSet:
    cis: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    for k in range(PER_SET):
        s = n * PER_SET + k
        attrs = {"serial_number": f"SN{s:07}", "hostname": f"srv{s}", "domain": "bench", "vendor": "Dell",
                 "model": "R750", "os_version": (os_version or {}).get(s, "12.1"), "cpu_count": 16}
        cis.append({"key": f"s{k}", "class": "Server", "attributes": attrs})
        cis.append({"key": f"a{k}", "class": "IPAddress", "parent": {"ref": f"i{k}.0"}, "attributes": {"address": f"10.{s >> 16}.{(s >> 8) & 255}.{s & 255}"}})
        links += [
            {"type": "COVERED_BY", "source": {"ref": f"s{k}"}, "target": ref("Contract", contract_number=f"C-{s % 10}")},
            {"type": "OWNED_BY", "source": {"ref": f"s{k}"}, "target": ref("Team", name=f"team-{s % 10}")},
            {"type": "LOCATED_IN", "source": {"ref": f"s{k}"}, "target": ref("Rack", name=f"rack-{s % 100}")},
        ]
        for j in range(3):
            key = f"i{k}.{j}"
            cis.append({"key": key, "class": "Interface", "parent": {"ref": f"s{k}"},
                        "attributes": {"name": f"eth{j}", "mac": f"02:{j:02x}:{s >> 16:02x}:{(s >> 8) & 255:02x}:{s & 255:02x}:01", "mtu": 1500}})
            links.append({"type": "MEMBER_OF", "source": {"ref": key}, "target": ref("RedundancyGroup", group_key=f"g{s % 100}")})
            if k + 1 < PER_SET:
                links.append({"type": "CONNECTED_TO", "source": {"ref": key}, "target": {"ref": f"i{k + 1}.{j}"}})
            if j < 2:
                links.append({"type": "IN_VLAN", "source": {"ref": key}, "target": ref("VLAN", vlan_id=100 + (s + j) % 10, vlan_domain="bench")})
        links.append({"type": "HAS_ADDRESS", "source": {"ref": f"i{k}.0"}, "target": {"ref": f"a{k}"}})
    return ChangeSet.model_validate({"source": "ssh", "actor": "bench", "observed_at": at,
                                     "scope": f"target-{n}", "cis": cis, "links": links})


def counts(driver: neo4j.Driver) -> tuple[int, int]:
    n, _, _ = driver.execute_query("MATCH (c:CI) RETURN count(c) AS n")
    r, _, _ = driver.execute_query("MATCH ()-[r]->() RETURN count(r) AS n")
    return n[0]["n"], r[0]["n"]


def _cast(value: Any) -> str:
    """How LOAD CSV turns the text back into the type the ingest stored."""
    if isinstance(value, neo4j.time.DateTime):
        return "datetime"
    if isinstance(value, bool):
        return "toBoolean"
    if isinstance(value, int):
        return "toInteger"
    if isinstance(value, float):
        return "toFloat"
    return ""


def export_csv(driver: neo4j.Driver, directory: Path) -> list[tuple[str, str]]:
    """The rows the ingest wrote, as CSV files per class and relationship type.

    Returns (file name, LOAD CSV query) pairs: nodes get the labels the ingest gave them and
    every property back in its stored type (datetimes as datetimes, integers as integers),
    so the indexes LOAD CSV maintains and the values it stores are the ingest's own.
    """
    directory.mkdir(parents=True, exist_ok=True)
    files: list[tuple[str, str]] = []
    classes, _, _ = driver.execute_query("MATCH (c:CI) RETURN DISTINCT c._class AS c")
    for record in classes:
        cls = record["c"]
        rows, _, _ = driver.execute_query(
            "MATCH (c:CI {_class: $c}) RETURN labels(c) AS l, properties(c) AS p", c=cls)
        labels = sorted({label for r in rows for label in r["l"]})
        casts: dict[str, str] = {}
        for r in rows:
            for k, v in r["p"].items():
                if not isinstance(v, list):
                    casts.setdefault(k, _cast(v))
        keys = sorted(casts)
        path = directory / f"node_{cls}.csv"
        with path.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, keys)
            writer.writeheader()
            for r in rows:
                writer.writerow({k: r["p"].get(k) for k in keys})
        sets = ", ".join(f"n.{k} = {casts[k]}(row.{k})" for k in keys)
        files.append((path.name, f"LOAD CSV WITH HEADERS FROM 'file:///{path.name}' AS row CALL (row) {{ CREATE (n:{':'.join(labels)}) SET {sets} }} IN TRANSACTIONS OF 1000 ROWS"))
    types, _, _ = driver.execute_query("MATCH ()-[r]->() RETURN DISTINCT type(r) AS t")
    for record in types:
        t = record["t"]
        rows, _, _ = driver.execute_query(
            f"MATCH (a)-[r:{t}]->(b) RETURN a.uid AS a, b.uid AS b, r.since AS since, r.source AS source, r.evidence AS evidence, r.last_seen AS last_seen, r.cs_open AS cs_open, r.scope AS scope")
        path = directory / f"rel_{t}.csv"
        with path.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["a", "b", "since", "source", "evidence", "last_seen", "cs_open", "scope"])
            for r in rows:
                writer.writerow([r["a"], r["b"], r["since"], r["source"], r["evidence"], r["last_seen"], r["cs_open"], r["scope"]])
        files.append((path.name, f"LOAD CSV WITH HEADERS FROM 'file:///{path.name}' AS row CALL (row) {{ MATCH (a:CI {{uid: row.a}}) MATCH (b:CI {{uid: row.b}}) CREATE (a)-[r:{t}]->(b) SET r.since = datetime(row.since), r.source = row.source, r.evidence = row.evidence, r.last_seen = datetime(row.last_seen), r.cs_open = row.cs_open, r.scope = row.scope }} IN TRANSACTIONS OF 1000 ROWS"))
    return files


def load_csv(driver: neo4j.Driver, files: list[tuple[str, str]]) -> float:
    """Nodes first, then relationships; the time it took."""
    start = time.perf_counter()
    for _name, query in sorted(files, key=lambda f: not f[0].startswith("node_")):
        with driver.session() as session:
            session.run(query).consume()
    return time.perf_counter() - start


def wipe(driver: neo4j.Driver) -> None:
    with driver.session() as session:  # CALL IN TRANSACTIONS needs an implicit transaction
        session.run(WIPE).consume()


def warm_up(driver: neo4j.Driver, ing: Ingestor, import_dir: Path, n_sets: int, workers: int) -> None:
    """Run both loaders once over a throwaway corpus, then wipe it.

    A fresh JVM spends its first minutes compiling: Cypher plans and generates code for
    every new query, and the JIT compiles that and Neo4j's own hot paths. Measured on the
    2-core machine, the JIT's compiler threads used 0.7-0.8 CPU-s per change set of 20k
    items after 4 change sets, 0.3-0.4 after 6 and 0.1 after 12, next to 0.7 CPU-s for
    the Bolt worker doing the writes. LOAD CSV runs last, on a JVM the whole run has
    warmed, so without this the first load alone paid the warm-up. Both sides now start
    from a warm JVM and a wiped store, each with its queries planned once; `--warm-up 0`
    measures the old way.
    """
    if n_sets <= 0:
        return
    ing.ingest(reference_set(T0))
    first = 10_000  # server numbers far from the measured corpus
    ing.ingest_many([server_set(first + n, T0) for n in range(n_sets)], workers=workers)
    files = export_csv(driver, import_dir)
    wipe(driver)
    load_csv(driver, files)
    wipe(driver)


def timed_reads(driver: neo4j.Driver, query: str, uid: str, t: datetime | None, n: int) -> list[float]:
    out = []
    with driver.session() as session:
        for _ in range(n):
            start = time.perf_counter()
            session.run(query, uids=[uid], t=t).consume()
            out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--servers", type=int, default=20000, help="servers (5 CIs, ~15 links each)")
    parser.add_argument("--versions", type=int, default=1000)
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    parser.add_argument("--workers", type=int, default=2, help="change sets ingested at once")
    parser.add_argument("--warm-up", type=int, default=WARM_UP_SETS,
                        help="change sets of the throwaway warm-up corpus (both sides)")
    args = parser.parse_args()
    # SIGTERM ends the run as Ctrl-C does: the DBMS it started is stopped in `finally`
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    sets = max(1, args.servers // PER_SET)
    schema = load_schema()
    tmp = Path(tempfile.mkdtemp(prefix="cmdb-bench-"))
    config = Config(data_dir=tmp, port=dbms.free_port(), heap_mb=4096, pagecache_mb=2048, batch_size=1000)
    dbms.up(config)
    results: list[tuple[str, float, str]] = []
    try:
        with connect(config) as driver:
            migrations.apply(driver, schema)
            ing = Ingestor(driver, schema, config)
            warm_up(driver, ing, tmp / "home" / "import", args.warm_up, args.workers)
            ing.ingest(reference_set(T0))
            changesets = [server_set(n, T0 + timedelta(seconds=1)) for n in range(sets)]
            gc.freeze()  # the prepared inputs are the bench's, not the ingest's, to keep alive
            start = time.perf_counter()
            ing.ingest_many(changesets, workers=args.workers)
            first = time.perf_counter() - start
            n_ci, n_rel = counts(driver)
            print(f"first load ({args.workers} writers): {n_ci} CIs, {n_rel} relationships in {first:.1f}s "
                  f"({(n_ci + n_rel) / first:,.0f} items/s)")

            again = [cs.model_copy(update={"observed_at": T0 + timedelta(minutes=10)}) for cs in changesets]
            gc.freeze()
            start = time.perf_counter()
            for r in ing.ingest_many(again, workers=args.workers):
                assert r.changeset_id is None, "identical re-ingest must record no change"
            reingest = time.perf_counter() - start
            results.append(("re-ingest rate / first-load rate", first / reingest, ">= 2.0"))

            # 10% changed: state-only first (values A), then with history (values B)
            changed = {s: "A" for s in range(0, sets * PER_SET, 10)}
            state_only = [server_set(n, T0 + timedelta(minutes=20), {s: "13.0" for s in changed}) for n in range(sets)]
            with_hist = [server_set(n, T0 + timedelta(minutes=30), {s: "13.1" for s in changed}) for n in range(sets)]
            gc.freeze()
            start = time.perf_counter()
            for cs in state_only:
                ingest_state_only(ing, cs)  # the same ingest, versions left out
            t_state = time.perf_counter() - start
            start = time.perf_counter()
            for cs in with_hist:
                ing.ingest(cs)
            t_hist = time.perf_counter() - start
            results.append(("10% changed, whole ingest: history / state-only", t_hist / t_state, "<= 1.5"))

            uids, _, _ = driver.execute_query(
                "MATCH (s:Server) WHERE toInteger(substring(s.serial_number, 2)) % 10 = 0 RETURN s.uid AS u")
            rows = [{"uid": r["u"], "set": {"os_version": "x"}, "changed": ["os_version"]} for r in uids]
            write_times: dict[str, list[float]] = {"state": [], "history": []}
            for rep in range(3):
                for label, query in (("state", UPDATE_CIS_NO_HISTORY), ("history", UPDATE_CIS)):
                    for row in rows:
                        row["set"] = {"os_version": f"{label}-{rep}"}
                    start = time.perf_counter()
                    with driver.session() as session:
                        session.execute_write(lambda tx, q=query, r=rep, lb=label: [tx.run(q, rows=rows[i:i + 1000], at=T0 + timedelta(hours=1 + r), cs=f"bench-{lb}-{r}").consume() for i in range(0, len(rows), 1000)])
                    write_times[label].append(time.perf_counter() - start)
            results.append(("10% changed, write phase: history / state-only",
                            statistics.median(write_times["history"]) / statistics.median(write_times["state"]), "<= 1.5"))

            # as-of read of a CI with N versions vs a current read
            uid = uids[0]["u"]
            with driver.session() as session:
                for v in range(args.versions):
                    session.run(UPDATE_CIS, rows=[{"uid": uid, "set": {"cpu_count": v}, "changed": ["cpu_count"]}],
                                at=T0 + timedelta(days=1, minutes=v), cs=f"v{v}").consume()
            mid = T0 + timedelta(days=1, minutes=args.versions // 2, seconds=30)
            state = history.as_of(driver, uid, mid)
            assert state is not None and state["cpu_count"] == args.versions // 2, state
            for _warm in range(2):
                timed_reads(driver, history.AS_OF, uid, mid, 200)
                timed_reads(driver, history.CURRENT, uid, None, 200)
            as_of_t, cur_t = [], []
            for _round in range(5):  # interleaved rounds
                as_of_t += timed_reads(driver, history.AS_OF, uid, mid, 300)
                cur_t += timed_reads(driver, history.CURRENT, uid, None, 300)
            results.append((f"as-of read ({args.versions} versions) / current read",
                            statistics.median(as_of_t) / statistics.median(cur_t), "<= 1.2"))
            print(f"as-of read median {statistics.median(as_of_t) * 1e3:.2f} ms, "
                  f"current read median {statistics.median(cur_t) * 1e3:.2f} ms")

            # LOAD CSV of the same rows into the same DBMS
            files = export_csv(driver, tmp / "home" / "import")
            wipe(driver)
            csv_time = load_csv(driver, files)
            c_ci, c_rel = counts(driver)
            print(f"LOAD CSV: {c_ci} CIs, {c_rel} relationships in {csv_time:.1f}s "
                  f"({(c_ci + c_rel) / csv_time:,.0f} items/s)")
            results.insert(0, ("first-load rate / LOAD CSV rate", ((n_ci + n_rel) / first) / ((c_ci + c_rel) / csv_time), ">= 0.5"))
    finally:
        dbms.down(config)
        if not args.keep:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
    print("\nratio                                                  measured   goal")
    for name, value, goal in results:
        print(f"{name:<55}{value:>7.2f}x  {goal}")


if __name__ == "__main__":
    main()
