"""The --scale generator: identities rewritten consistently, neighbours point at each
other, servers dual-homed and visible in their leaves' MAC tables."""

from collections import Counter

import pytest

from lab import oids
from lab.facts import collect_facts, column, walk
from lab.scale import (
    BaseProfile,
    ScaledDevice,
    ScaleError,
    fabric_sizes,
    generate,
    new_mac,
    profile_base,
)
from lab.snmprec import OverlayRecording, Row, sanitise


def _switch_rows(ports: int, vendor_serial: str) -> list[Row]:
    rows = [
        f"{oids.SYS_DESCR}|4|Test switch OS",
        f"{oids.SYS_NAME}|4|<private>",
        f"{oids.DOT1D_BASE_BRIDGE_ADDRESS}|4x|00AA00000000",
        f"{oids.ENT_PHYSICAL_SERIAL}.1|4|{vendor_serial}",
        f"{oids.ENT_PHYSICAL_SERIAL}.2|4|{vendor_serial}",
        f"{oids.ENT_PHYSICAL_SERIAL}.3|4|",
        f"{oids.LLDP_REM_ENTRY}.9.0.1.1|4|a-device-not-in-the-lab",
        f"{oids.DOT1D_TP_FDB}.1.2.0.1.2.3.4.5|2|1",
        f"{oids.IP_ADDR_ENTRY}.2.10.1.1.1|2|1",
    ]
    for i in range(1, ports + 1):
        rows += [
            f"{oids.IF_DESCR}.{i}|4|Ethernet{i}",
            f"{oids.IF_TYPE}.{i}|2|6",
            f"{oids.IF_PHYS_ADDRESS}.{i}|4x|00AA000000{i:02X}",
            f"{oids.IF_NAME}.{i}|4|Et{i}",
            f"{oids.LLDP_LOC_PORT_ID}.{i}|4|Et{i}",
        ]
    return sanitise(rows)


def _server_rows() -> list[Row]:
    return sanitise(
        [
            f"{oids.SYS_DESCR}|4|Linux server",
            f"{oids.IF_DESCR}.1|4|lo",
            f"{oids.IF_TYPE}.1|2|24",
            f"{oids.IF_DESCR}.2|4|eth0",
            f"{oids.IF_TYPE}.2|2|6",
            f"{oids.IF_PHYS_ADDRESS}.2|4x|00BB00000001",
            "1.3.6.1.2.1.25.2.2.0|2|1024",
        ]
    )


@pytest.fixture
def bases() -> list[BaseProfile]:
    return [
        profile_base("switch", _switch_rows(48, "SN-ORIG")),
        profile_base("server", _server_rows()),
    ]


def _data(device: ScaledDevice, bases: list[BaseProfile]) -> OverlayRecording:
    base = {b.key: b for b in bases}[device.base_key]
    return OverlayRecording(base.data, device.overlay.rows, device.overlay.deleted)


def _addresses(n: int) -> list[str]:
    return [f"127.77.{i // 250}.{i % 250 + 1}" for i in range(n)]


def test_profile_recognises_switch_and_server(bases: list[BaseProfile]) -> None:
    switch, server = bases
    assert switch.switch and not switch.server and len(switch.ethernet) == 48
    assert server.server and not server.switch and len(server.ethernet) == 1


@pytest.mark.parametrize("n", [1, 2, 5, 40, 1000])
def test_fabric_sizes_add_up(n: int) -> None:
    assert sum(fabric_sizes(n)) == n


def test_identities_are_unique_and_consistent(bases: list[BaseProfile]) -> None:
    devices = generate(60, bases, _addresses(60))
    facts = {d.name: collect_facts(_data(d, bases)) for d in devices}
    assert len(devices) == 60
    assert {f.sys_name for f in facts.values()} == {d.name for d in devices}
    switch = next(d for d in devices if d.role == "spine")
    serials = facts[switch.name].serials
    assert len(serials) == 2 and serials[0] == serials[1] != "SN-ORIG"  # same in, same out
    all_serials = [s for f in facts.values() for s in set(f.serials)]
    assert len(all_serials) == len(set(all_serials))
    macs = Counter(
        r[2]
        for d in devices
        for r in walk(_data(d, bases), oids.IF_PHYS_ADDRESS)
        if r[2].strip("0")
    )
    assert macs and max(macs.values()) == 1
    first_ip = column(_data(switch, bases), f"{oids.IP_ADDR_ENTRY}.1")
    assert switch.address in first_ip and "10.1.1.1" not in first_ip


