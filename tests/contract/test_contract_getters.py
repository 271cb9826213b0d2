"""Every driver's getters on every recorded case against the case's expected file.

driver x case x getter, expected values in tests/contract/expected/<driver>/<case>.json
(a key per getter). A new recording is a new data file (tests.contract.make_expected
proposes it; README.md says how it is reviewed); nothing here names a recording.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from tests.contract.cases import EXPECTED, GETTERS, cases, expected_path, facts_of, getters_json

CASES = cases()


@cache
def expected(driver: str, case: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(expected_path(driver, case).read_text())
    return data


@cache
def got(driver: str, case: str) -> dict[str, Any]:
    return getters_json(facts_of(driver, case))


def test_every_case_has_its_file_and_every_file_its_case() -> None:
    files = {(p.parent.name, p.stem) for p in EXPECTED.glob("*/*.json")}
    assert files == set(CASES)
    assert {d for d, _case in CASES} == {"snmp", "ssh"}


@pytest.mark.parametrize(("driver", "case"), CASES, ids=[f"{d}:{c}" for d, c in CASES])
def test_the_file_holds_every_getter(driver: str, case: str) -> None:
    assert list(expected(driver, case)) == list(GETTERS)


@pytest.mark.parametrize("getter", GETTERS)
@pytest.mark.parametrize(("driver", "case"), CASES, ids=[f"{d}:{c}" for d, c in CASES])
def test_getter(driver: str, case: str, getter: str) -> None:
    assert got(driver, case)[getter] == expected(driver, case)[getter]
