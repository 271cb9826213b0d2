"""A fresh clone runs alone: the recordings are committed files of the project, found with no
environment variable and no folder beside the clone, and nothing tracked points outside it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from lab.sources import LAB_DATA_ENV

ROOT = Path(__file__).resolve().parents[3]
LOOKUP = "from lab.sources import lab_data_dir; print(lab_data_dir())"
# A folder beside the checkout or the machine's shared folder (written so that this file
# does not match it).
OUTSIDE_THE_CLONE = r"\.\./shared|[/]shared[/]|shared[/]lab-data"


def _git(*args: str, cwd: Path = ROOT) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    assert done.returncode in (0, 1), f"git {' '.join(args)}: {done.stderr.strip()}"
    return done.stdout


def _lookup(cwd: Path, pythonpath: Path | None = None) -> Path:
    """lab_data_dir() as a new process sees it: run from `cwd`, $CMDB_LAB_DATA unset."""
    env = {k: v for k, v in os.environ.items() if k not in (LAB_DATA_ENV, "PYTHONPATH")}
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    done = subprocess.run(
        [sys.executable, "-c", LOOKUP], cwd=cwd, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return Path(done.stdout.strip())


def _recording_files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_the_installed_package_finds_the_projects_recordings(tmp_path: Path) -> None:
    found = _lookup(tmp_path)
    assert found == ROOT / "lab" / "recordings"
    assert (found / "snmp" / "expected").is_dir() and (found / "cli").is_dir()
    assert (found / "snmp" / "SOURCES.tsv").is_file() and (found / "cli" / "SOURCES.tsv").is_file()
    assert {p.name for p in (found / "licenses").iterdir()} == {
        "LICENSE.librenms.txt",
        "LICENSE.ntc-templates.txt",
    }


def test_a_fresh_clone_holds_every_recording(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    _git("clone", "-q", str(ROOT), str(clone))
    found = _lookup(tmp_path, pythonpath=clone)
    assert found == clone / "lab" / "recordings"
    missing = _recording_files(ROOT / "lab" / "recordings") - _recording_files(found)
    assert not missing, f"recordings not committed: {sorted(missing)[:5]}"


def test_no_tracked_file_points_outside_the_clone() -> None:
    hits = _git("grep", "-n", "-E", OUTSIDE_THE_CLONE)
    assert hits == "", hits
