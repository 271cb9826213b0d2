"""wrong_types: columns read as numbers that hold something else are named, once each."""

from __future__ import annotations

import pytest

from discovery.snmp.value_types import wrong_types
from lab.sources import lab_data_dir
from tests.snmprec import load_snmprec

LAB = lab_data_dir() / "snmp"
NAMES = sorted(p.stem for p in LAB.glob("*.snmprec"))


@pytest.mark.parametrize("name", NAMES)
def test_real_recordings_have_none(name: str) -> None:
    assert list(wrong_types(load_snmprec(LAB / f"{name}.snmprec").varbinds)) == []


def test_each_column_once_with_an_example_and_a_count() -> None:
    varbinds = dict(load_snmprec(LAB / "ios_2960x.snmprec").varbinds)
    mtus = sorted(o for o in varbinds if o.startswith("1.3.6.1.2.1.2.2.1.4."))
    for oid in mtus[:3]:
        varbinds[oid] = b"jumbo"
    varbinds["1.3.6.1.2.1.1.3.0"] = "1.3.6.1.4.1.9"  # sysUpTime as an OBJECT IDENTIFIER
    varbinds[mtus[3]] = b" 9000 "  # a number sent as text is read, not reported
    messages = sorted(wrong_types(varbinds))
    assert messages == [
        f"ifMtu (1.3.6.1.2.1.2.2.1.4) is an INTEGER, but {mtus[0]} holds b'jumbo' "
        "(and 2 more rows): read as unknown",
        "sysUpTime (1.3.6.1.2.1.1.3.0) is an INTEGER, but 1.3.6.1.2.1.1.3.0 holds "
        "'1.3.6.1.4.1.9': read as unknown",
    ]


def test_columns_not_read_as_numbers_are_left_alone() -> None:
    assert list(wrong_types({"1.3.6.1.2.1.2.2.1.2.1": b"Gi0/1",  # ifDescr: text
                             "1.3.6.1.2.1.2.2.1.9.1": b"x"})) == []  # ifLastChange: not read
