"""SNMP client benchmark: our collector vs net-snmp on one lab device, v2c and v3.

Part [1] of the discovery benchmark (bench/discovery.py calls ``bench_snmp_single``), also
runnable alone. Per protocol, in interleaved rounds against the same lab agent:

- ours: a fresh ``SnmpCollector`` (our codec, transport.py) walking every subtree of
  ``CollectOptions`` (``parallel_walks`` at once) + one GET of its scalars; for v3 the
  engine discovery is inside the round (the localized keys stay cached, as in a run);
- net-snmp: ``snmpbulkwalk`` of exactly the subtrees the collector walked (not those
  ``oids.WALK_WHEN`` ruled out for this device; one process each, one after another:
  net-snmp walks one OID a run) + ``snmpget`` of the scalars, same max-repetitions;
  for v3 ``-l authPriv`` with the lab's user (never printed);
- for information, the old pysnmp path (``CollectOptions(client="pysnmp")``), and the
  subtree with the most rows walked alone by both (one net-snmp process start-up, so
  what each costs per varbind shows).

Ratios: wall (goal <= 1.0) and client CPU (goal <= 2.0): ours is this process's CPU
time, net-snmp's the CPU of its finished child processes.

Usage: .venv/bin/python -m bench.snmp_client [--repeat 5] [--prefix cmdbsnc
       --snmp-block 127.83.0.0/16]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import shutil
import signal
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import lab
from discovery.snmp import ber
from discovery.snmp.collect import CollectOptions, CollectResult, SnmpCollector, Target
from discovery.snmp.credentials import Credential, Secret, SnmpV2c, SnmpV3
from lab.config import LabOptions, isolated_config

Result = tuple[str, float, str, str]  # label, ratio, goal, detail


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(fn: Callable[[], Any], cpu: Callable[[], float] = time.process_time) -> Timing:
    c0, t0 = cpu(), time.perf_counter()
    fn()
    return Timing(time.perf_counter() - t0, cpu() - c0)


def _median(samples: Sequence[Timing]) -> Timing:
    return Timing(statistics.median(s.wall for s in samples),
                  statistics.median(s.cpu for s in samples))


def netsnmp_args(credential: Credential) -> list[str]:
    """net-snmp's security arguments for a credential (they hold its secrets: never print)."""
    if isinstance(credential, SnmpV2c):
        return ["-v2c", "-c", credential.community.reveal()]
    args = ["-v3", "-u", credential.user.reveal(), "-a", credential.auth_protocol,
            "-A", credential.auth_key.reveal()]
    if credential.priv_key is None:
        return [*args, "-l", "authNoPriv"]
    return [*args, "-l", "authPriv", "-x", credential.priv_protocol,
            "-X", credential.priv_key.reveal()]


def netsnmp_walk(address: str, credential: Credential, options: CollectOptions) -> int:
    """`snmpbulkwalk` of every subtree the collector walks, `snmpget` of its scalars;
    returns the varbinds printed."""
    common = [*netsnmp_args(credential), "-t", str(options.timeout), "-r", str(options.retries),
              "-On", "-Oq", "-m", "", "-Ln"]
    lines = 0
    for root in options.subtrees.values():
        out = subprocess.run(["snmpbulkwalk", *common, f"-Cr{options.max_repetitions}",
                              address, root], capture_output=True, text=True, check=False).stdout
        lines += sum(1 for line in out.splitlines()
                     if line.startswith(".") and "No Such" not in line)
    out = subprocess.run(["snmpget", *common, address, *options.scalars.values()],
                         capture_output=True, text=True, check=False).stdout
    lines += sum(1 for line in out.splitlines() if line.startswith(".") and "No Such" not in line)
    return lines


def _collect(options: CollectOptions, target: Target, credential: Credential) -> CollectResult:
    async def run() -> CollectResult:
        async with SnmpCollector(options) as collector:
            return await collector.collect(target, credential)

    return asyncio.run(run())


