"""The `api:` section of cmdb.yaml: documented defaults, the file's values, CMDB_API_*
overriding them, and one error naming the culprit for a bad value."""

from __future__ import annotations

from pathlib import Path

import pytest

from cmdb.config import ApiSettings, load_config
from cmdb.errors import ConfigError


def test_defaults() -> None:
    assert load_config(env={}).api == ApiSettings()
    assert ApiSettings().max_page_size == 500 and ApiSettings().introspection is True


def test_the_file_then_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "cmdb.yaml"
    path.write_text("api:\n  max_depth: 8\n  introspection: false\n  max_page_size: 50\n")
    env = {"CMDB_API_MAX_PAGE_SIZE": "20", "CMDB_API_QUERY_TIMEOUT_SECONDS": "2.5"}
    api = load_config(path, env).api
    assert (api.max_depth, api.introspection, api.max_page_size) == (8, False, 20)
    assert api.query_timeout_seconds == 2.5 and api.max_aliases == ApiSettings().max_aliases
    assert load_config(path, {"CMDB_API_INTROSPECTION": "true"}).api.introspection is True


@pytest.mark.parametrize(
    ("env", "says"),
    [
        (
            {"CMDB_API_MAX_DEPTH": "deep"},
            "CMDB_API_MAX_DEPTH='deep': Input should be a valid integer",
        ),
        ({"CMDB_API_MAX_PAGE_SIZE": "0"}, "CMDB_API_MAX_PAGE_SIZE='0': Input should be greater"),
        ({"CMDB_API_QUERY_TIMEOUT_SECONDS": "-1"}, "CMDB_API_QUERY_TIMEOUT_SECONDS='-1'"),
    ],
)
def test_a_bad_environment_value_is_named(env: dict[str, str], says: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(env=env)
    assert str(caught.value).startswith(says)


def test_a_bad_file_value_names_the_file_line_and_key(tmp_path: Path) -> None:
    path = tmp_path / "cmdb.yaml"
    path.write_text("batch_size: 10\napi:\n  max_depht: 3\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path, {})
    assert str(caught.value).startswith(f"{path}:3: api.max_depht: Extra inputs are not permitted")
    path.write_text("api:\n  max_tokens: many\n")
    with pytest.raises(ConfigError, match=r"cmdb.yaml:2: api.max_tokens: Input should be"):
        load_config(path, {})
