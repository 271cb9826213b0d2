"""Versions compared as people read them (audits/versions.py)."""

from __future__ import annotations

import pytest

from audits.versions import compare_versions, is_older


@pytest.mark.parametrize(
    ("older", "newer"),
    [
        ("9.9", "9.10"),
        ("3.0.9", "3.0.10"),
        ("17.9.4", "17.10.1"),
        ("15.2(4)E10", "15.2(7)E4"),
        ("15.2(7)E4", "15.2(7)E10"),
        ("22.4R3", "22.4R3-S2"),
        ("1.0rc1", "1.0"),
        ("1.0", "1.0.1"),
        ("2.9", "10.0"),
        ("3.0.2-0ubuntu1.9", "3.0.2-0ubuntu1.10"),
    ],
)
def test_older_and_newer(older: str, newer: str) -> None:
    assert is_older(older, newer)
    assert not is_older(newer, older)
    assert (compare_versions(older, newer), compare_versions(newer, older)) == (-1, 1)


@pytest.mark.parametrize(("a", "b"), [("17.9.4", "17.9.4"), ("IOS-XE 17.9", "ios-xe 17.9")])
def test_the_same_version_is_not_older(a: str, b: str) -> None:
    assert compare_versions(a, b) == 0
    assert not is_older(a, b)
