"""`cmdb discover` as a process, the way cron, systemd or a shell run it, against a lab of
its own (a scaled fabric of SNMP agents, prefix `cmdbstp`, 127.100/127.101):

- without a terminal it logs progress lines while it runs (time, targets done/total,
  answered, failures, rate) and one at the end;
- SIGTERM (`kill`) or SIGINT (Ctrl-C: the whole process group) stops it in order: exit
  143/130 after the summary, the run recorded as interrupted with what it reached, the
  CIs of the targets finished before kept, nothing missed for targets never reached, the
  SNMP collector processes ended and the lab left running;
- a job over its limit of addresses is refused in one line, before the graph is touched.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest

import lab
from cmdb.config import Config
from lab.config import LabOptions, isolated_config
from lab.sources import lab_data_dir
from tests.graph_checks import check_labels, check_nodes

pytestmark = [pytest.mark.lab, pytest.mark.neo4j]
CMDB = str(Path(sys.executable).parent / "cmdb")
PROGRESS = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00 stp: (\d+)/(\d+) targets done, (\d+) answered, "
    r"(\d+) failures, \d+\.\d targets/s$"
)


@pytest.fixture(scope="module")
def fabric(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[lab.Manifest, Path]]:
    state = tmp_path_factory.mktemp("stp-lab")
    options = LabOptions(state_dir=state, data_dirs=(lab_data_dir(),), scale=30, linux=False,
                         ssh=False, config=isolated_config("cmdbstp", "127.100.0.0/16",
                                                           "127.101.0.0/16"))  # fmt: skip
    try:
        yield lab.up(options), state
    finally:
        lab.down(options.state_dir, options.config)


def job_file(tmp_path: Path, manifest: lab.Manifest, concurrency: int) -> Path:
    targets = "".join(f"  - {d.address}\n" for d in manifest.of_kind("snmp-sim"))
    path = tmp_path / f"stp-{concurrency}.yaml"
    path.write_text(
        f"name: stp\ntargets:\n{targets}protocols:\n"
        "  - protocol: snmp\n    credentials: [{secret: lab-v2c}]\n    processes: 2\n"
        f"concurrency: {concurrency}\ntimeout: 2\nretries: 0\n"
    )
    return path


def discover(dbms_config: Config, tmp_path: Path, job: Path, state: Path,
             *options: str) -> subprocess.Popen[str]:  # fmt: skip
    env = {**os.environ, "CMDB_DATA_DIR": str(dbms_config.data_dir),
           "CMDB_NEO4J_PORT": str(dbms_config.port), "COLUMNS": "200"}  # fmt: skip
    return subprocess.Popen(
        [CMDB, "discover", str(job), "--secrets", str(state / "secrets.yaml"), "--memory",
         str(tmp_path / "memory.json"), *options],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path,
        start_new_session=True,  # a process group of its own, as a shell's job is
    )  # fmt: skip


def progress(lines: list[str]) -> list[tuple[int, ...]]:
    return [tuple(int(g) for g in m.groups()) for line in lines if (m := PROGRESS.match(line))]


def test_without_a_terminal_progress_is_logged(
    fabric: tuple[lab.Manifest, Path], graph: neo4j.Driver, dbms_config: Config, tmp_path: Path
) -> None:
    manifest, state = fabric
    job = job_file(tmp_path, manifest, concurrency=4)
    proc = discover(dbms_config, tmp_path, job, state, "--progress-every", "0.2")
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    lines = progress(out.splitlines())
    devices = len(manifest.of_kind("snmp-sim"))
    assert len(lines) >= 1, out
    assert all(total == devices and done <= total for done, total, _, _ in lines)
    assert lines[-1][:3] == (devices, devices, devices)  # the last, at the end: all done
    assert [done for done, *_ in lines] == sorted(done for done, *_ in lines)
    assert "━" not in out  # no bar drawn into a log
    # the run's changes checked against change requests when it ended: a first discovery
    # is the CIs' arrival, nothing to authorize; the check is an AuditRun in the graph
    [check] = [line for line in out.splitlines() if line.startswith("changes check ")]
    run_id = re.match(r"changes check (AUD-\S+): 0 changes, 0 authorized, 0 unauthorized", check)
    assert run_id is not None, check
    found = check_nodes(graph, "AuditRun", ["kind", "actor"], {"id": run_id.group(1)})
    assert found == {("changes", "discovery")}
    # the run keeps each target's uptime as its agent said it (sysUpTime), no CI does
    [coverage] = graph.execute_query("MATCH (r:DiscoveryRun) RETURN r.coverage AS c").records
    uptimes = [p["snmp"].get("uptime_seconds") for p in json.loads(coverage["c"]).values()]
    assert any(isinstance(u, int) and u > 0 for u in uptimes), uptimes


def group_members(pgid: int) -> list[str]:
    """The processes left in a process group: pid and command line."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue  # ended while we looked
        if int(fields[2]) == pgid and fields[0] != "Z":
            out.append(f"{stat.parent.name} {cmdline}")
    return out


