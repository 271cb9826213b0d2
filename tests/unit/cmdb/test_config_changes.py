"""The CAB's settings in cmdb.yaml's `changes:` section: whether the requester may decide
on a request (`self_approval`, default false) and the approvals each category needs
(`approvals_required`, default 1 each); a bad value is one error naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from cmdb.config import ApprovalsRequired, load_config
from cmdb.errors import ConfigError


def test_the_defaults_and_a_configured_cab(tmp_path: Path) -> None:
    changes = load_config(None, env={}).changes
    assert (changes.self_approval, changes.approvals_required) == (
        False,
        ApprovalsRequired(1, 1, 1),
    )
    path = tmp_path / "cmdb.yaml"
    path.write_text(
        "changes:\n  self_approval: true\n  approvals_required: {normal: 2, emergency: 3}\n",
        encoding="utf-8",
    )
    changes = load_config(path, env={}).changes
    assert changes.self_approval is True
    assert changes.approvals_required == ApprovalsRequired(standard=1, normal=2, emergency=3)
    assert changes.maintenance_windows is None  # the other settings keep their defaults


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("  approvals_required:\n    normal: 0\n",
         "cmdb.yaml:3: changes.approvals_required.normal: Input should be greater than or "
         "equal to 1"),
        ("  approvals_required: {emergency: 21}\n",
         "cmdb.yaml:2: changes.approvals_required.emergency: Input should be less than or "
         "equal to 20"),
        ("  approvals_required: {normal: '2'}\n",
         "cmdb.yaml:2: changes.approvals_required.normal: Input should be a valid integer"),
        ("  approvals_required: {normal: true}\n",
         "cmdb.yaml:2: changes.approvals_required.normal: Input should be a valid integer"),
        ("  approvals_required: {urgent: 2}\n",
         "cmdb.yaml:2: changes.approvals_required.urgent: Extra inputs are not permitted"),
        ("  approvals_required: 2\n",
         "cmdb.yaml:2: changes.approvals_required: Input should be a valid dictionary"),
        ("  self_approval: sometimes\n",
         "cmdb.yaml:2: changes.self_approval: Input should be a valid boolean"),
    ],
)  # fmt: skip
def test_a_bad_cab_setting_is_one_error_naming_the_key(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "cmdb.yaml"
    path.write_text("changes:\n" + text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={})
    assert str(caught.value) == f"{path}:{message.removeprefix('cmdb.yaml:')}"
