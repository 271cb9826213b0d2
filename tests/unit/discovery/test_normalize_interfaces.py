"""Two ports of one name on one device stay two Interface CIs (a ProCurve's switch and
out-of-band loopbacks, both `lo0`; a printer's two NICs named alike): the later is named
with its ifIndex. A CLI row told twice (no ifIndex) is one port."""

from __future__ import annotations

from datetime import UTC, datetime

from cmdb.schema import load_schema
from cmdb.validate import validate
from discovery.facts import Coverage, DeviceFacts, InterfaceFacts, SystemFacts
from discovery.normalize import normalize_device

AT = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def interfaces_of(*rows: InterfaceFacts) -> list[tuple[object, object, object]]:
    facts = DeviceFacts(
        source="snmp",
        system=SystemFacts(kind="switch", name="sw1", serial="SN1"),
        coverage=Coverage(getters=frozenset({"system", "interfaces"})),
        interfaces=rows,
    )
    cs = normalize_device(facts, target="192.0.2.7", observed_at=AT)
    validate(load_schema(), cs)
    return [(ci.attributes["name"], ci.attributes.get("if_index"), ci.attributes.get("mac"))
            for ci in cs.cis if ci.class_ == "Interface"]  # fmt: skip


def test_two_ports_of_one_name_are_two_interfaces() -> None:
    assert interfaces_of(
        InterfaceFacts("lo0", if_index=1, descr="lo0"),
        InterfaceFacts("lo0", if_index=4, descr="lo0 (oobm)"),
        InterfaceFacts("NC-8800w", if_index=2, mac="00:80:77:00:00:01"),
        InterfaceFacts("NC-8800w", if_index=3, mac="00:80:77:00:00:02"),
    ) == [("lo0", 1, None), ("lo0 [4]", 4, None),
          ("NC-8800w", 2, "00:80:77:00:00:01"), ("NC-8800w [3]", 3, "00:80:77:00:00:02")]  # fmt: skip


def test_a_cli_row_told_twice_is_one_port() -> None:
    assert interfaces_of(InterfaceFacts("Gi0/1"), InterfaceFacts("Gi0/1")) == [("Gi0/1", None, None)]
