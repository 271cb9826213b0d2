"""Classification rules' sources beyond sysDescr, each on the shape a real walk has
(the walks themselves are checked against LibreNMS in tests/contract/report.py)."""

from __future__ import annotations

from discovery.snmp import oids
from discovery.snmp.classify import normal_version, parse_classification
from discovery.snmp.records import EntityPhysical, SystemInfo, Value


def _system(object_id: str, descr: str = "") -> SystemInfo:
    return SystemInfo(descr, object_id, None, None, None, None)


def _entity(index: int, phys_class: str | None, model: str, software: str = "",
            contained_in: int | None = 0) -> EntityPhysical:  # fmt: skip
    return EntityPhysical(index, phys_class, "", "", model, f"SN{index}", "", "", software,
                          "", contained_in, None)  # fmt: skip


def test_versions_are_normalised_and_the_raw_one_is_kept_apart() -> None:
    assert normal_version("fortios", "v7.2.6,build1575,230926 (GA.F)") == "7.2.6"
    assert normal_version("nxos", "9.3(8) [Maintenance Release]") == "9.3(8)"
    assert normal_version("ios", "15.2(2)E7") == "15.2(2)E7"
    assert normal_version("fortios", None) is None


def test_fortigate_version_from_fgsysversion_and_model_from_its_top_entity() -> None:
    varbinds: dict[str, Value] = {oids.FG_SYS_VERSION: b"v7.2.6,build1575,230926 (GA.F)"}
    entities = (_entity(1, None, "FGT_60F"), _entity(2, None, "PSU", contained_in=1))
    got = parse_classification(_system("1.3.6.1.4.1.12356.101.1.644"), varbinds, entities)
    assert (got.vendor, got.os, got.kind) == ("Fortinet", "fortios", "firewall")
    assert (got.version, got.hardware, got.serial) == (
        "v7.2.6,build1575,230926 (GA.F)", "FGT_60F", "SN1")  # fmt: skip


def test_asa_version_is_the_chassis_software_revision() -> None:
    descr = "Cisco Adaptive Security Appliance Version 9.12(2)"
    entities = (_entity(1, "chassis", "ASA5555", software="9.12(3)"),)
    got = parse_classification(_system("1.3.6.1.4.1.9.1.2404", descr), {}, entities)
    assert (got.os, got.kind, got.version, got.hardware) == ("asa", "firewall", "9.12(3)",
                                                            "ASA5555")  # fmt: skip
    assert parse_classification(_system("1.3.6.1.4.1.9.1.2404", descr), {}).version == "9.12(2)"


def test_iosxe_is_told_from_ios() -> None:
    descr = ("Cisco IOS Software [Everest], Catalyst L3 Switch Software (CAT9K_IOSXE), "
             "Version 16.6.7, RELEASE SOFTWARE (fc2)")  # fmt: skip
    got = parse_classification(_system("1.3.6.1.4.1.9.1.2494", descr), {})
    assert (got.os, got.kind, got.version) == ("iosxe", "switch", "16.6.7")


def test_hikvision_hardware_is_its_entity_type_name() -> None:
    varbinds: dict[str, Value] = {oids.HIK_ENTITY_TYPE: 2, oids.HIK_ENTITY_INDEX: b"0820AB"}
    got = parse_classification(_system("1.3.6.1.4.1.50001", "Hikvision company products"),
                               varbinds)  # fmt: skip
    assert (got.vendor, got.kind, got.hardware, got.serial, got.version) == (
        "Hikvision", "camera", "NVR", "0820AB", None)  # fmt: skip


def test_hillstone_version_is_read_out_of_syssoftware() -> None:
    varbinds: dict[str, Value] = {
        oids.HILLSTONE_SOFTWARE: b"Version 5.5 SG6000-M-2-5.5R3P7.bin 2017/11/08 15:33:42",
        oids.HILLSTONE_SERIAL: b"2204123",
    }
    descr = "Hillstone Security Appliance SG-6000-E3965"
    got = parse_classification(_system("1.3.6.1.4.1.28557.1.126", descr), varbinds)
    assert (got.vendor, got.kind, got.version, got.hardware, got.serial) == (
        "Hillstone", "firewall", "5.5", "SG-6000-E3965", "2204123")  # fmt: skip


