"""Linux parsers over output captured on a real Debian 12 host (fixtures/linux,
written by fixtures/linux/capture.py). The expected values were read from that
host when it was captured: a VM named "vm" without DMI tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from discovery.ssh.errors import ParseError
from discovery.ssh.platforms import get_platform
from discovery.ssh.platforms.linux import (
    FACT_COMMANDS,
    parse_host_facts,
    parse_ip_addr,
    parse_lsblk,
    parse_os_release,
    parse_packages,
    parse_ss_listening,
)
from discovery.ssh.records import Disk, HostFacts, LinuxAddress, ListeningService, Package

LINUX = Path(__file__).parent / "fixtures" / "linux"


def captured(key: str) -> str:
    return (LINUX / f"{key}.txt").read_text()


def all_outputs() -> dict[str, str]:
    return {c.key: captured(c.key) for c in get_platform("linux").commands}


def test_host_facts_of_the_captured_debian_12_vm() -> None:
    (facts,) = parse_host_facts({c.key: captured(c.key) for c in FACT_COMMANDS})
    assert facts == HostFacts(
        hostname="vm",
        fqdn=None,  # `hostname -f` printed the short name: no domain to report
        domain=None,
        os_id="debian",
        os_name="Debian GNU/Linux 12 (bookworm)",
        os_version_id="12",
        kernel="6.18.44-fc-v595",
        architecture="x86_64",
        cpu_model="AMD EPYC",
        cpu_count=2,
        memory_total_bytes=24684096 * 1024,
        machine_id="3d1219c7c4c5404aaa1f6d2a48adfda4",
        dmi_serial=None,  # /sys/class/dmi does not exist on this VM
        dmi_vendor=None,
        dmi_product=None,
    )


def test_fqdn_and_domain_when_hostname_f_resolves() -> None:
    outputs = {"hostname": "web01\n", "fqdn": "web01.dc1.example.net\n"}
    (facts,) = parse_host_facts(outputs)
    assert (facts.hostname, facts.fqdn, facts.domain) == (
        "web01",
        "web01.dc1.example.net",
        "dc1.example.net",
    )


def test_host_facts_need_a_hostname() -> None:
    with pytest.raises(ParseError) as caught:
        parse_host_facts({"hostname": "\n", "kernel": "6.1.0\n"})
    assert (caught.value.platform, caught.value.command) == ("linux", "hostname")


def test_os_release_unquotes_values() -> None:
    values = parse_os_release(captured("os_release"))
    assert values["VERSION_CODENAME"] == "bookworm"
    assert values["HOME_URL"] == "https://www.debian.org/"


def test_lsblk_json_disks() -> None:
    disks = parse_lsblk(captured("lsblk"))
    assert disks == (
        Disk("zram0", "/dev/zram0", "disk", 0, None, None, False, None),
        Disk("vda", "/dev/vda", "disk", 274877906944, None, None, True, "/"),
    )


def test_lsblk_pairs_format_and_partitions() -> None:
    # `lsblk -b -P -o NAME,KNAME,PATH,TYPE,SIZE,MODEL,SERIAL,ROTA,MOUNTPOINT` on util-linux 2.38
    text = (
        'NAME="sda" KNAME="sda" PATH="/dev/sda" TYPE="disk" SIZE="480103981056" '
        'MODEL="INTEL SSDSC2KB48" SERIAL="PHYS8123" ROTA="0" MOUNTPOINT=""\n'
        'NAME="sda1" KNAME="sda1" PATH="/dev/sda1" TYPE="part" SIZE="536870912" '
        'MODEL="" SERIAL="" ROTA="0" MOUNTPOINT="/boot/efi"\n'
    )
    sda, sda1 = parse_lsblk(text)
    assert (sda.model, sda.serial, sda.size_bytes, sda.rotational) == (
        "INTEL SSDSC2KB48",
        "PHYS8123",
        480103981056,
        False,
    )
    assert (sda1.type, sda1.mountpoint) == ("part", "/boot/efi")


def test_ip_addr_interfaces_and_addresses() -> None:
    interfaces = {i.name: i for i in parse_ip_addr(captured("ip_addr"))}
    assert set(interfaces) == {"lo", "ifb0", "ifb1", "eth0"}
    eth0 = interfaces["eth0"]
    assert (eth0.mac, eth0.mtu, eth0.state, eth0.link_type) == (
        "02:fc:00:00:00:01",
        1400,
        "up",
        "ether",
    )
    assert eth0.addresses[:2] == (
        LinuxAddress("inet", "192.0.2.2", 24, "global"),
        LinuxAddress("inet6", "fd00::2", 64, "global"),
    )
    assert [a.address for a in interfaces["lo"].addresses] == ["127.0.0.1", "::1"]
    assert interfaces["ifb0"].state == "down"


def test_ip_addr_rejects_non_json() -> None:
    with pytest.raises(ParseError, match="invalid JSON"):
        parse_ip_addr("1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536\n")


def test_dpkg_packages() -> None:
    packages = parse_packages(captured("packages"))
    by_name = {p.name: p for p in packages}
    assert len(packages) == 722
    assert by_name["bash"] == Package("bash", "5.2.15-2+b8", "amd64")
    assert by_name["openssh-server"].version == "1:9.2p1-2+deb12u10"
    assert by_name["adduser"].arch == "all"


def test_dpkg_skips_removed_packages_and_rpm_format_parses() -> None:
    dpkg = "#format dpkg\nrc \told-kernel\t1.0\tamd64\nii \tcurl\t7.88.1-10+deb12u5\tamd64\n"
    assert parse_packages(dpkg) == (Package("curl", "7.88.1-10+deb12u5", "amd64"),)
    rpm = "#format rpm\nbash\t5.1.8-9.el9\tx86_64\ngpg-pubkey\t8483c65d-5ccc5b19\t(none)\n"
    assert parse_packages(rpm)[0] == Package("bash", "5.1.8-9.el9", "x86_64")


def test_packages_without_marker_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="#format"):
        parse_packages("bash 5.2\n")


def test_ss_listening_sockets() -> None:
    assert parse_ss_listening(captured("listening")) == (
        ListeningService("tcp", "0.0.0.0", 2024, None, None),
    )


def test_ss_with_processes_and_ipv6() -> None:
    # captured while a test sshd, snmpsim agents and a JVM ran on the host
    services = parse_ss_listening(captured("listening_with_sshd"))
    assert len(services) == 6
    assert ListeningService("tcp", "127.0.0.1", 44095, "sshd", 12294) in services
    assert ListeningService("tcp", "::ffff:127.0.0.1", 17701, "java", 10460) in services
    assert ListeningService("tcp", "0.0.0.0", 2024, None, None) in services
    assert sum(s.proto == "udp" for s in services) == 3


def test_linux_platform_parses_every_captured_output_without_failures() -> None:
    parsed = get_platform("linux").parse(all_outputs())
    assert parsed.failures == {}
    assert len(parsed.of(HostFacts)) == 1
    assert len(parsed.of(Package)) == 722
    assert len(parsed.of(Disk)) == 2
