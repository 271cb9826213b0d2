from __future__ import annotations

from pathlib import Path

import pytest

from discovery.ssh.detect import candidates_from_prompt, detect_from_show_version, detect_from_uname

NTC = Path(__file__).parent / "fixtures" / "ntc"
VERSIONS = sorted([*NTC.glob("*/show_version/*.raw"), *NTC.glob("*/display_version/*.raw")])


@pytest.mark.parametrize("path", VERSIONS, ids=lambda p: p.stem)
def test_every_recorded_show_version_is_detected_as_its_platform(path: Path) -> None:
    assert detect_from_show_version(path.read_text()) == path.parent.parent.name


def test_every_platform_we_parse_has_a_recorded_version_to_detect_it_by() -> None:
    detected = {path.parent.parent.name for path in VERSIONS}
    assert detected >= {"cisco_ios", "cisco_nxos", "arista_eos", "juniper_junos", "huawei_vrp",
                        "hp_comware", "cisco_asa", "ruijie_os"}  # fmt: skip


def test_nxos_without_its_banner_is_told_by_its_model_and_software_lines() -> None:
    """A Nexus 5596 on 7.1 starts `show version` with "Documents:" and never says
    NX-OS: its chassis line, its kickstart/system lines or its image names tell."""
    (path,) = [p for p in VERSIONS if p.stem == "cisco_nxos_show_version2"]
    text = path.read_text()
    assert "NX-OS" not in text and "Nexus Operating System" not in text
    assert detect_from_show_version(text) == "cisco_nxos"
    for line in ("  cisco Nexus 5596 Chassis (\"O2 48X10GE/Modular Supervisor\")",
                 "  cisco Nexus9000 C9396PX Chassis",
                 "  kickstart: version 7.1(4)N1(1)",
                 "  NXOS: version 9.3(8)",
                 "  system image file is:    bootflash:///n5000-uk9.7.1.4.N1.1.bin"):  # fmt: skip
        assert detect_from_show_version(line + "\n") == "cisco_nxos", line
    # an IOS switch's model line is not a Nexus one
    assert detect_from_show_version("cisco WS-C3750X-48P (PowerPC405) processor\n") is None


@pytest.mark.parametrize(
    ("first_lines", "platform"),
    [
        ("H3C Comware Platform Software\nComware Software, Version 7.1.070, Release 3506P03\n",
         "hp_comware"),
        ("HPE Comware Software, Version 7.1.064, Release 6749P43\n", "hp_comware"),
        ("Huawei Versatile Routing Platform Software\nVRP (R) software, Version 5.170\n",
         "huawei_vrp"),
        ("System description      : Ruijie 10G Ethernet Switch(S5750) By Ruijie Networks\n",
         "ruijie_os"),
        ("Cisco Adaptive Security Appliance Software Version 9.8(3)21 <context>\n", "cisco_asa"),
    ],
)  # fmt: skip
def test_vendor_banners(first_lines: str, platform: str) -> None:
    assert detect_from_show_version(first_lines) == platform


def test_unknown_banner_and_uname() -> None:
    assert detect_from_show_version("RouterOS 7.12 (stable)\n") is None
    uname = "Linux vm 6.18.44-fc-v595 #1 SMP PREEMPT_DYNAMIC x86_64 GNU/Linux\n"
    assert detect_from_uname(uname) == "linux"
    assert detect_from_uname("FreeBSD fw1 14.0-RELEASE amd64\n") is None


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("admin@mx240-lab>", ("juniper_junos",)),
        ("root@vm:~#", ("linux",)),
        ("[ops@web01 ~]$", ("linux",)),
        ("core-sw1#", ("cisco_ios", "cisco_nxos", "arista_eos", "cisco_asa", "ruijie_os")),
        ("asa1/admin>", ("cisco_ios", "cisco_nxos", "arista_eos", "cisco_asa", "ruijie_os")),
        ("<HUAWEI>", ("huawei_vrp", "hp_comware")),
        ("[~CE6850-1]", ("huawei_vrp", "hp_comware")),
        ("[H3C-GigabitEthernet0/0]", ("huawei_vrp", "hp_comware")),
        ("", ()),
    ],
)
def test_prompt_hints(prompt: str, expected: tuple[str, ...]) -> None:
    assert candidates_from_prompt(prompt) == expected