def _wait_for_progress(proc: subprocess.Popen[str], at_least: int) -> list[str]:
    assert proc.stdout is not None
    seen: list[str] = []
    while line := proc.stdout.readline():
        seen.append(line.rstrip("\n"))
        done = [d for d, *_ in progress(seen[-1:])]
        if done and done[0] >= at_least:
            return seen
    raise AssertionError("the run ended before it made progress: " + "\n".join(seen))


@pytest.mark.parametrize(("signum", "group", "code"), [(signal.SIGTERM, False, 143),
                                                       (signal.SIGINT, True, 130)])  # fmt: skip
def test_a_signal_stops_the_run_in_order(
    fabric: tuple[lab.Manifest, Path], graph: neo4j.Driver, dbms_config: Config,
    tmp_path: Path, signum: int, group: bool, code: int,
) -> None:  # fmt: skip
    manifest, state = fabric
    full = discover(dbms_config, tmp_path, job_file(tmp_path, manifest, 8), state)
    full.communicate(timeout=300)
    assert full.returncode == 0  # every device known: the next run could miss them

    proc = discover(dbms_config, tmp_path, job_file(tmp_path, manifest, 1), state,
                    "--progress-every", "0.2")  # fmt: skip
    before = _wait_for_progress(proc, at_least=2)
    if group:  # Ctrl-C at a terminal: the whole foreground group, collectors too
        os.killpg(proc.pid, signum)
    else:
        os.kill(proc.pid, signum)
    rest, err = proc.communicate(timeout=120)
    out = "\n".join(before) + "\n" + rest
    assert proc.returncode == code, out + err
    assert "Traceback" not in err, err
    assert "INTERRUPTED" in out and f"stopped by {signal.Signals(signum).name}" in out
    for _ in range(50):  # multiprocessing's resource tracker ends just after its parent
        if not group_members(proc.pid):
            break
        time.sleep(0.1)
    assert group_members(proc.pid) == []  # the collector processes ended with it
    assert lab.status(state).running  # the lab was not touched

    fields = ["started_at", "id", "status", "reached", "targets", "answered", "failed",
              "coverage"]  # fmt: skip
    runs = sorted(check_nodes(graph, "DiscoveryRun", fields, {"job": "stp"}))  # by started_at
    assert [status for _at, _id, status, *_ in runs] == ["completed", "interrupted"]
    _, run_id, _, reached, targets, answered, failed, coverage_json = runs[1]
    devices = len(manifest.of_kind("snmp-sim"))
    assert 2 <= reached < targets == devices
    coverage = json.loads(coverage_json)
    assert len(coverage) == reached == answered + failed
    # the targets finished before the signal were ingested by this run, and only those
    scopes = check_nodes(graph, "ChangeSet", ["scope"], {"discovery_run": run_id})
    assert scopes <= {(f"snmp:{t}",) for t in coverage}
    # nothing counted missed or absent for the targets it never reached
    cis = check_nodes(graph, "CI", ["uid", "_missed", "status"])
    assert {ci for ci in cis if (ci[1] or 0) > 0 or ci[2] == "absent"} == set()
    # every device of the lab is known, once
    addresses = sorted(d.address for d in manifest.of_kind("snmp-sim"))
    ips = [ip for _uid, ip in check_nodes(graph, "CI:Device", ["uid", "management_ip"])]
    assert sorted(ip for ip in ips if ip in addresses) == addresses


def test_a_job_over_its_limit_is_refused_before_the_graph(
    graph: neo4j.Driver, dbms_config: Config, tmp_path: Path
) -> None:
    job = tmp_path / "big.yaml"
    job.write_text("name: big\ntargets: [127.100.0.0/16, 127.101.0.0/16]\nprotocols:\n"
                   "  - protocol: snmp\n    credentials: [{secret: lab-v2c}]\n")  # fmt: skip
    proc = discover(dbms_config, tmp_path, job, tmp_path)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1 and "Traceback" not in err
    line = " ".join(err.split())  # one message (rich wraps it to the console's width)
    assert line.startswith(f"error: {job}:2: targets: 131068 addresses after exclusions, more ")
    assert "limit of 4096" in line and "--max-targets N" in line
    small = tmp_path / "small.yaml"
    small.write_text(job.read_text().replace("127.100.0.0/16, 127.101.0.0/16", "127.100.0.0/29"))
    proc = discover(dbms_config, tmp_path, small, tmp_path, "--max-targets", "5")
    _out, err = proc.communicate(timeout=120)
    err = " ".join(err.split())
    assert proc.returncode == 1 and "6 addresses after exclusions" in err and "limit of 5" in err
    assert check_labels(graph) <= {("SchemaMigration",)}  # nothing written
