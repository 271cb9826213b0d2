"""`cmdb lab up --data DIR` whose cli/ holds a platform the lab has no simulator for: that
folder is skipped with one warning line naming it and the platforms the lab simulates;
the rest of the data (an SNMP recording here) is served."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

import lab
from lab.config import isolated_config
from lab.sources import data_dir_of, lab_data_dir
from lab.ssh_platforms import PLATFORMS

CMDB = Path(sys.executable).parent / "cmdb"
CONFIG = isolated_config("cmdbplt", "127.72.0.0/16", "127.73.0.0/16")


def cmdb(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CMDB), *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "COLUMNS": "300"}, check=False)  # fmt: skip


@pytest.fixture
def state_dir(tmp_path: Path) -> Iterator[Path]:
    state = tmp_path / "state"
    try:
        yield state
    finally:  # on this lab's own prefix: nothing of another lab is touched
        lab.down(state, CONFIG)


def test_unsimulated_platform_folder_is_skipped_with_a_warning(
    tmp_path: Path, state_dir: Path
) -> None:
    data = data_dir_of(tmp_path / "data", [lab_data_dir() / "snmp" / "routeros.snmprec"])
    routeros = data / "cli" / "mikrotik_routeros"
    (routeros / "system_resource_print").mkdir(parents=True)
    (routeros / "system_resource_print" / "01.raw").write_text("version: 7.12 (stable)\n")
    config = tmp_path / "lab.yaml"
    config.write_text(yaml.safe_dump(CONFIG.model_dump()))
    result = cmdb("lab", "up", "--data", str(data), "--state-dir", str(state_dir),
                  "--config", str(config), "--no-linux")  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    warning = result.stderr.strip().splitlines()
    assert len(warning) == 1 and warning[0].startswith("warning: "), result.stderr
    assert f"{routeros}: skipped" in warning[0] and "mikrotik_routeros" in warning[0]
    assert ", ".join(PLATFORMS) in warning[0]
    assert "1 snmp-sim" in result.stdout
    devices = json.loads((state_dir / "manifest.json").read_text())["devices"]
    assert [(d["kind"], d["platform"]) for d in devices] == [("snmp-sim", "routeros")]


def test_a_bad_lab_config_is_one_error_line(tmp_path: Path, state_dir: Path) -> None:
    config = tmp_path / "lab.yaml"
    config.write_text("prefix: x\n")
    result = cmdb("lab", "up", "--state-dir", str(state_dir), "--config", str(config))
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lab up failed: "), result.stderr
    assert str(config) in lines[0]
