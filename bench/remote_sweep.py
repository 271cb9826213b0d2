"""Remote collectors benchmark: the same sweep through two site collectors on NATS vs
in-process, side by side in one run, same lab, same Neo4j (wiped before each side).

- in-process: one job over all N lab devices, as `cmdb discover` runs it
  (`discovery.run.run_job`, job concurrency C), wall from start to the run recorded;
- on NATS: the same devices split in two jobs naming sites `site-a` and `site-b`, a hub
  and two leaf site servers on loopback (mutual TLS, `remote.harness.Deployment`, fresh
  for each sample), both collectors at once (`cmdb collector run --once`, a process
  each as at a site, concurrency C/2 each) while the centre (`remote.centre.Centre` fed by
  `remote.consume.consume`) applies what reaches the hub; wall from start until both runs
  are recorded. Goal: wall(NATS) / wall(in-process) <= 1.2.

The breakdown printed with it: each collector process from start to exit (its start-up,
collecting and publishing), the centre's busy time in `Centre.apply`, the in-process
side's busy time in ingest, and the messages and bytes in the hub's stream. Samples are
interleaved in-process, NATS, NATS, in-process, ... (ABBA), after one untimed in-process
sweep that warms the DBMS, so that a warming DBMS favours neither side.

Usage: .venv/bin/python -m bench.remote_sweep [--scale 200] [--concurrency 32] [--rounds 2]
       [--prefix cmdbrsw --snmp-block 127.116.0.0/16 --ssh-block 127.117.0.0/16]
Everything it starts (lab, NATS servers, DBMS) comes down in `finally`, by PID.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import neo4j
import yaml
from nats.aio.client import Client as NATS

import lab
from cmdb import dbms, migrations
from cmdb.config import Config
from cmdb.connection import connect
from cmdb.ingest import Ingestor, IngestResult
from cmdb.observations import ChangeSet
from cmdb.schema import Schema, load_schema
from cmdb.validate import Validated
from discovery.credentials import CredentialMemory, CredentialResolver
from discovery.jobs import load_job
from discovery.run import run_job
from lab.config import LabOptions, isolated_config
from lab.sources import lab_data_dir
from remote.centre import Centre
from remote.consume import ConsumeOptions, consume
from remote.harness import Deployment
from remote.jobs_channel import assign, ensure_jobs_stream
from remote.ledger import Ledger
from remote.messages import Message
from remote.site_round import with_client
from remote.topology import HUB_STREAM

SITES = ("site-a", "site-b")
CREDENTIAL = "lab-v2c"  # the lab's v2c community, by its label in the lab's secrets file
WIPE = "MATCH (n) WHERE NOT n:SchemaMigration CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS"
WAIT = 600.0  # seconds the centre may sit idle before the NATS side is declared stuck
CMDB = Path(sys.executable).parent / "cmdb"


class TimedIngestor(Ingestor):
    """The one ingest, with its busy seconds summed (it is called from worker threads)."""

    def __init__(self, driver: neo4j.Driver, schema: Schema, config: Config) -> None:
        super().__init__(driver, schema, config)
        self.busy = 0.0
        self._lock = threading.Lock()

    def ingest(self, changeset: ChangeSet | Validated, dry_run: bool = False) -> IngestResult:
        start = time.perf_counter()
        try:
            return super().ingest(changeset, dry_run)
        finally:
            with self._lock:
                self.busy += time.perf_counter() - start


class TimedCentre(Centre):
    """The centre, with its busy seconds in `apply` summed."""

    busy = 0.0

    def apply(self, message: Message, msg_id: str, steps_lost: bool = False) -> str:
        start = time.perf_counter()
        try:
            return super().apply(message, msg_id, steps_lost)
        finally:
            self.busy += time.perf_counter() - start


@dataclass
class Sample:
    side: str  # "in-process" or "nats"
    wall: float
    answered: int
    detail: dict[str, float] = field(default_factory=dict)


def write_job(path: Path, name: str, targets: list[str], concurrency: int,
              site: str | None = None) -> str:  # fmt: skip
    job: dict[str, Any] = {
        "name": name, "targets": targets, "concurrency": concurrency, "timeout": 2, "retries": 1,
        "protocols": [{"protocol": "snmp", "credentials": [{"secret": CREDENTIAL}]}],
    }  # fmt: skip
    if site is not None:
        job["site"] = site
    text = yaml.safe_dump(job)
    path.write_text(text, encoding="utf-8")
    return text


def wipe(driver: neo4j.Driver) -> None:
    with driver.session() as session:
        session.run(WIPE).consume()


def sweep_in_process(driver: neo4j.Driver, schema: Schema, config: Config, secrets: Path,
                     addresses: list[str], concurrency: int, work: Path) -> Sample:  # fmt: skip
    """The whole sweep as `cmdb discover` runs it, into an empty graph."""
    wipe(driver)
    work.mkdir(parents=True)
    write_job(work / "job.yaml", "bench-sweep", addresses, concurrency)
    job = load_job(work / "job.yaml")
    ingestor = TimedIngestor(driver, schema, config)
    resolver = CredentialResolver(secrets_file=secrets)
    memory = CredentialMemory(work / "credential-memory.json")
    start = time.perf_counter()
    report = run_job(job, ingestor=ingestor, resolver=resolver, memory=memory)
    wall = time.perf_counter() - start
    return Sample("in-process", wall, report.run.answered, {"ingest busy": ingestor.busy})


def sweep_on_nats(driver: neo4j.Driver, schema: Schema, config: Config, secrets: Path,
                  addresses: list[str], concurrency: int, work: Path) -> Sample:  # fmt: skip
    """The same devices, half per site, through a fresh hub and two site servers."""
    wipe(driver)
    half = len(addresses) // 2
    split = {SITES[0]: addresses[:half], SITES[1]: addresses[half:]}
    with Deployment(work / "nats", SITES) as deployment:
        for site in SITES:  # as a collector's first round does, then the centre's assign
            asyncio.run(with_client(deployment.site_url(site),
                                    lambda nc, s=site: ensure_jobs_stream(nc, s)))  # type: ignore[misc]
            text = write_job(work / f"{site}.yaml", f"{site}-snmp", split[site],
                             max(1, concurrency // 2), site)  # fmt: skip
            asyncio.run(assign(deployment.hub_url, site, f"{site}-snmp", text))
        centre = TimedCentre(TimedIngestor(driver, schema, config),
                             Ledger(work / "centre" / "ledger.sqlite"))  # fmt: skip
        configs = {site: write_collector_file(work / site, site, deployment.site_url(site), secrets)
                   for site in SITES}  # fmt: skip

        def recorded() -> bool:
            return centre.totals.outcomes["run_recorded"] >= len(SITES)

        start = time.perf_counter()
        collectors = {site: Collector(site, configs[site], start) for site in SITES}
        try:
            asyncio.run(consume(deployment.hub_url, centre, ConsumeOptions(idle_exit=WAIT),
                                recorded))  # fmt: skip
            wall = time.perf_counter() - start
        finally:
            rounds = {site: collector.finish() for site, collector in collectors.items()}
        if not recorded():
            raise RuntimeError(f"the centre recorded {dict(centre.totals.outcomes)} only")
        messages, size = asyncio.run(with_client(deployment.hub_url, _stream_state, "the hub's"))
    for site in SITES:
        if rounds[site][1]:
            raise RuntimeError(f"{site}'s collector failed: {rounds[site][1]}")
    answered = centre.totals.outcomes["applied"]
    detail = {f"{site} collector": rounds[site][0] for site in SITES}
    detail |= {"centre apply busy": centre.busy, "centre ingest busy": centre.ingestor.busy,  # type: ignore[attr-defined]
               "hub messages": float(messages), "hub bytes": float(size)}  # fmt: skip
    return Sample("nats", wall, answered, detail)


def write_collector_file(folder: Path, site: str, nats_url: str, secrets: Path) -> Path:
    """The site's collector file, as an operator writes it (the lab's secrets file)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "collector.yaml"
    path.write_text(yaml.safe_dump({"site": site, "nats": nats_url, "secrets": str(secrets),
                                    "state_dir": str(folder / "state")}), encoding="utf-8")
    return path


