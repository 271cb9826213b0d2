"""An invalid lab YAML file is one LabConfigError naming file, line, field and reason
(never a pydantic or YAML traceback, never a secret); hostile files stay bounded."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from lab import yamlread
from lab.config import load_config
from lab.errors import LabConfigError, LabError

EMBEDDED = resources.files("lab").joinpath("lab.yaml").read_text(encoding="utf-8")
SECRETS = ("cmdb-lab-public", "cmdb-lab-auth-key", "cmdb-lab-ssh-password", "short-pw")


def _lab_file(tmp_path: Path, old: str, new: str) -> Path:
    assert old in EMBEDDED
    path = tmp_path / "lab.yaml"
    path.write_text(EMBEDDED.replace(old, new, 1), encoding="utf-8")
    return path


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


@pytest.mark.parametrize(("old", "new", "says"), [
    ("prefix: cmdblab", "prefix: ab", "prefix: String should have at least 3 characters"),
    ("  port: 161", "  port: '161'", "snmp.port: Input should be a valid integer"),
    ("  port: 22\n", "  port: 22\n  colour: blue\n", "ssh.colour: Extra inputs are not permitted"),
    ("block: 127.77.0.0/16", "block: 10.0.0.0/8",
     "snmp.block: 10.0.0.0/8: simulated devices must live inside 127.0.0.0/8"),
    ("password: cmdb-lab-ssh-password", "password: short-pw\n      colour: x",
     "ssh.users[0].colour: Extra inputs are not permitted"),
    ("  port: 22\n", "  port: &p 22\n  extra: *p\n", "aliases (*p) are not allowed"),
])  # fmt: skip
def test_an_invalid_file_is_one_error_naming_file_line_and_field(
    tmp_path: Path, old: str, new: str, says: str
) -> None:
    path = _lab_file(tmp_path, old, new)
    with pytest.raises(LabConfigError) as info:
        load_config(path)
    culprit = new.splitlines()[-1].strip()
    assert str(info.value) == f"{path}:{_line_of(path, culprit)}: {says}"
    assert not any(secret in str(info.value) for secret in SECRETS)


def test_a_missing_field_and_a_wrong_top_level_name_the_file(tmp_path: Path) -> None:
    path = _lab_file(tmp_path, "prefix: cmdblab\n", "")
    with pytest.raises(LabConfigError, match=r"lab.yaml:\d+: prefix: Field required$"):
        load_config(path)
    path.write_text("- prefix\n")
    with pytest.raises(LabConfigError, match=r"lab.yaml:1: a lab configuration maps prefix"):
        load_config(path)


@pytest.mark.parametrize(("text", "says"), [
    ('a0: &a0 ["lol", "lol"]\na1: [*a0, *a0]\n', ":2: aliases (*a0) are not allowed"),
    ("[" * 100_000 + "]" * 100_000, ":1: nested deeper than 32 levels"),
    ("".join(f"k{i}: {i}\n" for i in range(100_000)), ": over the limit of 262,144 bytes"),
    ("prefix: '" + "x" * 300_000 + "'\n", ": over the limit of 262,144 bytes"),
    ("prefix: [1\n", ":2: expected ',' or ']', but got '<stream end>'"),
])  # fmt: skip
def test_hostile_files_are_refused_cleanly(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "lab.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LabError) as info:
        load_config(path)
    assert str(info.value).startswith(f"{path}{says}"), str(info.value)


def test_a_map_of_many_keys_under_the_limit_is_data(tmp_path: Path) -> None:
    path = tmp_path / "lab.yaml"
    path.write_text("".join(f"k{i}: {i}\n" for i in range(20_000)), encoding="utf-8")
    assert path.stat().st_size < yamlread.MAX_FILE_BYTES
    with pytest.raises(LabConfigError, match=r"lab.yaml:1: prefix: Field required"):
        load_config(path)


def test_an_unreadable_file_is_one_error(tmp_path: Path) -> None:
    with pytest.raises(LabConfigError, match=r"nope.yaml: cannot read: No such file"):
        load_config(tmp_path / "nope.yaml")
