"""A hex value with an odd count of digits (real: LibreNMS's vrp_s5328c-ei walk): the
tests' reader loads what the lab's agent serves, not an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from lab.snmp_agent import encode_value
from tests.snmprec import SnmprecError, load_snmprec

ODD = "0000000040080000002C00000000000"  # vrp_s5328c-ei.snmprec line 2983, 31 digits


def test_odd_hex_loads_as_the_agent_serves_it(tmp_path: Path) -> None:
    src = tmp_path / "odd.snmprec"
    src.write_text(f"1.3.6.1.4.1.2011.5.25.42.1.1.1.10.1.2.10|4x|{ODD}\n", encoding="latin-1")
    got = load_snmprec(src).varbinds["1.3.6.1.4.1.2011.5.25.42.1.1.1.10.1.2.10"]
    assert got == bytes(encode_value("4x", ODD))


def test_a_non_hex_digit_is_still_an_error(tmp_path: Path) -> None:
    src = tmp_path / "bad.snmprec"
    src.write_text("1.3.6.1.2.1.1.1.0|4x|abz\n", encoding="latin-1")
    with pytest.raises(SnmprecError, match=r"bad\.snmprec:1: bad hex"):
        load_snmprec(src)
