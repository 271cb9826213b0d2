"""Remote collectors end to end: a hub and two site NATS servers on loopback (mutual TLS,
leaf links dialling out), a collector per site against its own block of lab devices, the
centre's ingest and the real Neo4j.

- both sites' devices reach the graph through the hub; each run is recorded when its end
  marker arrives; a second round sends hashes only and records no change;
- a site cut for a whole run: its collector stores locally, the other site's run is
  applied at once, nothing of the cut site goes absent; after the link is back, its run
  arrives whole, nothing applied twice;
- the centre killed (SIGKILL) mid-stream resumes from its durable consumer, nothing lost;
  its run records wait for the steps delivered again;
- replaying the whole stream into a centre with an empty ledger records no change;
- no message carries a credential.

The lab runs on its own prefix and the 127.85/127.89 blocks, SNMP only, always torn down.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import neo4j
import pytest
import yaml

import lab
from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.schema import Schema
from discovery.run_stop import StopRequest
from lab.config import LabOptions, isolated_config
from lab.sources import lab_data_dir
from remote.broker import NatsServer
from remote.centre import Centre
from remote.consume import ConsumeOptions, consume
from remote.harness import Deployment, free_port
from remote.jobs_channel import assign, ensure_jobs_stream
from remote.ledger import Ledger
from remote.messages import StepMessage, decode
from remote.settings import CollectorSettings
from remote.site_round import run_round, with_client
from remote.topology import HUB_STREAM
from tests.conftest import dump_graph

pytestmark = [pytest.mark.lab, pytest.mark.neo4j]
SCALE = 8
SITES = ("branch-a", "branch-b")
WAIT = 180.0  # seconds: generous (a hub's catch-up took 2 to 41 s in a probe)


@pytest.fixture(scope="module")
def site_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[lab.Manifest]:
    options = LabOptions(
        state_dir=tmp_path_factory.mktemp("remote-lab"), data_dirs=(lab_data_dir(),),
        scale=SCALE, linux=False, ssh=False,
        config=isolated_config("cmdbrmt", "127.85.0.0/16", "127.89.0.0/16"),
    )  # fmt: skip
    try:
        yield lab.up(options)
    finally:
        lab.down(options.state_dir, options.config)


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[Deployment]:
    with Deployment(tmp_path / "nats", SITES) as running:
        yield running


def addresses_of(manifest: lab.Manifest, site: str) -> list[str]:
    devices = sorted(d.address for d in manifest.of_kind("snmp-sim"))
    half = len(devices) // 2
    return devices[:half] if site == SITES[0] else devices[half:]


class Estate:
    """Two sites' collectors, their jobs assigned through the hub, and a centre."""

    def __init__(self, deployment: Deployment, manifest: lab.Manifest, tmp_path: Path,
                 graph: neo4j.Driver, schema: Schema, config: Config) -> None:  # fmt: skip
        self.deployment = deployment
        self.manifest = manifest
        self.tmp_path = tmp_path
        self.ingestor = Ingestor(graph, schema, config)
        self.graph = graph
        for site in SITES:  # as a collector's first round does
            asyncio.run(with_client(deployment.site_url(site),
                                    lambda nc, s=site: ensure_jobs_stream(nc, s)))  # type: ignore[misc]
        for site in SITES:
            job = {"name": f"{site}-snmp", "site": site, "targets": addresses_of(manifest, site),
                   "protocols": [{"protocol": "snmp", "credentials": [{"secret": "lab-v2c"}]}],
                   "concurrency": 8, "timeout": 2, "retries": 1}  # fmt: skip
            text = yaml.safe_dump(job)
            asyncio.run(assign(deployment.hub_url, site, f"{site}-snmp", text))

    def settings(self, site: str) -> CollectorSettings:
        return CollectorSettings(
            site=site, nats_url=self.deployment.site_url(site),
            secrets_file=Path(self.manifest.secrets_file),
            state_dir=self.tmp_path / site, resend_after=timedelta(days=1),
        )  # fmt: skip

    def collect(self, site: str) -> str:
        lines = list(run_round(self.settings(site), StopRequest()))
        assert len(lines) == 1 and lines[0][1], lines
        return lines[0][0]

    def centre(self, ledger_dir: Path | None = None) -> Centre:
        return Centre(self.ingestor, Ledger((ledger_dir or self.tmp_path / "centre") / "ledger.sqlite"))

    def drain(self, centre: Centre, runs: int) -> Centre:
        """Apply until `runs` more runs are recorded (or skipped as recorded)."""
        def ended() -> int:
            o = centre.totals.outcomes
            return o["run_recorded"] + o["run_recorded_short"] + o["end_skipped"]

        wanted = ended() + runs

        def done() -> bool:
            return ended() >= wanted
        asyncio.run(consume(self.deployment.hub_url, centre,
                            ConsumeOptions(idle_exit=WAIT, ack_wait=10), done))  # fmt: skip
        assert done(), f"only {dict(centre.totals.outcomes)} after {WAIT:.0f} idle seconds"
        return centre