def test_procurve_stack_and_switch_models() -> None:
    stack = parse_classification(_system("1.3.6.1.4.1.11.2.3.7.8.5.2",
                                         "HP Stack, revision KA.15.03.3004, ROM KA.15.05"), {})
    assert (stack.os, stack.kind, stack.hardware, stack.version) == (
        "procurve", "switch", "Stack", "KA.15.03.3004")  # fmt: skip
    descr = "HP J9146A E2910al-24G-PoE Switch, revision W.15.08.0012, ROM W.14.06"
    switch = parse_classification(_system("1.3.6.1.4.1.11.2.3.7.11.84", descr), {})
    assert switch.hardware == "J9146A E2910al-24G-PoE"


def test_vrp_serial_is_the_device_esn_before_the_chassis_serial() -> None:
    descr = ("S5720-56C-PWR-EI-AC\nHuawei Versatile Routing Platform Software \r\n VRP (R) "
             "software,Version 5.170 (S5720 V200R010C00SPC600) \r\n")  # fmt: skip
    entities = (_entity(9, "chassis", ""),)
    varbinds: dict[str, Value] = {oids.HW_DEVICE_ESN: b"2102359576DMHC000120"}
    got = parse_classification(_system("1.3.6.1.4.1.2011.2.23.291", descr), varbinds, entities)
    assert (got.kind, got.hardware, got.version, got.serial) == (
        "switch", "S5720-56C-PWR-EI-AC", "V200R010C00SPC600", "2102359576DMHC000120")  # fmt: skip
    assert parse_classification(_system("1.3.6.1.4.1.2011.2.23.291", descr), {},
                                entities).serial == "SN9"  # fmt: skip


def test_sangfor_appliances_are_told_apart_by_product() -> None:
    """The sysDescr and 35047.1.1.0 of snmpsim-data's Sangfor walks (the lab serves them)."""
    wac = parse_classification(
        _system("1.3.6.1.4.1.35047.2.12", "Linux Wac"), {oids.SANGFOR_MODEL: b"WAC m5800"}, ()
    )
    assert (wac.vendor, wac.os, wac.kind, wac.hardware) == ("Sangfor", "sangfor", "wireless",
                                                            "WAC m5800")  # fmt: skip
    ac_descr = "Linux AC 2.4.35.4-AC1.95 #57 SMP  10 20 18:47:21 CST 2009 i686 i686 i386 GNU/Linux"
    ac = parse_classification(
        _system("1.3.6.1.4.1.35047.2.1", ac_descr), {oids.SANGFOR_MODEL: b"model=M5400"}, ()
    )
    assert (ac.kind, ac.hardware, ac.version) == ("firewall", "M5400", "AC1.95")
    ad_descr = "Linux AD-1800-FP2 2.6.30 #1 SMP Tue Feb 23 12:45:59 CST 2016 x86_64"
    ad = parse_classification(
        _system("1.3.6.1.4.1.35047", ad_descr), {oids.SANGFOR_MODEL: b'"LIHUA-H61'}, ()
    )
    assert (ad.vendor, ad.kind, ad.hardware, ad.version) == ("Sangfor", "load_balancer",
                                                             "AD-1800-FP2", None)  # fmt: skip
    vad = parse_classification(_system("1.3.6.1.4.1.35047", "Linux vAD1 2.6.30 #1 SMP"), {}, ())
    assert (vad.kind, vad.hardware) == ("load_balancer", "vAD1")
    # a Sangfor box that says nothing of its product stays a Linux server of Sangfor's
    other = parse_classification(_system("1.3.6.1.4.1.35047", "Linux box 3.10.0 #1 SMP"), {}, ())
    assert (other.vendor, other.kind) == ("Sangfor", "server")
