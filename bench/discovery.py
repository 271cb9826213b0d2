"""Discovery benchmark: ratios measured side by side in one run, against our own lab.

1. SNMP, one device (bench/snmp_client.py): our collector (its own BER codec, compiled
   varbind reader when built, and USM; v2c GETBULK, up to `parallel_walks` subtrees in
   flight at once) vs net-snmp's `snmpbulkwalk` of exactly the subtrees the collector
   walked (+ `snmpget` of its scalars, same max-repetitions) against the same lab agent,
   in interleaved rounds, on v2c and on v3 authPriv: wall (goal: <= 1.0x) and client CPU
   (goal: <= 2.0x).
2. SNMP, N lab devices (--scale) collected at --concurrency C, through --processes
   collector processes (`CollectorProcesses`, what a job's `processes: N` uses; default
   one per core) and, for information, with one SnmpCollector on asyncio in this process:
   wall vs max(single-device time x N / C, the lab agent's CPU seconds during the sweep,
   the collectors' CPU seconds / processes, all that CPU / cores) (goal: <= 1.2x). Collect only; the full pipeline (collect + parse + normalize) rate
   is reported separately. The agent is one process (one core): when
   it is the bottleneck, wall cannot beat its CPU seconds, and other load on the machine
   shows up here as wall above it; so the sweep also prints the agent's time on a CPU,
   runnable but waiting for one (other load) and idle (no request to answer: the
   collector's fault), from /proc/<pid>/task/*/schedstat.
3. SSH: one netmiko session running a platform's commands (our collector) vs raw paramiko
   exec channels of the same commands on one connection (goal: <= 2x on cisco_ios; the
   other platforms for information, and raw paramiko on a TCP_NODELAY socket to show how
   much of that baseline is Nagle/delayed-ACK waiting); and --ssh-sessions sessions at
   --ssh-concurrency vs the same ideal as (2). The lab serves one simulated SSH device per
   platform, so the sessions are spread over those few addresses.
4. `--part sweep --scale 10000` (bench/discovery_sweep.py): the sweep at N/10 and at N
   devices of one lab (goal: wall grows <= 10.5x for 10x the devices), the agent's CPU
   per device swept and VmRSS, and the same N/10 devices swept with the agent's pysnmp
   responder (`fast: false`) for the agent's CPU per device before/after (info).

The lab comes up on its own prefix and loopback blocks (beside a lab a user may run), in
a temporary state directory, SNMP + SSH simulators only (no namespaces), and always comes
down. All traffic stays on 127.0.0.0/8.

Usage: .venv/bin/python -m bench.discovery [--part all|snmp|ssh|sweep] [--scale 1000]
       [--concurrency 64] [--ssh-sessions 200] [--ssh-concurrency 16] [--repeat 5]
       [--prefix cmdbbch --snmp-block 127.81.0.0/16 --ssh-block 127.82.0.0/16]
(as a module from the project root: run as a file, this script's own name would shadow
the `discovery` package). Two runs at once need their own --prefix and blocks.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import paramiko

import lab
from bench.discovery_measure import (
    Result,
    Timing,
    children_cpu,
    cpu_seconds,
    median_timing,
    rss_mb,
    run_and_wait_seconds,
    sweep,
    sweep_processes,
    timed,
)
from discovery.snmp.collect import CollectOptions, CollectResult, SnmpCollector, Target
from discovery.snmp.credentials import Secret, SnmpV2c
from discovery.ssh.collect import collect_many, collect_target
from discovery.ssh.platforms import get_platform
from discovery.ssh.targets import SSHCredentials, SSHTarget
from lab.config import LabConfig, LabOptions, isolated_config
from lab.errors import LabStartError
from lab.netns import ensure_packages

NET_SNMP_PACKAGES = {"snmp": "/usr/bin/snmpbulkwalk"}  # Debian package -> a program it provides
def bench_config(prefix: str = "cmdbbch", snmp_block: str = "127.81.0.0/16",
                 ssh_block: str = "127.82.0.0/16") -> LabConfig:
    """The embedded lab config on a prefix and blocks of its own (two runs can coexist
    when each has its own)."""
    return isolated_config(prefix, snmp_block, ssh_block)



def single_device_mean(loop: asyncio.AbstractEventLoop, collector: SnmpCollector,
                       devices: Sequence[lab.LabDevice], credential: SnmpV2c) -> float:
    """Mean one-at-a-time collect time over the fleet: one device per base recording,
    weighted by how many devices clone it (sizes differ a lot between bases)."""
    by_base: dict[str, list[lab.LabDevice]] = {}
    for d in devices:
        by_base.setdefault(d.recording, []).append(d)
    total = 0.0
    for clones in by_base.values():
        result: CollectResult = loop.run_until_complete(
            collector.collect(Target(clones[0].address, clones[0].ports["snmp"]), credential))
        total += result.seconds * len(clones)
    return total / len(devices)


def bench_snmp_fleet(loop: asyncio.AbstractEventLoop, collector: SnmpCollector,
                     devices: Sequence[lab.LabDevice], credential: SnmpV2c, agent_pid: int,
                     concurrency: int, pipeline: bool, processes: int) -> list[Result]:
    single = single_device_mean(loop, collector, devices, credential)
    n = len(devices)
    results: list[Result] = []
    for procs in ([1, processes] if processes > 1 else [1]):
        a0, (r0, w0) = cpu_seconds(agent_pid), run_and_wait_seconds(agent_pid)
        if procs == 1:
            wall, outcomes = timed(lambda: loop.run_until_complete(
                sweep(devices, credential, concurrency, False)))
            one_process = wall
        else:
            wall, outcomes = timed(
                lambda p=procs: sweep_processes(devices, credential, concurrency, p),  # type: ignore[misc]
                lambda: time.process_time() + children_cpu())
        agent_cpu = cpu_seconds(agent_pid) - a0
        r1, w1 = run_and_wait_seconds(agent_pid)
        ideal = max(single * n / concurrency, agent_cpu)
        how = "in one process" if procs == 1 else f"in {procs} collector processes"
        print(f"[2] {n} devices at concurrency {concurrency}, {how}: {dict(outcomes)}; wall "
              f"{wall.wall:.1f} s ({n / wall.wall:.1f} devices/s)")
        print(f"    single device (weighted mean, one at a time) {single * 1e3:.0f} ms -> x{n}/"
              f"{concurrency} = {single * n / concurrency:.1f} s; agent CPU during sweep "
              f"{agent_cpu:.1f} s; client CPU {wall.cpu:.1f} s; agent VmRSS {rss_mb(agent_pid):.0f} MB")
        print(f"    the agent during the sweep: on a CPU {r1 - r0:.1f} s, runnable but waiting for a "
              f"CPU {w1 - w0:.1f} s (other load), idle {wall.wall - (r1 - r0) - (w1 - w0):.1f} s (no "
              f"request to answer) of {wall.wall:.1f} s")
        # The floor: no sweep beats the concurrency's limit, the agent's CPU, our own CPU
        # spread over our processes, or all of it spread over the cores they share. (The
        # goal's first floor, max(single x N / C, agent CPU), held while the lab's pysnmp
        # agent was the bottleneck; with the fast responder it left out the two cores that
        # the agent and the collectors share. Our CPU itself is held down by part 1's
        # goal, client CPU <= 2x net-snmp's.)
        floor = max(ideal, wall.cpu / procs, (wall.cpu + agent_cpu) / (os.cpu_count() or 1))
        goal = "<= 1.2" if procs == processes else "(info)"
        results.append((f"SNMP {n} devices @{concurrency}, {procs} process(es): wall / max(single*N/C, "
                        "agent CPU, client CPU / processes, all CPU / cores)", wall.wall / floor,
                        goal, f"{wall.wall:.1f} s vs {floor:.1f} s"))  # fmt: skip
        results.append(("  same wall / max(single*N/C, agent CPU), the first floor",
                        wall.wall / ideal, "(info)", f"{wall.wall:.1f} s vs {ideal:.1f} s"))
    if pipeline:
        full, outcomes = timed(lambda: loop.run_until_complete(sweep(devices, credential, concurrency, True)))
        print(f"    full pipeline (collect + parse + normalize, no ingest): {dict(outcomes)}; "
              f"{full.wall:.1f} s, {n / full.wall:.1f} devices/s, client CPU {full.cpu:.1f} s")
        results.append(("  full pipeline rate / collect-only rate (one process)",
                        one_process.wall / full.wall, "(info)",
                        f"{n / full.wall:.1f} vs {n / one_process.wall:.1f} devices/s"))
    return results


# -- 3. SSH ------------------------------------------------------------------------------
BENCH_PLATFORM = "cisco_ios"  # the platform the goal is measured on


def paramiko_session(target: SSHTarget, creds: SSHCredentials, commands: Sequence[str],
                     nodelay: bool = False) -> int:
    """One connection, one exec channel per command; returns the bytes read.

    paramiko's own socket leaves Nagle's algorithm on, as netmiko's does; `nodelay`
    connects a TCP_NODELAY socket instead (for the info row only)."""
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())  # the lab, on loopback
    sock = None
    if nodelay:
        sock = socket.create_connection((target.host, target.port), timeout=10)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        client.connect(target.host, target.port, creds.username, creds.password, allow_agent=False,
                       look_for_keys=False, timeout=10, sock=sock)
        size = 0
        for command in commands:
            _stdin, stdout, _stderr = client.exec_command(command, timeout=30)
            size += len(stdout.read())
        return size
    finally:
        client.close()
        if sock is not None:
            sock.close()


@dataclass
class SessionPair:
    """One platform's interleaved rounds: our netmiko collector vs raw paramiko."""

    platform: str
    commands: int
    ours: Timing
    raw: Timing
    raw_nodelay: Timing
    setup_seconds: float  # netmiko's connect + session preparation, part of ours.wall