def test_lldp_neighbours_point_at_each_other(bases: list[BaseProfile]) -> None:
    devices = generate(60, bases, _addresses(60))
    facts = {d.name: collect_facts(_data(d, bases)) for d in devices}
    links = {(name, n.remote_name) for name, f in facts.items() for n in f.neighbours}
    assert links
    assert all((b, a) in links for a, b in links)
    assert "a-device-not-in-the-lab" not in {b for _, b in links}
    for device in devices:
        if device.role == "leaf":
            assert {n.remote_name[:5] for n in facts[device.name].neighbours} == {"spine"}


def test_servers_are_dual_homed_in_leaf_mac_tables(bases: list[BaseProfile]) -> None:
    devices = generate(60, bases, _addresses(60))
    leaves = [d for d in devices if d.role == "leaf"]
    seen: Counter[str] = Counter()
    for leaf in leaves:
        fdb = column(_data(leaf, bases), f"{oids.DOT1D_TP_FDB}.1.2")
        assert "0.1.2.3.4.5" not in fdb  # the recorded MAC table is gone
        ports = Counter(r[2] for r in fdb.values())
        assert all(count == 1 for count in ports.values())  # one MAC per server port
        seen.update(r[2] for r in walk(_data(leaf, bases), f"{oids.DOT1D_TP_FDB}.1.1"))
    servers = [d for d in devices if d.role == "server"]
    assert len(seen) == len(servers)
    assert set(seen.values()) == {2}
    server_mac = new_mac(int(servers[0].address.rsplit(".", 1)[1]), 0)
    assert server_mac in seen


def test_no_switch_recording_is_an_error() -> None:
    server = profile_base("server", _server_rows())
    with pytest.raises(ScaleError):
        generate(10, [server], _addresses(10))


def test_switches_send_the_chassis_id_their_neighbours_name_them_by(
    bases: list[BaseProfile],
) -> None:
    devices = generate(60, bases, _addresses(60))
    data = {d.name: _data(d, bases) for d in devices}
    local = {}
    for device in devices:
        subtype = data[device.name].get(oids.LLDP_LOC_CHASSIS_ID_SUBTYPE)
        chassis = data[device.name].get(oids.LLDP_LOC_CHASSIS_ID)
        if device.role == "server":
            assert chassis is None
            continue
        assert subtype is not None and subtype[2] == "4" and chassis is not None  # a MAC
        local[device.name] = chassis[2]
    assert len(set(local.values())) == len(local)
    for device in devices:
        names = column(data[device.name], f"{oids.LLDP_REM_ENTRY}.9")
        chassis_ids = column(data[device.name], f"{oids.LLDP_REM_ENTRY}.5")
        for index, name in names.items():
            assert chassis_ids[index][2] == local[name[2]]


def test_vendor_serial_scalars_are_rewritten_per_clone() -> None:
    """A recording whose serial is a vendor scalar (MikroTik, Juniper) would otherwise
    give every clone the same serial: one device to discovery."""
    rows = _switch_rows(48, "SN-ORIG") + sanitise([f"{oids.MTXR_SERIAL}|4|71B1060EE89D"])
    bases = [profile_base("switch", rows), profile_base("server", _server_rows())]
    devices = [d for d in generate(20, bases, _addresses(20)) if d.role != "server"]
    serials = {d.name: _data(d, bases).get(oids.MTXR_SERIAL) for d in devices}
    values = [row[2] for row in serials.values() if row is not None]
    assert len(values) == len(devices) and len(set(values)) == len(devices)
    assert "71B1060EE89D" not in values
    for device in devices:
        row = serials[device.name]
        assert row is not None and row[2] in collect_facts(_data(device, bases)).serials


def test_a_server_port_without_a_recorded_mac_reports_the_mac_its_leaves_learn() -> None:
    server = [r for r in _server_rows() if not r[0].startswith(oids.IF_PHYS_ADDRESS)]
    bases = [profile_base("switch", _switch_rows(48, "SN-ORIG")), profile_base("server", server)]
    devices = generate(20, bases, _addresses(20))
    learned = {
        r[2]
        for d in devices
        if d.role == "leaf"
        for r in walk(_data(d, bases), f"{oids.DOT1D_TP_FDB}.1.1")
    }
    reported = {
        r[2]
        for d in devices
        if d.role == "server"
        for r in walk(_data(d, bases), oids.IF_PHYS_ADDRESS)
    }
    assert learned and learned == reported