def labels_counted(dump: tuple[frozenset[Any], frozenset[Any]]) -> Counter[tuple[str, ...]]:
    return Counter(labels for labels, _props in dump[0])


def runs_recorded(graph: neo4j.Driver) -> dict[str, int]:
    records, _, _ = graph.execute_query(
        "MATCH (r:DiscoveryRun) RETURN r.job AS job, count(*) AS n")
    return {r["job"]: r["n"] for r in records}


def device_hosts(graph: neo4j.Driver) -> dict[str, str]:
    """hostname -> status of every Device CI."""
    records, _, _ = graph.execute_query(
        "MATCH (d:CI:Device) RETURN d.hostname AS h, d.status AS s")
    return {r["h"]: r["s"] for r in records}


def lab_hosts(manifest: lab.Manifest) -> set[str]:
    return {d.facts["sys_name"].split(".")[0] for d in manifest.of_kind("snmp-sim")}


def cis_by_status(graph: neo4j.Driver) -> dict[str, int]:
    records, _, _ = graph.execute_query("MATCH (c:CI) RETURN c.status AS s, count(*) AS n")
    return {r["s"]: r["n"] for r in records}


@pytest.fixture
def estate(deployment: Deployment, site_lab: lab.Manifest, tmp_path: Path, graph: neo4j.Driver,
           schema: Schema, config: Config) -> Estate:  # fmt: skip
    return Estate(deployment, site_lab, tmp_path, graph, schema, config)


def test_two_sites_reach_the_graph_and_a_second_round_sends_hashes(estate: Estate) -> None:
    first = [estate.collect(site) for site in SITES]
    assert all("0 unchanged" in line for line in first), first
    centre = estate.drain(estate.centre(), 2)
    assert runs_recorded(estate.graph) == {f"{s}-snmp": 1 for s in SITES}
    records, _, _ = estate.graph.execute_query(
        "MATCH (r:DiscoveryRun) RETURN r.job AS job, r.site AS site")
    assert {(r["job"], r["site"]) for r in records} == {(f"{s}-snmp", s) for s in SITES}
    devices = len(estate.manifest.of_kind("snmp-sim"))
    assert device_hosts(estate.graph) == dict.fromkeys(lab_hosts(estate.manifest), "active")
    assert set(cis_by_status(estate.graph)) == {"active"}
    assert centre.totals.outcomes["applied"] == devices
    assert centre.totals.outcomes["skipped"] == 0

    before = dump_graph(estate.graph)
    second = [estate.collect(site) for site in SITES]
    assert all(" 0 sent whole" in line for line in second), second
    centre = estate.drain(centre, 2)
    assert centre.totals.outcomes["sighted"] == devices
    assert runs_recorded(estate.graph) == {f"{s}-snmp": 2 for s in SITES}
    # only the two new run records: no CI, version, change set or relationship written
    # (a sighting may refresh bookkeeping properties, which are not changes)
    after = dump_graph(estate.graph)
    assert labels_counted(after) - labels_counted(before) == Counter({("DiscoveryRun",): 2})
    assert len(after[1]) == len(before[1])

    # the whole stream again, into a centre with an empty ledger: no change recorded
    before = dump_graph(estate.graph)
    asyncio.run(_delete_consumer(estate.deployment.hub_url))
    replay = estate.drain(estate.centre(estate.tmp_path / "empty-ledger"), 4)
    assert replay.totals.outcomes["end_skipped"] == 4
    assert replay.totals.changesets == 0
    assert dump_graph(estate.graph) == before


