"""Where recordings come from, and preparing them (in parallel, cached) for the agent."""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from lab.errors import LabError
from lab.facts import collect_facts
from lab.snmprec import open_prepared, prepare

LAB_DATA_ENV = "CMDB_LAB_DATA"
# The project's own recordings (snmp/, cli/, expected results, their sources and licences).
RECORDINGS = Path(__file__).resolve().parent / "recordings"


class LabDataMissing(LabError):
    """No lab-data folder where the lab looks for one."""


def lab_data_dir() -> Path:
    """The lab-data folder (snmp/, cli/, expected results): $CMDB_LAB_DATA when set, else
    the project's own recordings (lab/recordings).

    Raises LabDataMissing naming the folder looked at; $CMDB_LAB_DATA naming a missing folder
    is an error, not a fall-through.
    """
    env = os.environ.get(LAB_DATA_ENV)
    if env:
        path = Path(env)
        if not (path / "snmp").is_dir() and not (path / "cli").is_dir():
            raise LabDataMissing(f"${LAB_DATA_ENV}={env}: no snmp/ or cli/ folder there")
        return path
    if (RECORDINGS / "snmp").is_dir():
        return RECORDINGS
    raise LabDataMissing(
        f"no recordings in {RECORDINGS} (an incomplete install?); "
        f"set ${LAB_DATA_ENV} to a folder holding snmp/ and cli/"
    )


@dataclass(frozen=True)
class Source:
    name: str  # device name derived from the path, unique in the lab
    path: Path


def data_dir_of(dest: Path, recordings: Iterable[Path]) -> Path:
    """A data folder (the layout `lab up --data DIR` takes) holding just these SNMP
    recordings (.snmprec or .snmprec.bz2, copied as they are): a lab of their own, for
    a test or a benchmark. Returns `dest`."""
    snmp = dest / "snmp"
    snmp.mkdir(parents=True, exist_ok=True)
    for path in recordings:
        shutil.copy(path, snmp / path.name)
    return dest


def default_data_dirs() -> tuple[Path, ...]:
    """The lab-data folder (see lab_data_dir) plus the snmpsim-data package."""
    dirs: list[Path] = [lab_data_dir()]
    package = Path(str(resources.files("snmpsim_data"))) / "data"
    if package.is_dir():
        dirs.append(package)
    return tuple(dirs)


def snmp_sources(data_dirs: tuple[Path, ...]) -> list[Source]:
    """Every `.snmprec[.bz2]` below each dir (its `snmp/` folder when it has one)."""
    out: list[Source] = []
    seen: set[str] = set()
    for directory in data_dirs:
        root = directory / "snmp" if (directory / "snmp").is_dir() else directory
        files = sorted([*root.rglob("*.snmprec"), *root.rglob("*.snmprec.bz2")])
        for path in files:
            if "expected" in path.relative_to(root).parts:
                continue
            rel = path.relative_to(root).as_posix().removesuffix(".bz2")
            name = rel.removesuffix(".snmprec").replace("/", "-")
            while name in seen:
                name += "-b"
            seen.add(name)
            out.append(Source(name, path))
    return out


def cli_dir(data_dirs: tuple[Path, ...]) -> Path | None:
    for directory in data_dirs:
        if (directory / "cli").is_dir():
            return directory / "cli"
    return None


def _prepare_one(job: tuple[Path, Path]) -> tuple[str, dict[str, object]]:
    source, cache_dir = job
    prepared = prepare(source, cache_dir)
    facts_file = prepared.with_suffix(".facts.json")
    if not facts_file.exists():
        facts = collect_facts(open_prepared(prepared)).as_dict()
        tmp = facts_file.with_suffix(f".{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")
        tmp.write_text(json.dumps(facts), encoding="utf-8")
        tmp.replace(facts_file)
    return str(prepared), json.loads(facts_file.read_text(encoding="utf-8"))


def prepare_all(
    sources: list[Source], cache_dir: Path
) -> list[tuple[Source, Path, dict[str, object]]]:
    """Prepare every source (cached by path, size and mtime); facts come along."""
    jobs = [(s.path, cache_dir) for s in sources]
    cache_dir.mkdir(parents=True, exist_ok=True)
    workers = max(1, min(len(jobs), os.cpu_count() or 1))
    if workers == 1:
        results = [_prepare_one(job) for job in jobs]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(_prepare_one, jobs))
    return [(s, Path(p), facts) for s, (p, facts) in zip(sources, results, strict=True)]


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cmdb-lab"