def bench_one_protocol(device: lab.LabDevice, credential: Credential, label: str,
                       repeat: int, options: CollectOptions | None = None) -> list[Result]:
    """Ours, net-snmp and (info) pysnmp, interleaved, on one device with one credential."""
    options = options or CollectOptions()
    pysnmp = replace(options, client="pysnmp")
    target = Target(device.address, device.ports["snmp"])
    address = f"{device.address}:{device.ports['snmp']}"
    first = _collect(options, target, credential)  # warm all three (agent, page cache)
    # net-snmp walks the subtrees the collector walked: not those oids.WALK_WHEN ruled out
    needed = {c.name for c in first.coverage if c.requests}
    walked = replace(options, subtrees={name: oid for name, oid in options.subtrees.items()
                                        if name in needed}, walk_when={})
    theirs_rows = netsnmp_walk(address, credential, walked)
    old = _collect(pysnmp, target, credential)
    ours: list[Timing] = []
    theirs: list[Timing] = []
    olds: list[Timing] = []
    pure: list[Timing] = []
    compiled = ber.FAST_VARBINDS
    for _ in range(repeat):
        ours.append(_timed(lambda: _collect(options, target, credential)))
        theirs.append(_timed(lambda: netsnmp_walk(address, credential, walked), _children_cpu))
        olds.append(_timed(lambda: _collect(pysnmp, target, credential)))
        if compiled is not None:  # ours without the compiled varbind reader
            ber.FAST_VARBINDS = None
            try:
                pure.append(_timed(lambda: _collect(options, target, credential)))
            finally:
                ber.FAST_VARBINDS = compiled
    o, n, p = _median(ours), _median(theirs), _median(olds)
    codec = "compiled varbind reader" if compiled is not None else "pure Python (not built)"
    print(f"[1] {label} {device.name} ({Path(device.recording).stem}), our codec {codec}: "
          f"ours {len(first.varbinds)} "
          f"varbinds in {first.requests} requests, {options.parallel_walks} subtrees at a time; "
          f"net-snmp {theirs_rows} varbinds in {len(walked.subtrees)} snmpbulkwalk + 1 snmpget "
          "processes, one at a time")
    if theirs_rows != len(first.varbinds) or old.varbinds != first.varbinds:
        print("    WARNING: the sides did not fetch the same varbinds "
              f"(ours {len(first.varbinds)}, net-snmp {theirs_rows}, pysnmp {len(old.varbinds)})")
    print(f"    median of {repeat}: ours wall {o.wall * 1e3:.0f} ms / CPU {o.cpu * 1e3:.0f} ms; "
          f"net-snmp wall {n.wall * 1e3:.0f} ms / CPU {n.cpu * 1e3:.0f} ms; "
          f"pysnmp path wall {p.wall * 1e3:.0f} ms / CPU {p.cpu * 1e3:.0f} ms")
    return [
        (f"SNMP {label} one device, wall: our collector / snmpbulkwalk", o.wall / n.wall, "<= 1.0",
         f"{o.wall * 1e3:.0f} vs {n.wall * 1e3:.0f} ms"),
        ("  same, client CPU: ours / net-snmp (C)", o.cpu / n.cpu, "<= 2.0",
         f"{o.cpu * 1e3:.0f} vs {n.cpu * 1e3:.0f} ms"),
        ("  same, pysnmp path (info): wall / snmpbulkwalk", p.wall / n.wall, "(info)",
         f"CPU {p.cpu / n.cpu:.2f}x net-snmp"),
        *([("  same, ours in pure Python (info): CPU / net-snmp", _median(pure).cpu / n.cpu,
             "(info)", f"wall {_median(pure).wall / n.wall:.2f}x")] if pure else []),
        *_biggest_table(device, credential, label, repeat, options, first),
    ]


