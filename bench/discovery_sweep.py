"""Part [4] of bench/discovery.py (`--part sweep --scale 10000`): how a sweep grows from
1,000 to 10,000 lab devices, and what the lab agent costs per device.

One lab of N devices (`--scale`), one collector set-up (`--processes` collector
processes at `--concurrency`, as part [2]): first every 10th device (N/10, spread over
spines, leaves and servers as the whole fabric is), then all N. Printed: wall per sweep,
devices/s, the agent's CPU per device swept and its VmRSS; the ratio wall(N)/wall(N/10)
with goal <= 10.5 (after an untimed sweep of one device per base recording, which has
the agent encode the shared base rows once). Then the agent is started again with its pysnmp responder
(`fast: false`) and the same N/10 devices are swept once more: agent CPU per device,
pysnmp responder vs fast responder (info).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import lab
from bench.discovery_measure import Result, cpu_seconds, rss_mb, sweep_processes, timed
from discovery.snmp.credentials import SnmpV2c
from lab.control import restart_snmp_agent

SAMPLE_EVERY = 10


def _measured(label: str, devices: Sequence[lab.LabDevice], credential: SnmpV2c,
              agent_pid: int, concurrency: int, processes: int) -> tuple[float, float]:
    """(wall seconds, agent CPU seconds) of one sweep, printed."""
    a0 = cpu_seconds(agent_pid)
    wall, outcomes = timed(lambda: sweep_processes(devices, credential, concurrency, processes))
    agent_cpu = cpu_seconds(agent_pid) - a0
    n = len(devices)
    print(f"[4] {label}: {n} devices, {processes} collector processes at {concurrency}: "
          f"{dict(outcomes)}; wall {wall.wall:.1f} s, {n / wall.wall:.1f} devices/s; agent CPU "
          f"{agent_cpu:.1f} s ({agent_cpu / n * 1e3:.1f} ms per device); agent VmRSS "
          f"{rss_mb(agent_pid):.0f} MB")
    return wall.wall, agent_cpu


def bench_sweep(state_dir: Path, devices: Sequence[lab.LabDevice], credential: SnmpV2c,
                agent_pid: int, concurrency: int,
                processes: int) -> tuple[list[Result], int]:
    """The ratios, and the PID of the agent running now (its pysnmp responder's)."""
    sample = list(devices[::SAMPLE_EVERY])
    n, k = len(devices), len(sample)
    print(f"[4] lab of {n} devices; agent VmRSS {rss_mb(agent_pid):.0f} MB before any sweep")
    # one device per base recording first, untimed: the agent encodes a base's rows once,
    # for all its clones, and neither timed sweep should carry that
    one_per_base = list({d.recording: d for d in devices}.values())
    sweep_processes(one_per_base, credential, concurrency, processes)
    small_wall, small_cpu = _measured(f"every {SAMPLE_EVERY}th device, fast responder", sample,
                                      credential, agent_pid, concurrency, processes)
    full_wall, full_cpu = _measured("every device, fast responder", devices, credential,
                                    agent_pid, concurrency, processes)
    started = time.monotonic()
    slow_pid = restart_snmp_agent(state_dir, fast=False)
    print(f"[4] agent started again with its pysnmp responder in "
          f"{time.monotonic() - started:.1f} s; VmRSS {rss_mb(slow_pid):.0f} MB")
    slow_wall, slow_cpu = _measured(f"every {SAMPLE_EVERY}th device, pysnmp responder", sample,
                                    credential, slow_pid, concurrency, processes)
    return [
        (f"SNMP sweep, wall: {n} devices / {k} devices (same lab, same collectors)",
         full_wall / small_wall, f"<= {n / k * 1.05:.1f}",
         f"{full_wall:.1f} vs {small_wall:.1f} s"),
        (f"  agent CPU per device swept: {n} / {k} devices", (full_cpu / n) / (small_cpu / k),
         "(info)", f"{full_cpu / n * 1e3:.1f} vs {small_cpu / k * 1e3:.1f} ms"),
        (f"  agent CPU per device, {k} devices: pysnmp responder / fast", (slow_cpu / k)
         / (small_cpu / k), "(info)", f"{slow_cpu / k * 1e3:.1f} vs {small_cpu / k * 1e3:.1f} ms"),
        (f"  sweep wall, {k} devices: pysnmp responder / fast", slow_wall / small_wall,
         "(info)", f"{slow_wall:.1f} vs {small_wall:.1f} s"),
    ], slow_pid
