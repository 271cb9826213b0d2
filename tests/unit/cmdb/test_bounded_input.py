"""Every YAML/JSON input is read within bounds (cmdb/yamlfile.py): aliases refused, a size
limit, a depth limit, a cap on values; each refusal is one error naming file and line.
The CLI side, in a subprocess under a memory limit: tests/acceptance/test_cli_bounded_input.py.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cmdb import yamlfile
from cmdb.config import load_config
from cmdb.errors import ConfigError, LoadFileError, SchemaError
from cmdb.loadfile import read_changesets
from cmdb.schema import SCHEMA_DIR, load_schema
from cmdb.yamlfile import InputLimitError, YAMLFileError, load_json, load_yaml
from discovery.credentials import (
    CredentialError,
    CredentialMemory,
    load_secrets,
)
from discovery.jobs import JobError, load_job

BOMB = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10)
)


def _file(tmp_path: Path, text: str, name: str = "in.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _nested(levels: int) -> str:
    """`levels` mappings, one inside the other, in block style (one a line)."""
    return "".join("  " * i + f"k{i}:\n" for i in range(levels - 1)) + "  " * levels + "x: 1\n"


def test_aliases_are_refused_by_file_and_line(tmp_path: Path) -> None:
    path = _file(tmp_path, BOMB)
    with pytest.raises(InputLimitError) as info:
        load_yaml(path)
    assert str(info.value) == f"{path}:2: aliases (*a0) are not allowed"


def test_an_anchor_without_alias_and_a_merge_key_are_plain_data(tmp_path: Path) -> None:
    path = _file(tmp_path, "a: &x 1\nb: {<<: {c: 2}, d: 3}\n")
    assert load_yaml(path) == {"a": 1, "b": {"c": 2, "d": 3}}


def test_nesting_deeper_than_the_limit_is_refused_at_its_line(tmp_path: Path) -> None:
    assert load_yaml(_file(tmp_path, _nested(yamlfile.MAX_DEPTH)))["k0"]["k1"]
    path = _file(tmp_path, _nested(yamlfile.MAX_DEPTH + 1))
    with pytest.raises(InputLimitError) as info:
        load_yaml(path)
    assert str(info.value) == f"{path}:{yamlfile.MAX_DEPTH + 1}: nested deeper than 64 levels"
    flow = _file(tmp_path, "a: " + "[" * 100 + "]" * 100 + "\n")
    with pytest.raises(InputLimitError, match=r"in.yaml:1: nested deeper than 64 levels"):
        load_yaml(flow)


def test_a_file_over_the_size_limit_is_refused_before_parsing(tmp_path: Path) -> None:
    path = _file(tmp_path, "a: '" + "x" * yamlfile.MAX_FILE_BYTES + "'\n")
    size = path.stat().st_size
    with pytest.raises(InputLimitError) as info:
        load_yaml(path)
    assert str(info.value) == (
        f"{path}: {size:,} bytes, over the input limit of 10,485,760 bytes (10 MiB)"
    )


def test_a_stream_without_end_stops_at_the_limit() -> None:
    with pytest.raises(InputLimitError, match=r"^/dev/zero: more than 10,485,760 bytes"):
        load_yaml(Path("/dev/zero"))


def test_too_many_values_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlfile, "MAX_NODES", 1000)
    assert len(load_yaml(_file(tmp_path, "[" + "1, " * 998 + "1]\n"))) == 999
    path = _file(tmp_path, "a: 1\nb: [" + "1, " * 998 + "1]\n")
    with pytest.raises(InputLimitError, match=r"in.yaml:2: more than 1,000 values in one file"):
        load_yaml(path)


@pytest.mark.parametrize(("text", "says"), [
    ("a: 1\nb: 2026-13-01\n", ":2: unreadable value: month must be in 1..12"),
    ("a: " + "1" * 5000 + "\n", ":1: unreadable value: Exceeds the limit (4300 digits)"),
    ("{[1]: 2}\n", ":1: a key must be a scalar"),
    ("a: 1\na: 2\n", ":2: duplicate key 'a'"),
    ("a: 1\nb: \x01\n", ":2: character #x0001: control characters are not allowed"),
])  # fmt: skip
def test_values_python_cannot_hold_are_one_error(tmp_path: Path, text: str, says: str) -> None:
    path = _file(tmp_path, text)
    with pytest.raises(YAMLFileError) as info:
        load_yaml(path)
    assert str(info.value).startswith(f"{path}{says}"), str(info.value)


def test_json_inputs_have_the_same_limits(tmp_path: Path) -> None:
    deep = _file(tmp_path, "[" * 100_000 + "]" * 100_000, "deep.json")
    with pytest.raises(InputLimitError, match=r"deep.json: nested too deeply"):
        load_json(deep)
    with pytest.raises(YAMLFileError, match=r"deep.json:1: exceeded maximum nesting depth"):
        load_yaml(deep)  # `cmdb load` reads JSON as YAML; libyaml has a depth limit too
    with pytest.raises(InputLimitError, match=r"deep.json:1: nested deeper than 64 levels"):
        load_yaml(_file(tmp_path, "[" * 100 + "]" * 100, "deep.json"))
    broken = _file(tmp_path, '{\n  "a": 1,\n}', "broken.json")
    with pytest.raises(YAMLFileError, match=r"broken.json:3: Expecting property name"):
        load_json(broken)
    assert len(load_json(_file(tmp_path, json.dumps({f"k{i}": i for i in range(100_000)})))) == (
        100_000
    )


def test_change_set_files_job_files_and_schema_files_name_the_alias(tmp_path: Path) -> None:
    changes = _file(tmp_path, "source: manual\nactor: me\ncis: *nothing\n", "changes.yaml")
    with pytest.raises(LoadFileError, match=r"changes.yaml:3: aliases \(\*nothing\) are not"):
        read_changesets(changes)
    job = _file(tmp_path, "name: core\ntargets: &t [127.0.0.1]\nmore: *t\n", "job.yaml")
    with pytest.raises(JobError) as info:
        load_job(job)
    assert (info.value.path, info.value.line) == (str(job), 3)
    assert str(info.value) == f"{job}:3: aliases (*t) are not allowed"
    schema_dir = tmp_path / "schema"
    shutil.copytree(SCHEMA_DIR, schema_dir)
    precedence = schema_dir / "precedence.yaml"
    lines = precedence.read_text(encoding="utf-8").count("\n")
    precedence.write_text(precedence.read_text(encoding="utf-8") + "again: *default\n")
    with pytest.raises(SchemaError) as schema_info:
        load_schema(schema_dir)
    assert str(schema_info.value) == (
        f"{precedence}:{lines + 1}: aliases (*default) are not allowed"
    )


def test_cmdb_yaml_errors_name_file_line_and_field(tmp_path: Path) -> None:
    path = _file(tmp_path, "dbms: &d {port: 7687}\nlifecycle: *d\n", "cmdb.yaml")
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    assert str(info.value) == f"{path}:2: aliases (*d) are not allowed"
    path.write_text("batch_size: 10\ndbms:\n  heap_mb: 100\n")
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    assert str(info.value).startswith(f"{path}:3: dbms.heap_mb: Input should be greater")


SECRET = "hunter2-community"


def test_secrets_files_are_bounded_and_never_quoted(tmp_path: Path) -> None:
    path = _file(tmp_path, f"core: &c {{community: {SECRET}}}\nedge: *c\n", "secrets.yaml")
    path.chmod(0o600)
    with pytest.raises(CredentialError) as info:
        load_secrets(path)
    assert str(info.value) == f"{path}:2: aliases (*c) are not allowed"
    path.write_text(f'core: {{community: {SECRET}}}\nedge: {{community: "{SECRET}\\q"}}\n')
    with pytest.raises(CredentialError) as info:
        load_secrets(path)
    assert str(info.value) == f"{path}:2: cannot read as YAML"  # libyaml's text would quote


def test_credential_memory_file_is_bounded(tmp_path: Path) -> None:
    memory = _file(tmp_path, '{"credentials": ' * 100_000, "memory.json")
    with pytest.raises(CredentialError, match="not a credential memory file"):
        CredentialMemory(memory)