class Collector:
    """`cmdb collector run --site SITE --config FILE --once`, a process of its own as at a
    site (not a thread of the centre's process, where it would share the centre's GIL)."""

    def __init__(self, site: str, config_file: Path, start: float) -> None:
        self.start = start
        self.out = config_file.parent / "collector.log"
        command = [str(CMDB), "collector", "run", "--site", site, "--config", str(config_file),
                   "--once"]  # fmt: skip
        with self.out.open("wb") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                            env={**os.environ, "COLUMNS": "300"})  # fmt: skip
        self.ended: float | None = None
        threading.Thread(target=self._wait, daemon=True).start()

    def _wait(self) -> None:
        self.process.wait()
        self.ended = time.perf_counter()

    def finish(self) -> tuple[float, str]:
        """(seconds from the start to its exit, its output if it failed else "")."""
        try:
            self.process.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self.process.kill()  # our own child, by its handle
            self.process.wait()
        while self.ended is None:
            time.sleep(0.01)
        failed = self.process.returncode != 0
        return self.ended - self.start, self.out.read_text(errors="replace") if failed else ""


async def _stream_state(nc: NATS) -> tuple[int, int]:
    info = await nc.jetstream().stream_info(HUB_STREAM)
    return info.state.messages, info.state.bytes


def print_sample(sample: Sample) -> None:
    parts = [f"{k} {v:,.0f}" if k.startswith("hub") else f"{k} {v:.1f} s"
             for k, v in sample.detail.items()]  # fmt: skip
    print(f"  {sample.side:<10} wall {sample.wall:6.1f} s, {sample.answered} devices applied; "
          + "; ".join(parts), flush=True)