def test_a_cut_site_buffers_and_delivers_after_the_link_is_back(estate: Estate) -> None:
    for site in SITES:
        estate.collect(site)
    centre = estate.drain(estate.centre(), 2)
    devices = len(estate.manifest.of_kind("snmp-sim"))
    statuses = cis_by_status(estate.graph)
    assert set(statuses) == {"active"}

    estate.deployment.cut_site("branch-a")
    for site in SITES:  # a whole run of each site while branch-a's link is down
        estate.collect(site)
    estate.drain(centre, 1)
    assert runs_recorded(estate.graph) == {"branch-a-snmp": 1, "branch-b-snmp": 2}
    assert cis_by_status(estate.graph) == statuses  # nothing of branch-a went absent

    estate.deployment.restore_site("branch-a")
    estate.drain(centre, 1)
    assert runs_recorded(estate.graph) == {"branch-a-snmp": 2, "branch-b-snmp": 2}
    assert cis_by_status(estate.graph) == statuses
    o = centre.totals.outcomes
    assert o["skipped"] == 0  # nothing came twice
    assert o["applied"] + o["sighted"] == 2 * devices  # nothing lost


def test_a_killed_centre_resumes_without_loss(
    estate: Estate, dbms_config: Config, tmp_path: Path,
) -> None:  # fmt: skip
    for site in SITES:
        estate.collect(site)
    env = {**os.environ, "CMDB_DATA_DIR": str(dbms_config.data_dir),
           "CMDB_NEO4J_PORT": str(dbms_config.port)}  # fmt: skip
    command = [str(Path(sys.executable).parent / "cmdb"), "hub", "ingest", "--hub",
               estate.deployment.hub_url, "--state-dir", str(tmp_path / "centre"), "--verbose",
               "--max-ack-pending", "4", "--ack-wait", "10", "--until-idle", "30"]  # fmt: skip
    log = tmp_path / "centre.log"
    with log.open("w") as out:
        centre = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path, env=env)
        try:
            deadline = time.monotonic() + WAIT
            while log.read_text().count(": applied") < 3 and time.monotonic() < deadline:
                assert centre.poll() is None, log.read_text()
                time.sleep(0.05)
        finally:
            centre.send_signal(signal.SIGKILL)
            centre.wait(30)
    applied_before = log.read_text().count(": applied")
    devices = len(estate.manifest.of_kind("snmp-sim"))
    assert 3 <= applied_before < devices, log.read_text()  # killed mid-stream

    resumed = estate.drain(estate.centre(tmp_path / "centre"), 2)
    o = resumed.totals.outcomes
    assert o["run_recorded"] == 2 and o["run_recorded_short"] == 0  # waited for every step
    assert runs_recorded(estate.graph) == {f"{s}-snmp": 1 for s in SITES}
    assert device_hosts(estate.graph) == dict.fromkeys(lab_hosts(estate.manifest), "active")
    assert o["applied"] + o["skipped"] + applied_before >= devices
    assert o["applied"] + applied_before <= devices + 4  # at most the unacknowledged again



