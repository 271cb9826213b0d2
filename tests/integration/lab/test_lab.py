"""The device lab as discovery sees it: SNMP v2c/v3, netmiko per platform, real sshd
in namespaces; and `down` leaves nothing behind."""

import asyncio
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import paramiko
import pytest
from netmiko import ConnectHandler
from pysnmp.hlapi.v3arch.asyncio import (
    CommunityData,
    ContextData,
    ObjectIdentity,
    ObjectType,
    SnmpEngine,
    UdpTransportTarget,
    UsmUserData,
    bulk_walk_cmd,
    get_cmd,
    usmAesCfb128Protocol,
    usmHMACSHAAuthProtocol,
)

import lab
from lab import procs
from lab.config import LabOptions
from lab.facts import display
from lab.snmprec import read_source, sanitise

pytestmark = pytest.mark.lab
SYS_DESCR = "1.3.6.1.2.1.1.1.0"


def _secrets(manifest: lab.Manifest) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(Path(manifest.credentials_file).read_text())
    return data


def _recorded(path: str, oid: str) -> str:
    return display(next(r for r in sanitise(read_source(Path(path))) if r[0] == oid))


async def _get(address: str, auth: Any, oid: str) -> str:
    engine = SnmpEngine()
    target = await UdpTransportTarget.create((address, 161), timeout=3, retries=1)
    error, status, _, binds = await get_cmd(
        engine, auth, target, ContextData(), ObjectType(ObjectIdentity(oid))
    )
    engine.close_dispatcher()
    assert error is None and not status, (error, status)
    return str(binds[0][1])


async def _walk(address: str, auth: Any, oid: str) -> list[str]:
    engine = SnmpEngine()
    target = await UdpTransportTarget.create((address, 161), timeout=3, retries=1)
    out = []
    async for error, status, _, binds in bulk_walk_cmd(
        engine,
        auth,
        target,
        ContextData(),
        0,
        25,
        ObjectType(ObjectIdentity(oid)),
        lexicographicMode=False,
    ):
        assert error is None and not status, (error, status)
        out += [str(b[0]) for b in binds]
    engine.close_dispatcher()
    return out


def _v2c(manifest: lab.Manifest) -> CommunityData:
    return CommunityData(_secrets(manifest)["snmp"]["communities"][0]["community"])


def _v3(manifest: lab.Manifest) -> UsmUserData:
    user = _secrets(manifest)["snmp"]["v3_users"][0]
    return UsmUserData(
        user["user"],
        user["auth_key"],
        user["priv_key"],
        authProtocol=usmHMACSHAAuthProtocol,
        privProtocol=usmAesCfb128Protocol,
    )


def test_manifest_names_credentials_never_secrets(running_lab: lab.Manifest) -> None:
    text = Path(running_lab.state_dir, "manifest.json").read_text()
    secrets = _secrets(running_lab)
    assert secrets["snmp"]["communities"][0]["community"] not in text
    assert secrets["ssh"]["users"][0]["password"] not in text
    assert Path(running_lab.credentials_file).stat().st_mode & 0o077 == 0
    kinds = {d.kind for d in running_lab.devices}
    assert kinds == {"snmp-sim", "ssh-sim", "linux-host"}


def test_snmp_sysdescr_v2c_and_v3_match_recordings(running_lab: lab.Manifest) -> None:
    ios = running_lab.device("ios_2960x")
    arista = running_lab.device("arista_eos")
    assert ios.address != arista.address
    got_ios = asyncio.run(_get(ios.address, _v2c(running_lab), SYS_DESCR))
    got_arista = asyncio.run(_get(arista.address, _v3(running_lab), SYS_DESCR))
    assert got_ios == _recorded(ios.recording, SYS_DESCR) == ios.facts["sys_descr"]
    assert got_arista == _recorded(arista.recording, SYS_DESCR)
    assert got_ios != got_arista


def test_snmp_walk_crosses_anonymised_rows(running_lab: lab.Manifest) -> None:
    windows = running_lab.device("windows_svr_2019_1809")
    oids = asyncio.run(_walk(windows.address, _v2c(running_lab), "1.3.6.1.2.1.4"))
    assert any(o.startswith("1.3.6.1.2.1.4.20.") for o in oids)
    assert any(o.startswith("1.3.6.1.2.1.4.22.") for o in oids)  # walked past the xx rows


