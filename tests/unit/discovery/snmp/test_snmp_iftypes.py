"""iftypes.py is generated from IANA's IANAifType-MIB, never typed by hand."""

from __future__ import annotations

import pytest

from discovery.snmp import iftypes_generate
from discovery.snmp.iftypes import IANA_IF_TYPES


def test_the_module_is_what_the_generator_renders_from_the_committed_mib() -> None:
    mib = iftypes_generate.MIB.read_text(encoding="utf-8")
    assert iftypes_generate.MODULE.read_text(encoding="utf-8") == iftypes_generate.render_iftypes(
        mib
    )


def test_the_whole_enumeration_is_there() -> None:
    assert IANA_IF_TYPES[104] == "voiceOverIp"  # missing from the hand-typed table
    assert IANA_IF_TYPES[6] == "ethernetCsmacd"
    assert IANA_IF_TYPES[161] == "ieee8023adLag"
    assert IANA_IF_TYPES[145] == "if-gsn"  # a label with a hyphen
    assert sorted(set(range(1, 304)) - set(IANA_IF_TYPES)) == [273, 274, 275, 276]  # unassigned


def test_the_tunnel_types_are_not_taken_for_interface_types() -> None:
    stamp, labels = iftypes_generate.parse_iftypes(iftypes_generate.MIB.read_text("utf-8"))
    assert stamp == "202208170000Z"
    assert "gre" not in labels.values() and "dsLite" not in labels.values()


@pytest.mark.parametrize(
    "mib",
    [
        "",
        "IANAifType ::= TEXTUAL-CONVENTION SYNTAX INTEGER { a(1) }",
        'LAST-UPDATED "202208170000Z" IANAifType ::= TEXTUAL-CONVENTION '
        "SYNTAX INTEGER { a(1), b(1) }",
    ],
)
def test_a_mib_that_is_not_the_iana_one_is_refused(mib: str) -> None:
    with pytest.raises(iftypes_generate.MibError):
        iftypes_generate.render_iftypes(mib)
