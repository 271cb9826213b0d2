"""ingest.max_clock_skew_seconds: from cmdb.yaml, overridden by the environment."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from cmdb.config import load_config
from cmdb.errors import ConfigError


def test_default_file_and_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no ./cmdb.yaml
    assert load_config(env={}).max_clock_skew == timedelta(seconds=300)
    path = tmp_path / "cmdb.yaml"
    path.write_text("ingest:\n  max_clock_skew_seconds: 30\n")
    assert load_config(path, env={}).max_clock_skew == timedelta(seconds=30)
    env = {"CMDB_INGEST_MAX_CLOCK_SKEW_SECONDS": "2.5"}
    assert load_config(path, env=env).max_clock_skew == timedelta(seconds=2.5)


@pytest.mark.parametrize("text", ["soon", "-1", "nan", "inf"])
def test_bad_env_value_is_one_clear_error(
    text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match="CMDB_INGEST_MAX_CLOCK_SKEW_SECONDS"):
        load_config(env={"CMDB_INGEST_MAX_CLOCK_SKEW_SECONDS": text})


def test_bad_file_value_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "cmdb.yaml"
    path.write_text("ingest:\n  max_clock_skew_seconds: -5\n")
    with pytest.raises(ConfigError, match=r"ingest\.max_clock_skew_seconds"):
        load_config(path, env={})