def bench_remote(manifest: lab.Manifest, driver: neo4j.Driver, schema: Schema, config: Config,
                 concurrency: int, rounds: int, work: Path) -> list[Sample]:  # fmt: skip
    """`rounds` samples of each side, interleaved ABBA."""
    addresses = sorted(d.address for d in manifest.of_kind("snmp-sim"))
    secrets = Path(manifest.secrets_file)
    sides: dict[str, Callable[..., Sample]] = {"in-process": sweep_in_process, "nats": sweep_on_nats}
    order = [("in-process", "nats") if n % 2 == 0 else ("nats", "in-process") for n in range(rounds)]
    # a cold DBMS (query plans, page cache) made a first sample twice as slow as the next
    warm = sweep_in_process(driver, schema, config, secrets, addresses, concurrency, work / "warm-up")
    print(f"  warm-up sweep in-process (not counted): wall {warm.wall:.1f} s", flush=True)
    samples: list[Sample] = []
    for n, pair in enumerate(order):
        for side in pair:
            sample = sides[side](driver, schema, config, secrets, addresses, concurrency,
                                 work / f"{side}-{n}")  # fmt: skip
            if sample.answered != len(addresses):
                raise RuntimeError(f"{side}: {sample.answered} of {len(addresses)} devices applied")
            print_sample(sample)
            samples.append(sample)
    return samples


def summarize(samples: list[Sample], devices: int) -> None:
    def median(side: str, key: str | None = None) -> float:
        chosen = [s for s in samples if s.side == side]
        return statistics.median(s.wall if key is None else s.detail[key] for s in chosen)

    local, remote = median("in-process"), median("nats")
    print(f"\n{devices} devices; medians of {len(samples) // 2} samples per side")
    print(f"  in-process: wall {local:.1f} s, ingest busy {median('in-process', 'ingest busy'):.1f} s")
    print(f"  NATS: wall {remote:.1f} s; " + ", ".join(
        f"{site} collector {median('nats', f'{site} collector'):.1f} s" for site in SITES)
        + f"; centre apply busy {median('nats', 'centre apply busy'):.1f} s"
        f" (ingest {median('nats', 'centre ingest busy'):.1f} s); hub stream"
        f" {median('nats', 'hub messages'):,.0f} messages, {median('nats', 'hub bytes') / 1e6:.1f} MB")
    print(f"\n{'ratio':<66}{'measured':>9}  goal")
    print(f"{'sweep wall, two collectors on NATS / in-process':<66}{remote / local:>8.2f}x  <= 1.2")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=200, help="lab SNMP devices")
    parser.add_argument("--concurrency", type=int, default=32,
                        help="in-process job concurrency (each site's job gets half)")
    parser.add_argument("--rounds", type=int, default=2, help="samples of each side")
    parser.add_argument("--prefix", default="cmdbrsw", help="lab prefix (two runs need two)")
    parser.add_argument("--snmp-block", default="127.116.0.0/16")
    parser.add_argument("--ssh-block", default="127.117.0.0/16")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # tear down as on Ctrl-C
    tmp = Path(tempfile.mkdtemp(prefix="cmdb-bench-remote-"))
    lab_config = isolated_config(args.prefix, args.snmp_block, args.ssh_block)
    options = LabOptions(state_dir=tmp / "lab", data_dirs=(lab_data_dir(),), scale=args.scale,
                         linux=False, ssh=False, config=lab_config)  # fmt: skip
    config = Config(data_dir=tmp / "neo4j", port=dbms.free_port(), heap_mb=1024, pagecache_mb=512)
    schema = load_schema()
    dbms_up = lab_up = False
    try:
        dbms.up(config)
        dbms_up = True
        lab_up = True  # a lab that fails half-way up comes down too
        manifest = lab.up(options)
        print(f"lab up in {manifest.startup_seconds:.1f} s: "
              f"{len(manifest.of_kind('snmp-sim'))} SNMP devices", flush=True)
        with connect(config) as driver:
            migrations.apply(driver, schema)
            samples = bench_remote(manifest, driver, schema, config, args.concurrency,
                                   args.rounds, tmp / "runs")  # fmt: skip
        summarize(samples, len(manifest.of_kind("snmp-sim")))
    finally:
        if lab_up:
            lab.down(options.state_dir, lab_config)
        if dbms_up:
            dbms.down(config)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
