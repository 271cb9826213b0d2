"""ensure_packages: apt-get installs exactly the Debian packages whose program is missing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from lab import netns
from lab.errors import LabStartError


class AptDouble:
    """Stands for subprocess.run: records each command, fails the one named."""

    def __init__(self, failing: str | None = None) -> None:
        self.commands: list[list[str]] = []
        self.failing = failing

    def __call__(self, argv: list[str], **_kwargs: Any) -> subprocess.CompletedProcess[str]:
        self.commands.append(argv)
        code = 100 if self.failing in argv else 0
        return subprocess.CompletedProcess(argv, code, "", "E: Unable to locate package")


@pytest.fixture
def apt(monkeypatch: pytest.MonkeyPatch) -> AptDouble:
    double = AptDouble()
    monkeypatch.setattr(subprocess, "run", double)
    monkeypatch.setattr(shutil, "which", lambda name: f"/usr/bin/{name}")
    return double


def test_only_the_missing_packages_are_installed(tmp_path: Path, apt: AptDouble) -> None:
    (tmp_path / "snmpd").touch()
    netns.ensure_packages({"snmpd": str(tmp_path / "snmpd"), "snmp": str(tmp_path / "snmpwalk")})
    assert apt.commands == [
        ["apt-get", "update", "-q"],
        ["apt-get", "install", "-y", "-q", "snmp"],
    ]


def test_nothing_runs_when_every_program_is_there(tmp_path: Path, apt: AptDouble) -> None:
    (tmp_path / "sshd").touch()
    netns.ensure_packages({"openssh-server": str(tmp_path / "sshd")})
    assert apt.commands == []


def test_a_failed_install_names_the_command(tmp_path: Path, apt: AptDouble) -> None:
    apt.failing = "install"
    with pytest.raises(LabStartError, match="apt-get install -y -q snmp` failed: E: Unable"):
        netns.ensure_packages({"snmp": str(tmp_path / "snmpwalk")})


def test_no_apt_get_names_the_programs_and_packages(
    tmp_path: Path, apt: AptDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(LabStartError, match=r"snmpwalk missing and no apt-get to install snmp"):
        netns.ensure_packages({"snmp": str(tmp_path / "snmpwalk")})
    assert apt.commands == []