def test_snmpsim_data_device_is_served(running_lab: lab.Manifest) -> None:
    device = running_lab.device("network-switch-cisco-c3750")
    got = asyncio.run(_get(device.address, _v2c(running_lab), "1.3.6.1.2.1.1.5.0"))
    assert got == device.facts["sys_name"] and got.startswith("DUMSYS")


def _strip_junos_context(text: str) -> str:
    return re.sub(r"^\{[\w:]+\}\s*$", "", text, flags=re.MULTILINE).strip()


@pytest.mark.parametrize("platform", ["cisco_ios", "cisco_nxos", "arista_eos", "juniper_junos",
                                      "huawei_vrp", "hp_comware", "cisco_asa", "ruijie_os"])  # fmt: skip
def test_netmiko_show_version_is_the_recording(running_lab: lab.Manifest, platform: str) -> None:
    """netmiko's own session set-up for each device type, then the version command
    (`display version` on Huawei and H3C) and a command the device rejects."""
    device = next(d for d in running_lab.of_kind("ssh-sim") if d.platform == platform)
    version = "display version" if platform in ("huawei_vrp", "hp_comware") else "show version"
    user = _secrets(running_lab)["ssh"]["users"][0]
    auth: dict[str, Any] = {"password": user["password"]}
    if platform in ("arista_eos", "juniper_junos"):  # these two log in with the key
        auth = {"use_keys": True, "key_file": user["private_key_file"], "allow_agent": False}
    with ConnectHandler(
        device_type=platform,
        host=device.address,
        port=device.ports["ssh"],
        username=user["username"],
        **auth,
    ) as conn:
        output = conn.send_command(version)
        error = conn.send_command(f"{version.split()[0]} no such thing")
        assert device.facts["hostname"] in conn.find_prompt()
    recorded = Path(device.facts["commands"][version]).read_text()
    assert isinstance(output, str) and isinstance(error, str)  # no parser was asked for
    assert _strip_junos_context(output) == _strip_junos_context(recorded)
    assert "nvalid" in error or "unknown command" in error or "Unrecognized command" in error


def test_namespace_hosts_run_real_sshd_with_their_own_names(running_lab: lab.Manifest) -> None:
    user = _secrets(running_lab)["linux"]["user"]
    machine_ids = set()
    for host in running_lab.of_kind("linux-host"):
        client = paramiko.SSHClient()
        client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
        try:
            client.connect(
                host.address,
                username=user["username"],
                password=user["password"],
                allow_agent=False,
                look_for_keys=False,
                timeout=10,
            )
            _, stdout, _ = client.exec_command("hostname; cat /etc/machine-id")
            name, machine_id = stdout.read().decode().split()
        finally:
            client.close()
        assert name == host.facts["hostname"] == host.name
        machine_ids.add(machine_id)
        got = asyncio.run(_get(host.address, _v3(running_lab), "1.3.6.1.2.1.1.5.0"))
        assert got == host.name
    assert len(machine_ids) == len(running_lab.of_kind("linux-host")) == 2


def test_up_is_idempotent(running_lab: lab.Manifest, lab_options: LabOptions) -> None:
    again = lab.up(lab_options)
    assert again.processes == running_lab.processes
    assert lab.status(lab_options.state_dir, lab_options.config).running


def test_down_leaves_no_process_and_no_namespace(
    running_lab: lab.Manifest, lab_options: LabOptions
) -> None:
    pids = procs.read_records(lab_options.state_dir)
    assert len(pids) >= 2 + 3 * 2  # agent, ssh sim, and init+sshd+snmpd per host
    lab.down(lab_options.state_dir, lab_options.config)
    assert not any(Path(f"/proc/{p.pid}").exists() and p.alive for p in pids)
    listing = subprocess.run(
        ["ip", "netns", "list"], capture_output=True, text=True, check=True
    ).stdout
    assert "cmdbtst-" not in listing
    assert not lab.status(lab_options.state_dir, lab_options.config).processes
