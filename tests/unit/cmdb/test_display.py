"""cmdb.display: values, CIs and orders as the CLI's tables print them."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta, timezone

from cmdb.display import ci_label, format_value, link_label, link_order, natural_key
from cmdb.history import CIRef


def test_values_as_a_person_reads_them() -> None:
    tz = timezone(timedelta(hours=1))
    assert (
        format_value(datetime(2026, 12, 3, 8, 15, 2, 123456, tzinfo=tz)) == "2026-12-03 07:15:02Z"
    )
    assert format_value(date(2027, 12, 31)) == "2027-12-31"
    assert format_value(["openssh-server", "snmpd"]) == "openssh-server, snmpd"
    assert format_value([datetime(2026, 1, 1, tzinfo=UTC)]) == "2026-01-01 00:00:00Z"
    assert (format_value(True), format_value(False)) == ("true", "false")
    assert format_value(None) == ""
    assert format_value(0) == "0" and format_value(4.5) == "4.5" and format_value("x") == "x"
    assert format_value({"b": None, "a": 1}) == "a=1, b="


def test_natural_order_of_interface_names() -> None:
    names = ["Te1/0/10", "Te1/0/2", "te1/0/3", "Te1/0/1", "Te1/1/1", "Gi1/0/48", "Te1/0/9", "Eth2"]
    shuffled = random.Random(7).sample(names, len(names))
    assert sorted(shuffled, key=natural_key) == [
        "Eth2", "Gi1/0/48", "Te1/0/1", "Te1/0/2", "te1/0/3", "Te1/0/9", "Te1/0/10", "Te1/1/1",
    ]  # fmt: skip
    # numbers and text at the same place compare as text/number only: no TypeError
    assert sorted(["1a", "a1", "", "10", "2"], key=natural_key) == ["", "1a", "2", "10", "a1"]
    assert sorted(["Gi1/0/1", "Gi1/0/01"], key=natural_key) == ["Gi1/0/01", "Gi1/0/1"]


def test_links_ordered_by_type_then_name_then_direction() -> None:
    rows = [
        ("HAS_INTERFACE", "Te1/0/10", "out"),
        ("CONNECTED_TO", "Gi1/0/1", "out"),
        ("HAS_INTERFACE", "Te1/0/2", "out"),
        ("DEPENDS_ON", "ERP", "out"),
        ("DEPENDS_ON", "ERP", "in"),
    ]
    assert sorted(rows, key=lambda r: link_order(*r)) == [
        ("CONNECTED_TO", "Gi1/0/1", "out"),
        ("DEPENDS_ON", "ERP", "in"),
        ("DEPENDS_ON", "ERP", "out"),
        ("HAS_INTERFACE", "Te1/0/2", "out"),
        ("HAS_INTERFACE", "Te1/0/10", "out"),
    ]


def test_other_cis_named_with_class_and_the_ci_they_are_part_of() -> None:
    refs = {
        "i1": CIRef("i1", "Gi1/0/1", "Interface", "sw", "hq-acc-01"),
        "t1": CIRef("t1", "Network Operations", "Team"),
        "n1": CIRef("n1", None, "Subnet"),
    }
    assert ci_label(refs, "i1") == "Gi1/0/1 (Interface) on hq-acc-01"
    assert ci_label(refs, "i1", here="sw") == "Gi1/0/1 (Interface)"  # on the CI shown
    assert ci_label(refs, "t1") == "Network Operations (Team)"
    assert ci_label(refs, "n1") == "n1 (Subnet)"
    assert ci_label(refs, "gone") == "gone"
    assert link_label("CONNECTED_TO", "out", "Gi1/0/1 (Interface)") == (
        "CONNECTED_TO -> Gi1/0/1 (Interface)"
    )
    assert link_label("OWNED_BY", "in", "hq-core-01 (NetworkDevice)").startswith("OWNED_BY <- ")
    assert link_label("CONNECTED_TO", "both", "x (Interface)") == "CONNECTED_TO <-> x (Interface)"
