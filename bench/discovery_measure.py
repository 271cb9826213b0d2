"""What the discovery benchmarks measure with: process accounting from /proc, timings,
and the SNMP sweep itself (one collector on asyncio, or collector processes), shared by
bench/discovery.py's parts and bench/discovery_sweep.py."""

from __future__ import annotations

import asyncio
import os
import resource
import statistics
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import lab
from cmdb.errors import CMDBError
from discovery.snmp.collect import SnmpCollector, Target
from discovery.snmp.credentials import SnmpV2c
from discovery.snmp.errors import TargetError
from discovery.snmp.normalize import normalize_snmp
from discovery.snmp.parse import parse_device
from discovery.snmp.pool import CollectorProcesses

CLK_TCK = os.sysconf("SC_CLK_TCK")
Result = tuple[str, float, str, str]  # ratio, measured, goal, detail


# -- process accounting -----------------------------------------------------------------
def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (not its children), from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def run_and_wait_seconds(pid: int) -> tuple[float, float]:
    """Seconds a process's threads spent on a CPU and runnable but waiting for one
    (/proc/<pid>/task/*/schedstat): the wait is other load on the machine."""
    on_cpu = waiting = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        run_ns, wait_ns, _slices = (task / "schedstat").read_text(encoding="ascii").split()
        on_cpu, waiting = on_cpu + int(run_ns), waiting + int(wait_ns)
    return on_cpu / 1e9, waiting / 1e9


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Timing:
    wall: float
    cpu: float  # client CPU seconds


def timed(fn: Callable[[], Any], cpu: Callable[[], float] = time.process_time) -> tuple[Timing, Any]:
    c0, t0 = cpu(), time.perf_counter()
    value = fn()
    return Timing(time.perf_counter() - t0, cpu() - c0), value


def median_timing(samples: Sequence[Timing]) -> Timing:
    return Timing(statistics.median(s.wall for s in samples), statistics.median(s.cpu for s in samples))


# -- 1. one SNMP device vs net-snmp: bench/snmp_client.py ------------------------------


# -- 2. N SNMP devices at concurrency C ------------------------------------------------
async def sweep(devices: Sequence[lab.LabDevice], credential: SnmpV2c, concurrency: int,
                pipeline: bool) -> Counter[str]:
    """Collect every device (and parse + normalize when `pipeline`) with a fresh collector,
    as one discovery run does; outcomes counted."""
    async with SnmpCollector() as collector:
        return await _sweep(collector, devices, credential, concurrency, pipeline)


async def _sweep(collector: SnmpCollector, devices: Sequence[lab.LabDevice], credential: SnmpV2c,
                 concurrency: int, pipeline: bool) -> Counter[str]:
    gate = asyncio.Semaphore(concurrency)
    run_id = uuid.uuid4().hex
    outcomes: Counter[str] = Counter()

    async def one(device: lab.LabDevice) -> None:
        async with gate:
            try:
                result = await collector.collect(Target(device.address, device.ports["snmp"]), credential)
            except TargetError as exc:
                outcomes[type(exc).__name__] += 1
                return
        outcomes["timeout tables" if result.tables("timeout") else "ok"] += 1
        if pipeline:  # as discovery/run.py does: a failure is counted, never stops the sweep
            try:
                normalize_snmp(parse_device(result.varbinds), target=device.address,
                               observed_at=datetime.now(UTC), coverage=result.coverage, run_id=run_id)
            except (CMDBError, ValueError, KeyError) as exc:
                outcomes[f"pipeline {type(exc).__name__}"] += 1

    await asyncio.gather(*(one(d) for d in devices))
    return outcomes


def sweep_processes(devices: Sequence[lab.LabDevice], credential: SnmpV2c, concurrency: int,
                    processes: int) -> Counter[str]:
    """Collect every device through `processes` worker processes (CollectorProcesses, as a
    job with `processes: N` does) from `concurrency` threads, as discovery/run.py does;
    starting and ending the workers is inside the measured time."""
    outcomes: Counter[str] = Counter()

    def one(device: lab.LabDevice) -> None:
        try:
            result = pool.collect(Target(device.address, device.ports["snmp"]), credential)
        except TargetError as exc:
            outcomes[type(exc).__name__] += 1
            return
        outcomes["timeout tables" if result.tables("timeout") else "ok"] += 1

    with CollectorProcesses(processes) as pool, ThreadPoolExecutor(concurrency) as threads:
        list(threads.map(one, devices))
    return outcomes