def _biggest_table(device: lab.LabDevice, credential: Credential, label: str, repeat: int,
                   options: CollectOptions, first: CollectResult) -> list[Result]:
    """For information: the one subtree with the most rows, alone, walked by both (one
    process start-up for net-snmp, so its cost per varbind shows)."""
    table = max(first.coverage, key=lambda c: c.rows)
    alone = replace(options, subtrees={table.name: table.oid}, walk_when={}, scalars={})
    target = Target(device.address, device.ports["snmp"])
    address = f"{device.address}:{device.ports['snmp']}"
    ours = [_timed(lambda: _collect(alone, target, credential)) for _ in range(repeat)]
    theirs = [_timed(lambda: netsnmp_walk(address, credential, alone), _children_cpu)
              for _ in range(repeat)]
    o, n = _median(ours), _median(theirs)
    detail = (f"{table.name}, {table.rows} varbinds: wall {o.wall * 1e3:.0f} vs "
              f"{n.wall * 1e3:.0f} ms, CPU {o.cpu * 1e3:.0f} vs {n.cpu * 1e3:.0f} ms")
    print(f"    one subtree alone ({detail})")
    return [(f"  {label} one subtree alone (info): client CPU ours / net-snmp", o.cpu / n.cpu,
             "(info)", f"wall {o.wall / n.wall:.2f}x; {detail}")]


def lab_credentials(secrets: dict[str, Any]) -> tuple[SnmpV2c, SnmpV3 | None]:
    """The lab's first community and first v3 user, from its credentials file."""
    community = SnmpV2c(Secret(secrets["snmp"]["communities"][0]["community"]))
    users = secrets["snmp"].get("v3_users") or []
    if not users:
        return community, None
    user = users[0]
    return community, SnmpV3(Secret(user["user"]), Secret(user["auth_key"]),
                             Secret(user["priv_key"]), user["auth_protocol"],
                             user["priv_protocol"])


def bench_snmp_single(device: lab.LabDevice, secrets: dict[str, Any], repeat: int,
                      options: CollectOptions | None = None) -> list[Result]:
    """Part [1]: one device over v2c and, when the lab has a v3 user, over v3 authPriv.
    ``secrets``: the lab's credentials file as read (Manifest.credentials_file)."""
    v2c, v3 = lab_credentials(secrets)
    results = bench_one_protocol(device, v2c, "v2c", repeat, options)
    if v3 is not None:
        results += bench_one_protocol(device, v3, "v3 authPriv SHA/AES", repeat, options)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=5, help="interleaved rounds")
    parser.add_argument("--prefix", default="cmdbsnc", help="lab prefix (two runs need two)")
    parser.add_argument("--snmp-block", default="127.83.0.0/16", help="loopback block")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # the lab comes down
    if not (shutil.which("snmpbulkwalk") and shutil.which("snmpget")):
        from lab.netns import ensure_packages

        ensure_packages({"snmp": "/usr/bin/snmpbulkwalk"})
    config = isolated_config(args.prefix, args.snmp_block, "127.84.0.0/16")
    state_dir = Path(tempfile.mkdtemp(prefix="cmdb-bench-snmp-"))
    results: list[Result] = []
    try:
        manifest = lab.up(LabOptions(state_dir=state_dir, scale=0, linux=False, ssh=False,
                                     config=config))
        secrets = json.loads(Path(manifest.credentials_file).read_text(encoding="utf-8"))
        devices = manifest.of_kind("snmp-sim")
        biggest = max(devices, key=lambda d: Path(d.recording).stat().st_size)
        results = bench_snmp_single(biggest, secrets, args.repeat)
    finally:
        lab.down(state_dir, config)
        shutil.rmtree(state_dir, ignore_errors=True)
    print(f"\n{'ratio':<62}{'measured':>9}  {'goal':<8} detail")
    for name, value, goal, detail in results:
        print(f"{name:<62}{value:>8.2f}x  {goal:<8} {detail}")


if __name__ == "__main__":
    main()
