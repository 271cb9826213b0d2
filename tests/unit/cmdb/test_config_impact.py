"""The `impact:` section of cmdb.yaml: roots by names/uids or class + attributes, the
default depth, and a bad value refused with the file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from cmdb.config import ImpactRoots, load_config
from cmdb.errors import ConfigError


def test_impact_section(tmp_path: Path) -> None:
    path = tmp_path / "cmdb.yaml"
    path.write_text(
        "impact:\n  max_depth: 16\n  roots:\n    names: [hq-core-01]\n"
        "    class: NetworkDevice\n    attributes: {device_kind: firewall}\n",
        encoding="utf-8",
    )
    impact = load_config(path, env={}).impact
    assert impact.max_depth == 16
    assert impact.roots == ImpactRoots(
        names=("hq-core-01",), class_name="NetworkDevice", attributes=(("device_kind", "firewall"),)
    )
    assert load_config(None, env={}).impact.roots is None  # the documented default
    assert load_config(None, env={}).impact.max_depth == 12


def test_bad_impact_settings_name_the_field(tmp_path: Path) -> None:
    path = tmp_path / "cmdb.yaml"
    path.write_text("impact:\n  max_depth: 99\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"cmdb.yaml:2: impact.max_depth"):
        load_config(path, env={})
    path.write_text("impact:\n  roots:\n    name: [x]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"impact.roots.name"):
        load_config(path, env={})