def test_a_centre_that_lost_its_ledger_asks_the_site_to_send_whole(estate: Estate) -> None:
    """A centre whose ledger is gone (a new state directory on the same durable consumer)
    meets hashes of snapshots it does not keep: the run is recorded with a
    `snapshot_unknown` failure per device and the centre asks the site to send that job
    whole. The site's next run does, and deletes the request: applied, no change recorded.
    The run after sends hashes again, which the centre now keeps: sightings."""
    site = SITES[0]
    for each in SITES:
        estate.collect(each)
    estate.drain(estate.centre(), 2)
    devices = len(addresses_of(estate.manifest, site))
    assert " 0 sent whole," in estate.collect(site)
    centre = estate.drain(estate.centre(estate.tmp_path / "lost-ledger"), 1)
    assert centre.totals.outcomes["snapshot_unknown"] == devices
    records, _, _ = estate.graph.execute_query(
        "MATCH (r:DiscoveryRun {job: $job}) RETURN r.failures AS failures "
        "ORDER BY r.started_at DESC LIMIT 1", job=f"{site}-snmp")  # fmt: skip
    kinds = Counter(f["kind"] for f in json.loads(records[0]["failures"]))
    assert kinds == Counter({"snapshot_unknown": devices})

    before = dump_graph(estate.graph)
    resent = estate.collect(site)
    assert f" {devices} sent whole (the centre asked for it), 0 unchanged" in resent, resent
    estate.drain(centre, 1)
    assert centre.totals.outcomes["applied"] == devices
    assert centre.totals.changesets == 0  # the same facts: nothing changed
    after = dump_graph(estate.graph)
    assert labels_counted(after) - labels_counted(before) == Counter({("DiscoveryRun",): 1})

    again = estate.collect(site)  # the request was deleted: hashes only
    assert " 0 sent whole," in again and f"{devices} unchanged" in again, again
    estate.drain(centre, 1)
    assert centre.totals.outcomes["sighted"] == devices


def test_no_message_carries_a_credential(estate: Estate) -> None:
    for site in SITES:
        estate.collect(site)
    secrets = yaml.safe_load(Path(estate.manifest.secrets_file).read_text())
    words = {entry[key] for entry in secrets.values()
             for key in ("community", "auth_key", "priv_key", "password") if key in entry}
    assert words, "the lab's secrets file holds no secret to look for"
    devices = len(estate.manifest.of_kind("snmp-sim"))
    bodies = asyncio.run(_read_stream(estate.deployment.hub_url, devices + len(SITES)))
    steps = [m for m in (decode(b) for b in bodies) if isinstance(m, StepMessage)]
    assert len(steps) == devices
    for body in bodies:
        text = zlib.decompress(body).decode()
        assert not any(word in text for word in words)
        assert "lab-v2c" not in text  # nor a credential's label


async def _delete_consumer(hub_url: str) -> None:
    async def go(nc: object) -> None:
        await nc.jetstream().delete_consumer(HUB_STREAM, "cmdb-ingest")  # type: ignore[attr-defined]
    await with_client(hub_url, go)  # type: ignore[arg-type]


async def _read_stream(hub_url: str, expected: int) -> list[bytes]:
    """Every message the hub's stream holds, once the sites' runs have arrived."""
    async def go(nc: object) -> list[bytes]:
        js = nc.jetstream()  # type: ignore[attr-defined]
        deadline = time.monotonic() + WAIT
        while (await js.stream_info(HUB_STREAM)).state.messages < expected:
            assert time.monotonic() < deadline, "the sites' messages did not reach the hub"
            await asyncio.sleep(0.2)
        bodies = []
        info = await js.stream_info(HUB_STREAM)
        for seq in range(info.state.first_seq, info.state.last_seq + 1):
            bodies.append((await js.get_msg(HUB_STREAM, seq)).data)
        return bodies
    return await with_client(hub_url, go)  # type: ignore[arg-type]


def test_the_centre_rides_out_a_hub_restart(estate: Estate) -> None:
    """The centre keeps consuming while the hub restarts (its client reconnects, its pull
    consumer fetches again); runs published meanwhile are applied once the hub is back."""
    centre = estate.centre()
    stop = threading.Event()
    failed: list[BaseException] = []

    def serve() -> None:
        try:
            asyncio.run(consume(estate.deployment.hub_url, centre,
                                ConsumeOptions(ack_wait=10), stop.is_set))  # fmt: skip
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            failed.append(exc)

    def wait_runs(n: int) -> None:
        deadline = time.monotonic() + WAIT
        while centre.totals.outcomes["run_recorded"] < n:
            assert not failed, failed
            assert time.monotonic() < deadline, dict(centre.totals.outcomes)
            time.sleep(0.2)

    thread = threading.Thread(target=serve, name="centre")
    thread.start()
    try:
        for site in SITES:
            estate.collect(site)
        wait_runs(2)
        estate.deployment.restart_hub()  # every leaf link and the centre's connection drop
        for site in SITES:
            estate.collect(site)
        wait_runs(4)
    finally:
        stop.set()
        thread.join(60)
    assert not failed, failed
    assert runs_recorded(estate.graph) == {f"{s}-snmp": 2 for s in SITES}
    devices = len(estate.manifest.of_kind("snmp-sim"))
    assert centre.totals.outcomes["applied"] + centre.totals.outcomes["sighted"] == 2 * devices