def session_pair(target: SSHTarget, creds: SSHCredentials, repeat: int) -> SessionPair:
    commands = [c.cli for c in get_platform(target.platform).commands]
    ours_once = lambda: collect_target(target, creds)  # noqa: E731
    _t, first = timed(ours_once)  # warm both
    if first.failure is not None:
        raise SystemExit(f"SSH collect of {target} failed: {first.failure.message}")
    paramiko_session(target, creds, commands)
    ours, raw, raw_nodelay, setups = [], [], [], []
    for _ in range(repeat):  # interleaved
        t, r = timed(ours_once)
        ours.append(t)
        setups.append(r.connect_seconds)
        raw.append(timed(lambda: paramiko_session(target, creds, commands))[0])
        raw_nodelay.append(timed(lambda: paramiko_session(target, creds, commands, nodelay=True))[0])
    return SessionPair(target.platform, len(commands), median_timing(ours), median_timing(raw),
                       median_timing(raw_nodelay), statistics.median(setups))


def bench_ssh(devices: Sequence[lab.LabDevice], creds: SSHCredentials, sim_pid: int, repeat: int,
              sessions: int, concurrency: int) -> list[Result]:
    targets = [SSHTarget(d.address, d.platform, d.ports["ssh"]) for d in devices]
    targets.sort(key=lambda t: t.platform != BENCH_PLATFORM)  # the goal's platform first
    pairs = [session_pair(t, creds, repeat) for t in targets]
    print(f"[3] one session per platform, median of {repeat} interleaved rounds (same commands, "
          f"one connection each; netmiko reads an interactive shell, paramiko one exec channel "
          f"per command):")
    results: list[Result] = []
    for p in pairs:
        print(f"    {p.platform:<14} {p.commands} commands: netmiko wall {p.ours.wall * 1e3:.0f} ms "
              f"(set-up {p.setup_seconds * 1e3:.0f}) / CPU {p.ours.cpu * 1e3:.0f} ms; paramiko wall "
              f"{p.raw.wall * 1e3:.0f} ms / CPU {p.raw.cpu * 1e3:.0f} ms; paramiko on a TCP_NODELAY "
              f"socket {p.raw_nodelay.wall * 1e3:.0f} ms")
        if p.platform == BENCH_PLATFORM:
            results += [
                (f"SSH one session ({p.platform}), wall: netmiko / raw paramiko", p.ours.wall / p.raw.wall,
                 "<= 2.0", f"{p.ours.wall * 1e3:.0f} vs {p.raw.wall * 1e3:.0f} ms"),
                ("  same, client CPU: netmiko / paramiko", p.ours.cpu / p.raw.cpu, "(info)",
                 f"{p.ours.cpu * 1e3:.0f} vs {p.raw.cpu * 1e3:.0f} ms"),
            ]
        else:
            results.append((f"  same, {p.platform}", p.ours.wall / p.raw.wall, "(info)",
                            f"{p.ours.wall * 1e3:.0f} vs {p.raw.wall * 1e3:.0f} ms"))
    # Both sides run paramiko's default socket, where Nagle's algorithm meets the peer's
    # delayed ACK (~40 ms on Linux) at every exchange of small writes: most of the raw
    # baseline is those waits. Shown so the ratio above is read with that in mind.
    first = pairs[0]
    results.append((f"  raw paramiko ({first.platform}), wall: default socket / TCP_NODELAY",
                    first.raw.wall / first.raw_nodelay.wall, "(info)",
                    f"{first.raw.wall * 1e3:.0f} vs {first.raw_nodelay.wall * 1e3:.0f} ms"))

    singles = {}
    for t in targets:  # one session per platform, one at a time
        res = collect_target(t, creds)
        singles[t.platform] = res.total_seconds
    single = statistics.mean(singles.values())
    jobs = [(targets[i % len(targets)], creds) for i in range(sessions)]
    s0 = cpu_seconds(sim_pid)
    wall, done = timed(lambda: collect_many(jobs, max_workers=concurrency))
    sim_cpu = cpu_seconds(sim_pid) - s0
    failed = Counter(r.failure.kind for r in done if r.failure is not None)
    ideal = max(single * sessions / concurrency, sim_cpu)
    print(f"    {sessions} sessions over {len(targets)} simulated devices at {concurrency} threads: "
          f"wall {wall.wall:.1f} s, failed {dict(failed) or 0}; single session "
          f"{ {k: round(v * 1e3) for k, v in singles.items()} } ms, mean {single * 1e3:.0f} ms -> "
          f"x{sessions}/{concurrency} = {single * sessions / concurrency:.1f} s; simulator CPU "
          f"{sim_cpu:.1f} s; client CPU {wall.cpu:.1f} s")
    results.append((f"SSH {sessions} sessions @{concurrency}: wall / max(single*N/C, sim CPU)",
                    wall.wall / ideal, "<= 1.2", f"{wall.wall:.1f} s vs {ideal:.1f} s"))
    floor = max(ideal, wall.cpu, (wall.cpu + sim_cpu) / (os.cpu_count() or 1))
    results.append(("  same wall / max(ideal, client CPU, (client+sim CPU)/cores)", wall.wall / floor,
                    "(info)", f"{wall.wall:.1f} s vs {floor:.1f} s"))
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--part", choices=("all", "snmp", "ssh", "sweep", "remote"), default="all",
                        help="which ratios to measure (ssh alone serves each recording once; "
                             "sweep: part 4, e.g. with --scale 10000; remote: bench/remote_sweep.py)")
    parser.add_argument("--scale", type=int, default=1000, help="lab SNMP devices")
    parser.add_argument("--concurrency", type=int, default=64, help="SNMP devices collected at once")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1,
                        help="SNMP collector processes for the sweep's goal line (one process "
                             "is measured too)")
    parser.add_argument("--repeat", type=int, default=5, help="interleaved rounds for ratios 1 and 3")
    parser.add_argument("--ssh-sessions", type=int, default=200)
    parser.add_argument("--ssh-concurrency", type=int, default=16, help="netmiko worker threads")
    parser.add_argument("--no-pipeline", action="store_true", help="skip the collect+parse+normalize sweep")
    parser.add_argument("--prefix", default="cmdbbch", help="lab prefix (two runs need two)")
    parser.add_argument("--snmp-block", default="127.81.0.0/16", help="loopback block of the SNMP devices")
    parser.add_argument("--ssh-block", default="127.82.0.0/16", help="loopback block of the SSH devices")
    args = parser.parse_args()
    snmp_part, ssh_part = args.part in ("all", "snmp"), args.part in ("all", "ssh")
    sweep_part = args.part == "sweep"
    if args.part == "remote":  # its own lab, NATS servers and DBMS (bench/remote_sweep.py)
        from bench.remote_sweep import main as remote_main

        remote_main(["--scale", str(args.scale), "--concurrency", str(args.concurrency),
                     "--prefix", args.prefix, "--snmp-block", args.snmp_block,
                     "--ssh-block", args.ssh_block])  # fmt: skip
        return
    # SIGTERM (kill PID, a CI time-out) ends the run as Ctrl-C does, so the lab it started
    # comes down in the `finally` below instead of being orphaned
    signal.signal(signal.SIGTERM, signal.default_int_handler)

    config = bench_config(args.prefix, args.snmp_block, args.ssh_block)
    state_dir = Path(tempfile.mkdtemp(prefix="cmdb-bench-lab-"))
    options = LabOptions(state_dir=state_dir, scale=args.scale if snmp_part or sweep_part else 0,
                         linux=False, ssh=ssh_part, config=config)
    results: list[Result] = []
    loop = asyncio.new_event_loop()
    try:
        manifest = lab.up(options)
        agent_pid = manifest.processes["snmp-agent"]
        sim_pid = manifest.processes.get("ssh-sim")
        print(f"lab up in {manifest.startup_seconds:.1f} s: {len(manifest.of_kind('snmp-sim'))} SNMP devices, "
              f"{len(manifest.of_kind('ssh-sim'))} SSH devices; agent VmRSS {rss_mb(agent_pid):.0f} MB"
              + (f", simulator VmRSS {rss_mb(sim_pid):.0f} MB" if sim_pid else ""))
        secrets = json.loads(Path(manifest.credentials_file).read_text(encoding="utf-8"))
        if snmp_part:
            community = secrets["snmp"]["communities"][0]["community"]
            results += bench_snmp(loop, manifest.of_kind("snmp-sim"), community, secrets, agent_pid,
                                  args)
        if sweep_part:
            from bench.discovery_sweep import bench_sweep  # it imports this module's helpers

            community = secrets["snmp"]["communities"][0]["community"]
            swept, agent_pid = bench_sweep(state_dir, manifest.of_kind("snmp-sim"),
                                           SnmpV2c(Secret(community)), agent_pid,
                                           args.concurrency, args.processes)
            results += swept
        if ssh_part and sim_pid is not None:
            user = secrets["ssh"]["users"][0]
            ssh_creds = SSHCredentials(user["username"], password=user["password"], ref=user["name"])
            results += bench_ssh(manifest.of_kind("ssh-sim"), ssh_creds, sim_pid, args.repeat,
                                 args.ssh_sessions, args.ssh_concurrency)
        print(f"agent VmRSS at the end {rss_mb(agent_pid):.0f} MB"
              + (f", simulator {rss_mb(sim_pid):.0f} MB" if sim_pid else ""))
    finally:
        loop.close()
        lab.down(state_dir, config)
        shutil.rmtree(state_dir, ignore_errors=True)
    print(f"\n{'ratio':<66}{'measured':>9}  goal")
    for name, value, goal, detail in results:
        print(f"{name:<66}{value:>8.2f}x  {goal:<8} {detail}")


