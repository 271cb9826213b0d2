"""Audit benchmark: ratios measured side by side in one run, on one local DBMS (issue 13).

1. Builds an estate of `--scale` x 100,000 device CIs observed by discovery through the
   real ingest, and a register of as many rows with planted differences (CSV with the
   register's headings), imported by the real importer (bench/audit_estate.py); the
   read and the import are timed for information.
2. Reconciliation: ours = `find(run_plan(driver, read_frames(...)), register)`, every
   kind's findings computed (audits/reconcile/run.py without the write); baseline = the
   same extraction (`read_frames`, the register's frame) and ONE bare
   `pandas.merge(register, observed, how="outer", on serial, indicator=True)`.
   Interleaved repeats, medians; goal <= 1.5x. The full `reconcile(...)` with its write
   is timed separately (the first run opens the findings, the next detect them again).
   What ours found is checked against what was planted before anything is timed.
3. Reports (audits/reports, when it is there): the inspection report of the estate
   written by `write_report` to HTML and to XLSX vs pandas alone writing the same frames
   (`to_html` of each into one file; one openpyxl `ExcelWriter`, a sheet per frame).
   Goal <= 2x each.

Usage (from the project root: run as a module, `bench` is a package):
  .venv/bin/python -m bench.audit [--scale 1.0] [--repeats 5] [--parts reconcile,reports]
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import neo4j
import pandas as pd

from audits.reconcile.frames import read_frames, register_frame
from audits.reconcile.run import DEVICE_LABELS, find, reconcile
from audits.register.importer import RegisterFile, import_register, read_register
from bench.api_load import interleaved
from bench.audit_estate import Planted, device_sets, write_register
from bench.ingest import T0, counts, reference_set
from cmdb import dbms, migrations
from cmdb.config import Config
from cmdb.connection import connect
from cmdb.ingest import Ingestor
from cmdb.queryplan import run_plan
from cmdb.schema import Schema, load_schema

DEVICES = 100_000
T = TypeVar("T")


@dataclass(frozen=True)
class Row:
    measure: str
    ours: float  # seconds
    baseline: float  # seconds
    goal: float | None  # the ratio's ceiling (None: for information)

    @property
    def ratio(self) -> float:
        return self.ours / self.baseline


def _timed(call: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = call()
    return result, time.perf_counter() - start


def build(driver: neo4j.Driver, config: Config, schema: Schema, devices: int,
          workers: int) -> float:  # fmt: skip
    ing = Ingestor(driver, schema, config)
    # observed an hour ago: a source silent for staleness_days (schema/precedence.yaml)
    # would let the register overwrite what discovery owns
    sets = device_sets(devices, datetime.now(UTC) - timedelta(hours=1))
    gc.freeze()  # the prepared inputs are the bench's to keep alive
    start = time.perf_counter()
    ing.ingest(reference_set(T0))
    ing.ingest_many(sets, workers=workers)
    return time.perf_counter() - start


def import_estate_register(
    driver: neo4j.Driver, config: Config, schema: Schema, paths: list[Path]
) -> RegisterFile:
    """The register (paths[0]) read; its parts (paths[1:], else the register itself)
    imported one after another by the real importer, one change set each."""
    register, read_s = _timed(partial(read_register, paths[0]))
    ing = Ingestor(driver, schema, config)
    start, created, refused = time.perf_counter(), 0, []
    for path in paths[1:] or paths:
        report = import_register(ing, read_register(path), actor="bench")
        created += report.created
        refused += report.problems
    print(f"register: {len(register.parsed.rows):,} rows read in {read_s:.1f} s; imported in "
          f"{time.perf_counter() - start:.1f} s as {len(paths[1:] or paths)} file(s) "
          f"({created:,} CIs created, {len(refused)} rows refused)", flush=True)  # fmt: skip
    if refused:
        raise RuntimeError(f"the register import refused rows: {refused[:3]}")
    return register


def check(found: dict[str, pd.DataFrame], planted: Planted) -> None:
    """What reconciliation found is what was planted, and nothing else."""
    want = {"missing": planted.missing, "unregistered": planted.unregistered,
            "drift": planted.drift}  # fmt: skip
    got = {kind: len(frame) for kind, frame in found.items()}
    print("found: " + ", ".join(f"{k} {v:,}" for k, v in got.items()), flush=True)
    wrong = {k: (got.get(k, 0), want.get(k, 0)) for k in got | want
             if got.get(k, 0) != want.get(k, 0)}  # fmt: skip
    if wrong:
        raise RuntimeError(f"reconciliation found other than planted (got, want): {wrong}")


def bare_merge(driver: neo4j.Driver, register: RegisterFile) -> pd.DataFrame:
    """The baseline: the same extraction, one outer merge on the serial number."""
    frames = run_plan(driver, read_frames(DEVICE_LABELS))
    rows = register_frame(register)
    return pd.merge(rows, frames.devices, how="outer", left_on="serial",
                    right_on="serial_number", indicator=True)  # fmt: skip


def bench_reconcile(
    driver: neo4j.Driver, config: Config, register: RegisterFile, planted: Planted, repeats: int
) -> list[Row]:
    found = find(run_plan(driver, read_frames(DEVICE_LABELS)), register)
    check(found, planted)
    merged = bare_merge(driver, register)
    print(f"bare merge: {len(merged):,} rows ({merged['_merge'].value_counts().to_dict()})")
    times = interleaved(
        {"ours": lambda: find(run_plan(driver, read_frames(DEVICE_LABELS)), register),
         "baseline": lambda: bare_merge(driver, register)},
        repeats, warm=1,
    )  # fmt: skip
    ours, base = statistics.median(times["ours"]), statistics.median(times["baseline"])
    print("  ours:     " + ", ".join(f"{t:.2f}" for t in times["ours"]) + " s")
    print("  baseline: " + ", ".join(f"{t:.2f}" for t in times["baseline"]) + " s")
    full = []
    for n in range(3):
        now = datetime.now(UTC) + timedelta(seconds=n)
        result, took = _timed(partial(reconcile, driver, config.batch_size, register,
                                      actor="bench", now=now))  # fmt: skip
        totals = {k: result.run.total(k) for k in ("violations", "opened", "still_open")}
        print(f"  reconcile with its write, run {n + 1}: {took:.2f} s {totals}", flush=True)
        full.append(took)
    return [
        Row("reconciliation (find, all kinds) / read + bare outer merge", ours, base, 1.5),
        Row("  the first reconcile() with its write (opens the findings)", full[0], base, None),
        Row("  reconcile() with its write, again (detected again)",
            statistics.median(full[1:]), base, None),
    ]  # fmt: skip


def _frames(report: Any) -> dict[str, pd.DataFrame]:
    """The report's frames as they go into a file (audits/reports/frames.py `localized`:
    times without their zone, which Excel refuses; headings in the report's language),
    by section title: what pandas alone writes. Prepared before the clock starts."""
    frames = importlib.import_module("audits.reports.frames")
    return {frames.section_title(s, report.lang): frames.localized(s, report.lang)
            for s in report.sections}  # fmt: skip


def pandas_html(frames: dict[str, pd.DataFrame], out: Path) -> None:
    with out.open("w", encoding="utf-8") as handle:
        handle.write("<html><body>\n")
        for name, frame in frames.items():
            handle.write(f"<h2>{name}</h2>\n")
            handle.write(frame.to_html(index=False))
        handle.write("</body></html>\n")


def pandas_xlsx(frames: dict[str, pd.DataFrame], out: Path) -> None:
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for i, (name, frame) in enumerate(frames.items()):
            frame.to_excel(writer, sheet_name=f"{i}-{name}"[:31], index=False)


def bench_reports(driver: neo4j.Driver, config: Config, schema: Schema, tmp: Path,
                  repeats: int) -> list[Row]:  # fmt: skip
    try:
        reports = importlib.import_module("audits.reports")
        period = importlib.import_module("audits.reports.period")
    except ImportError as exc:
        print(f"NOT MEASURED: reports ({exc})")
        return []
    now = datetime.now(UTC)
    rows = []
    for fmt, write_pandas in (("html", pandas_html), ("xlsx", pandas_xlsx)):
        request = reports.ReportRequest(kind="inspection",
                                        period=period.parse_period("this-month", now),
                                        format=fmt, lang="en")  # fmt: skip
        report, took = _timed(partial(reports.build_report, driver, schema, config, request,
                                      now))  # fmt: skip
        frames = _frames(report)
        shapes = ", ".join(f"{k} {len(v):,}x{v.shape[1]}" for k, v in frames.items())
        print(f"inspection report built in {took:.1f} s: {shapes}", flush=True)
        written = reports.write_report(report, fmt, tmp / f"ours.{fmt}")
        base_out = tmp / f"pandas.{fmt}"
        write_pandas(frames, base_out)
        print(f"  {fmt}: ours {written.path.stat().st_size:,} bytes, {written.rows:,} rows; "
              f"pandas {base_out.stat().st_size:,} bytes", flush=True)  # fmt: skip
        times = interleaved(
            {"ours": partial(reports.write_report, report, fmt, tmp / f"ours.{fmt}"),
             "baseline": partial(write_pandas, frames, base_out)},
            repeats, warm=0,
        )  # fmt: skip
        ours, base = statistics.median(times["ours"]), statistics.median(times["baseline"])
        print(f"  {fmt} write_report: " + ", ".join(f"{t:.2f}" for t in times["ours"]) + " s")
        print(f"  {fmt} pandas alone: " + ", ".join(f"{t:.2f}" for t in times["baseline"]) + " s")
        rows.append(Row(f"inspection report {fmt.upper()}: write_report / pandas alone",
                        ours, base, 2.0))  # fmt: skip
    return rows


def table(rows: list[Row], load: str) -> None:
    print(f"\nload average at the end: {load}")
    print(f"{'measure':<64}{'ours':>9}{'baseline':>10}{'ratio':>8}  goal    met")
    for r in rows:
        goal = f"<= {r.goal}" if r.goal is not None else "(info)"
        met = ("yes" if r.ratio <= r.goal else "NO") if r.goal is not None else ""
        print(f"{r.measure:<64}{r.ours:>8.2f}s{r.baseline:>9.2f}s{r.ratio:>7.2f}x  "
              f"{goal:<7} {met}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: 100,000 devices")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per side")
    parser.add_argument("--report-repeats", type=int, default=3, help="timed writes per side")
    parser.add_argument("--workers", type=int, default=2, help="change sets ingested at once")
    parser.add_argument("--parts", default="reconcile,reports")
    parser.add_argument(
        "--import-rows",
        type=int,
        default=0,
        help="register rows per imported file (0: the one file, which the importer writes "
        "as one change set per 10,000 rows)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # tear down as on Ctrl-C
    devices = max(100, round(DEVICES * args.scale))
    planted = Planted(devices)
    schema = load_schema()
    tmp = Path(tempfile.mkdtemp(prefix="cmdb-bench-audit-"))
    config = Config(data_dir=tmp, port=dbms.free_port(), heap_mb=3072, pagecache_mb=1536)
    print(f"load average at the start: {os.getloadavg()}")
    dbms.up(config)
    rows: list[Row] = []
    try:
        with connect(config) as driver:
            migrations.apply(driver, schema)
            took = build(driver, config, schema, devices, args.workers)
            n_ci, n_rel = counts(driver)
            print(f"estate: {devices:,} devices observed; {n_ci:,} CIs, {n_rel:,} relationships "
                  f"in {took:.1f} s", flush=True)  # fmt: skip
            paths = write_register(tmp / "register.csv", devices, args.import_rows)
            register = import_estate_register(driver, config, schema, paths)
            if "reconcile" in parts:
                rows += bench_reconcile(driver, config, register, planted, args.repeats)
                table(rows, str(os.getloadavg()))
            if "reports" in parts:
                rows += bench_reports(driver, config, schema, tmp, args.report_repeats)
    finally:
        dbms.down(config)
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    table(rows, str(os.getloadavg()))


if __name__ == "__main__":
    main()