def test_a_site_set_up_from_the_kit_with_the_cli_alone(
    site_lab: lab.Manifest, graph: neo4j.Driver, dbms_config: Config, tmp_path: Path,
) -> None:  # fmt: skip
    """As an operator does it: `cmdb hub init` writes the kit, the hub and the site's
    nats-servers run from it (the site's in its own folder), the collector's first round
    makes the site's streams, `cmdb hub ingest --site` makes the hub source it, `cmdb hub
    assign` sends the job, the collector runs it and the centre applies it."""
    hub_port, leaf_port, site_port = free_port(), free_port(), free_port()
    kit = tmp_path / "kit"
    env = {**os.environ, "CMDB_DATA_DIR": str(dbms_config.data_dir),
           "CMDB_NEO4J_PORT": str(dbms_config.port), "COLUMNS": "300"}  # fmt: skip
    hub_url = f"nats://127.0.0.1:{hub_port}"

    def cmdb(*args: str) -> str:
        done = subprocess.run([str(Path(sys.executable).parent / "cmdb"), *args], cwd=tmp_path,
                              env=env, capture_output=True, text=True, timeout=WAIT, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Traceback" not in done.stdout + done.stderr
        return done.stdout

    cmdb("hub", "init", str(kit), "--site", "paris", "--hub-address", "127.0.0.1",
         "--hub-client-port", str(hub_port), "--leaf-port", str(leaf_port),
         "--site-client-port", str(site_port))  # fmt: skip
    site_dir = kit / "sites" / "paris"
    assert not any((site_dir / name).exists() for name in ("ca-key.pem", "site-lyon.pem"))
    hub = NatsServer(kit / "hub" / "hub.conf", hub_port)
    site = NatsServer(site_dir / "site.conf", site_port)
    try:
        hub.start()
        site.start()
        hub.wait_ready()
        site.wait_ready()
        (site_dir / "secrets.yaml").write_text(Path(site_lab.secrets_file).read_text())
        (site_dir / "secrets.yaml").chmod(0o600)
        collector = ["collector", "run", "--site", "paris", "--config",
                     str(site_dir / "collector.yaml"), "--once"]  # fmt: skip
        assert "no job assigned" in cmdb(*collector)  # and the site's streams now exist
        cmdb("hub", "ingest", "--hub", hub_url, "--site", "paris", "--until-idle", "1")
        targets = addresses_of(site_lab, SITES[0])
        job = tmp_path / "paris-snmp.yaml"
        job.write_text(yaml.safe_dump({
            "name": "paris-snmp", "site": "paris", "targets": targets,
            "protocols": [{"protocol": "snmp", "credentials": [{"secret": "lab-v2c"}]}]}))
        assert "assigned to site paris" in cmdb("hub", "assign", str(job), "--hub", hub_url)
        ran = cmdb(*collector)
        assert f"{len(targets)} of {len(targets)} targets answered" in ran, ran
        applied = cmdb("hub", "ingest", "--hub", hub_url, "--state-dir", str(tmp_path / "c"),
                       "--until-idle", "20")  # fmt: skip
        assert f"applied {len(targets)}" in applied and "run_recorded 1" in applied, applied
        again = cmdb(*collector)  # another process: the same facts hash the same
        assert " 0 sent whole" in again and f"{len(targets)} unchanged" in again, again
        sighted = cmdb("hub", "ingest", "--hub", hub_url, "--state-dir", str(tmp_path / "c"),
                       "--until-idle", "20")  # fmt: skip
        assert f"sighted {len(targets)}" in sighted and "run_recorded 1" in sighted, sighted
    finally:
        site.stop()
        hub.stop()
    assert runs_recorded(graph) == {"paris-snmp": 2}
    assert len(device_hosts(graph)) == len(targets)