def bench_snmp(loop: asyncio.AbstractEventLoop, snmp_devices: Sequence[lab.LabDevice], community: str,
               secrets: dict[str, Any], agent_pid: int, args: argparse.Namespace) -> list[Result]:
    """Ratios 1 and 2, with one collector for the single-device measurements."""
    snmp_cred = SnmpV2c(Secret(community))
    results: list[Result] = []
    collector = loop.run_until_complete(_make_collector())
    try:
        unavailable = ensure_net_snmp()
        if unavailable:
            print(f"[1] SKIPPED: net-snmp's snmpbulkwalk cannot be installed: {unavailable}")
        else:
            biggest = max(snmp_devices, key=lambda d: Path(d.recording).stat().st_size)
            from bench.snmp_client import bench_snmp_single  # v2c and v3 vs net-snmp

            results += bench_snmp_single(biggest, secrets, args.repeat)
        results += bench_snmp_fleet(loop, collector, snmp_devices, snmp_cred, agent_pid,
                                    args.concurrency, not args.no_pipeline, args.processes)
    finally:
        loop.run_until_complete(_close(collector))
    return results


def ensure_net_snmp() -> str | None:
    """Ratio 1's baseline, net-snmp's snmpbulkwalk and snmpget: Debian's `snmp`, installed
    with apt-get when missing as the lab installs its hosts' packages. None when they are
    there, else why not."""
    if shutil.which("snmpbulkwalk") and shutil.which("snmpget"):
        return None
    try:
        ensure_packages(NET_SNMP_PACKAGES)
    except LabStartError as err:
        return str(err)
    if shutil.which("snmpbulkwalk") and shutil.which("snmpget"):
        return None
    return "Debian's snmp is installed but snmpbulkwalk or snmpget is not on PATH"


async def _make_collector(options: CollectOptions | None = None) -> SnmpCollector:
    return SnmpCollector(options)  # made and closed on the loop that runs it, as discovery/run.py does


async def _close(collector: SnmpCollector) -> None:
    collector.close()


if __name__ == "__main__":
    main()
