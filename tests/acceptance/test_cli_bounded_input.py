"""Hostile input files, given to the CLI in a subprocess under a memory limit: each gets
one clear error naming the file, exit code 1, no traceback, and stays within the limit.

A 600-byte "billion laughs" once grew `cmdb load` past 5.7 GB. The CLI starts in about
450 MB of address space (measured in December); the limit is about three times that.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import neo4j
import pytest

from cmdb.config import Config

MEMORY_LIMIT = 1536 * 2**20  # address space, so it counts what the process maps too
CMDB = str(Path(sys.executable).parent / "cmdb")


def _billion_laughs() -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    return "\n".join(lines) + "\n"


# name -> (text, what the one error line says)
HOSTILE: dict[str, tuple[Callable[[], str], str]] = {
    "bomb.yaml": (_billion_laughs, "bomb.yaml:2: aliases (*a0) are not allowed"),
    "deep.yaml": (lambda: "[" * 100_000 + "]" * 100_000 + "\n", "deep.yaml:1: "),
    "deep.json": (lambda: "[" * 100_000 + "]" * 100_000 + "\n", "deep.json:1: "),
    "huge.yaml": (lambda: "reason: " + "x" * (10 * 2**20) + "\n",
                  "huge.yaml: 10,485,769 bytes, over the input limit of 10,485,760 bytes"),
}  # fmt: skip


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_limited(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "COLUMNS": "300", **(env or {})}
    return subprocess.run([CMDB, *args], capture_output=True, text=True, env=full_env,
                          preexec_fn=_limited, timeout=300, check=False)  # fmt: skip


def assert_one_clear_error(result: subprocess.CompletedProcess[str], says: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output and "MemoryError" not in output, output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1 and says in lines[0], output


def _write(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_text(HOSTILE[name][0](), encoding="utf-8")
    return path


@pytest.fixture
def dbms_env(dbms_config: Config, graph: neo4j.Driver) -> dict[str, str]:
    """`cmdb load` on the test DBMS, for files that pass the reading."""
    return {"CMDB_DATA_DIR": str(dbms_config.data_dir), "CMDB_NEO4J_PORT": str(dbms_config.port)}


def test_the_cli_starts_within_the_limit() -> None:
    result = run_limited("--help")
    assert result.returncode == 0 and "load" in result.stdout, result.stderr


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_load_refuses_hostile_files_before_it_connects(name: str, tmp_path: Path) -> None:
    path = _write(tmp_path, name)
    no_dbms = {"CMDB_DATA_DIR": str(tmp_path / "none"), "CMDB_NEO4J_PORT": "1", "NEO4J_URI": ""}
    assert_one_clear_error(run_limited("load", str(path), env=no_dbms), HOSTILE[name][1])


@pytest.mark.neo4j
def test_load_reads_big_maps_and_strings_as_data(tmp_path: Path, dbms_env: dict[str, str]) -> None:
    keys = tmp_path / "keys.yaml"  # 100,000 keys, 1.4 MB: data, refused by validation
    keys.write_text("".join(f"k{i}: {i}\n" for i in range(100_000)), encoding="utf-8")
    long = tmp_path / "long.yaml"  # a 9 MiB string, under the size limit
    long.write_text("actor: me\nreason: " + "x" * (9 * 2**20) + "\n", encoding="utf-8")
    for path in (keys, long):
        result = run_limited("load", "--dry-run", str(path), env=dbms_env)
        assert_one_clear_error(result, f"{path}:")
        assert "source" in result.stderr and "input limit" not in result.stderr


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_discover_refuses_hostile_job_files(name: str, tmp_path: Path) -> None:
    path = _write(tmp_path, name)
    assert_one_clear_error(run_limited("discover", str(path)), HOSTILE[name][1])


def test_a_hostile_cmdb_yaml_is_one_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "bomb.yaml")
    result = run_limited("db", "status", env={"CMDB_CONFIG": str(path)})
    assert_one_clear_error(result, HOSTILE["bomb.yaml"][1])


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_lab_up_refuses_hostile_config_files(name: str, tmp_path: Path) -> None:
    path = _write(tmp_path, name)
    result = run_limited("lab", "up", "--config", str(path), "--state-dir", str(tmp_path / "s"))
    says = {"bomb.yaml": HOSTILE[name][1], "huge.yaml": "huge.yaml: over the limit"}
    assert_one_clear_error(result, says.get(name, f"{name}:1: "))
    assert not (tmp_path / "s").exists()
