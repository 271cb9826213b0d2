"""Linux hosts: plain shell commands and pure Python parsers over their output.

The commands need nothing beyond a Debian 12 base system (coreutils,
util-linux, iproute2, dpkg); files that only root may read (DMI serial) are
optional and read with stderr discarded, so "unreadable" is empty output.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Mapping

from discovery.identifiers import normalize_mac
from discovery.ssh.errors import ParseError
from discovery.ssh.platforms.base import Combined, Command, Platform
from discovery.ssh.records import (
    Disk,
    HostFacts,
    LinuxAddress,
    LinuxInterface,
    ListeningService,
    Package,
    Record,
)

NAME = "linux"

PACKAGES_CLI = (
    "if command -v dpkg-query >/dev/null 2>&1; then echo '#format dpkg';"
    " dpkg-query -W -f='${db:Status-Abbrev}\\t${Package}\\t${Version}\\t${Architecture}\\n';"
    " elif command -v rpm >/dev/null 2>&1; then echo '#format rpm';"
    " rpm -qa --qf '%{NAME}\\t%{VERSION}-%{RELEASE}\\t%{ARCH}\\n'; fi"
)
LSBLK_CLI = "lsblk -b -J -o NAME,KNAME,PATH,TYPE,SIZE,MODEL,SERIAL,ROTA,MOUNTPOINT"

FACT_COMMANDS: tuple[Command, ...] = (
    Command("hostname", "hostname"),
    Command("fqdn", "hostname -f 2>/dev/null", required=False),
    Command("os_release", "cat /etc/os-release"),
    Command("kernel", "uname -r"),
    Command("arch", "uname -m"),
    Command("lscpu", "LC_ALL=C lscpu"),
    Command("nproc", "nproc --all", required=False),
    Command("meminfo", "cat /proc/meminfo"),
    Command("machine_id", "cat /etc/machine-id 2>/dev/null", required=False),
    Command("dmi_serial", "cat /sys/class/dmi/id/product_serial 2>/dev/null", required=False),
    Command("dmi_vendor", "cat /sys/class/dmi/id/sys_vendor 2>/dev/null", required=False),
    Command("dmi_product", "cat /sys/class/dmi/id/product_name 2>/dev/null", required=False),
)
INVENTORY_COMMANDS: tuple[Command, ...] = (
    Command("lsblk", LSBLK_CLI),
    Command("ip_addr", "ip -j addr show"),
    Command("packages", PACKAGES_CLI),
    Command("listening", "ss -H -tulpn"),
)

_SS_PROCESS = re.compile(r'users:\(\("(?P<name>[^"]*)",pid=(?P<pid>\d+)')
_LSBLK_PAIR = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def _one_line(text: str | None) -> str | None:
    """The first non-blank line, stripped; None for empty output."""
    if text is None:
        return None
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return None


def parse_os_release(text: str) -> dict[str, str]:
    """KEY=value pairs of /etc/os-release, with shell quoting removed."""
    values: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, raw = line.partition("=")
        try:
            words = shlex.split(raw)
        except ValueError:
            raise ParseError(NAME, "os_release", f"bad quoting on {key}") from None
        values[key.strip()] = " ".join(words)
    return values


def parse_lscpu(text: str) -> tuple[str | None, int | None]:
    """(model name, logical CPU count) from `LC_ALL=C lscpu`."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields.setdefault(key.strip(), value.strip())
    count = fields.get("CPU(s)")
    return fields.get("Model name") or None, int(count) if count and count.isdigit() else None


def parse_meminfo_total(text: str) -> int | None:
    """MemTotal from /proc/meminfo, in bytes."""
    match = re.search(r"^MemTotal:\s+(\d+)\s*kB", text, re.MULTILINE)
    return int(match.group(1)) * 1024 if match else None


def parse_host_facts(outputs: Mapping[str, str]) -> tuple[Record, ...]:
    """One HostFacts from the FACT_COMMANDS outputs present in `outputs`."""
    hostname = _one_line(outputs.get("hostname"))
    if hostname is None:
        raise ParseError(NAME, "hostname", "no hostname in output")
    fqdn = _one_line(outputs.get("fqdn"))
    if fqdn is not None and ("." not in fqdn or " " in fqdn):
        fqdn = None  # `hostname -f` printed the short name, or an error
    domain = fqdn.split(".", 1)[1] if fqdn else None
    os_release = parse_os_release(outputs.get("os_release", ""))
    cpu_model, cpu_count = parse_lscpu(outputs.get("lscpu", ""))
    if cpu_count is None:
        nproc = _one_line(outputs.get("nproc"))
        cpu_count = int(nproc) if nproc and nproc.isdigit() else None
    machine_id = _one_line(outputs.get("machine_id"))
    if machine_id is not None and not re.fullmatch(r"[0-9a-f]{32}", machine_id):
        machine_id = None
    return (
        HostFacts(
            hostname=hostname.split(".", 1)[0],
            fqdn=fqdn,
            domain=domain,
            os_id=os_release.get("ID"),
            os_name=os_release.get("PRETTY_NAME") or os_release.get("NAME"),
            os_version_id=os_release.get("VERSION_ID"),
            kernel=_one_line(outputs.get("kernel")),
            architecture=_one_line(outputs.get("arch")),
            cpu_model=cpu_model,
            cpu_count=cpu_count,
            memory_total_bytes=parse_meminfo_total(outputs.get("meminfo", "")),
            machine_id=machine_id,
            dmi_serial=_one_line(outputs.get("dmi_serial")),
            dmi_vendor=_one_line(outputs.get("dmi_vendor")),
            dmi_product=_one_line(outputs.get("dmi_product")),
        ),
    )


def _lsblk_bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if value in ("1", "0"):
        return value == "1"
    return None


def _lsblk_int(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _lsblk_str(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _disk(device: Mapping[str, object]) -> Disk:
    name = _lsblk_str(device.get("kname")) or _lsblk_str(device.get("name"))
    if name is None:
        raise ParseError(NAME, "lsblk", "block device without a name")
    return Disk(
        name=name,
        path=_lsblk_str(device.get("path")),
        type=_lsblk_str(device.get("type")) or "unknown",
        size_bytes=_lsblk_int(device.get("size")),
        model=_lsblk_str(device.get("model")),
        serial=_lsblk_str(device.get("serial")),
        rotational=_lsblk_bool(device.get("rota")),
        mountpoint=_lsblk_str(device.get("mountpoint")),
    )


def _flatten(devices: object) -> list[Mapping[str, object]]:
    flat: list[Mapping[str, object]] = []
    if isinstance(devices, list):
        for device in devices:
            if isinstance(device, dict):
                flat.append(device)
                flat.extend(_flatten(device.get("children")))
    return flat


def parse_lsblk(text: str) -> tuple[Disk, ...]:
    """Block devices (disks, partitions, LVs) from `lsblk -b -J` or `lsblk -b -P`."""
    if not text.strip():
        return ()
    if text.lstrip().startswith("{"):
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ParseError(NAME, "lsblk", f"invalid JSON: {exc.msg}") from None
        if not isinstance(document, dict) or "blockdevices" not in document:
            raise ParseError(NAME, "lsblk", "no 'blockdevices' in JSON")
        return tuple(_disk(d) for d in _flatten(document["blockdevices"]))
    disks = []
    for line in text.splitlines():
        pairs = {k.lower(): v for k, v in _LSBLK_PAIR.findall(line)}
        if line.strip() and not pairs:
            raise ParseError(NAME, "lsblk", 'neither JSON nor KEY="value" pairs')
        if pairs:
            disks.append(_disk(pairs))
    return tuple(disks)


def parse_ip_addr(text: str) -> tuple[LinuxInterface, ...]:
    """Interfaces and their addresses from `ip -j addr show`."""
    try:
        links = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(NAME, "ip_addr", f"invalid JSON: {exc.msg}") from None
    if not isinstance(links, list):
        raise ParseError(NAME, "ip_addr", "expected a JSON list of links")
    interfaces = []
    for link in links:
        if not isinstance(link, dict) or not isinstance(link.get("ifname"), str):
            continue  # `ip -j` may emit {} for links it could not describe
        addresses = tuple(
            LinuxAddress(
                family=info["family"],
                address=info["local"],
                prefix_length=int(info["prefixlen"]),
                scope=info.get("scope"),
            )
            for info in link.get("addr_info", [])
            if info.get("family") in ("inet", "inet6") and "local" in info
        )
        operstate = link.get("operstate")
        mtu = link.get("mtu")
        interfaces.append(
            LinuxInterface(
                name=link["ifname"],
                mac=normalize_mac(link.get("address")) if link.get("link_type") != "none" else None,
                mtu=mtu if isinstance(mtu, int) else None,
                state=operstate.lower() if isinstance(operstate, str) else None,
                link_type=link.get("link_type"),
                addresses=addresses,
            )
        )
    return tuple(interfaces)


def parse_packages(text: str) -> tuple[Package, ...]:
    """Installed packages from PACKAGES_CLI (dpkg or rpm, marked on the first line)."""
    lines = text.strip().splitlines()  # a shell session may add blank lines around it
    if not lines or not lines[0].startswith("#format "):
        if not text.strip():
            return ()
        raise ParseError(NAME, "packages", "no '#format' marker: no dpkg-query or rpm")
    kind = lines[0].split()[1]
    packages = []
    for line in lines[1:]:
        if not line.strip():
            continue
        fields = line.split("\t")
        if kind == "dpkg":
            if len(fields) != 4:
                raise ParseError(NAME, "packages", f"dpkg line with {len(fields)} fields")
            status, name, version, arch = fields
            if len(status) < 2 or status[1] != "i" or not version:
                continue  # removed, config-files only, half-installed ...
        elif kind == "rpm":
            if len(fields) != 3:
                raise ParseError(NAME, "packages", f"rpm line with {len(fields)} fields")
            name, version, arch = fields
        else:
            raise ParseError(NAME, "packages", f"unknown package format {kind!r}")
        packages.append(Package(name=name, version=version, arch=arch or None))
    return tuple(packages)


def _split_host_port(local: str) -> tuple[str, int]:
    host, sep, port = local.rpartition(":")
    if not sep or not port.isdigit():
        raise ParseError(NAME, "listening", f"bad local address {local!r}")
    host = host.split("%", 1)[0]  # 127.0.0.53%lo -> 127.0.0.53
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host, int(port)


def parse_ss_listening(text: str) -> tuple[ListeningService, ...]:
    """Listening TCP and bound UDP sockets from `ss -H -tulpn`."""
    services = []
    for line in text.splitlines():
        fields = line.split()
        if not fields:
            continue
        if len(fields) < 5 or fields[0] not in ("tcp", "udp"):
            raise ParseError(NAME, "listening", f"unexpected line {line.strip()!r}")
        host, port = _split_host_port(fields[4])
        match = _SS_PROCESS.search(line)
        services.append(
            ListeningService(
                proto="tcp" if fields[0] == "tcp" else "udp",
                local_address=host,
                port=port,
                process=match.group("name") if match else None,
                pid=int(match.group("pid")) if match else None,
            )
        )
    return tuple(services)


PLATFORM = Platform(
    name=NAME,
    vendor="Linux",
    device_type="linux",
    commands=FACT_COMMANDS + INVENTORY_COMMANDS,
    parsers={
        "lsblk": parse_lsblk,
        "ip_addr": parse_ip_addr,
        "packages": parse_packages,
        "listening": parse_ss_listening,
    },
    combined=(Combined(keys=tuple(c.key for c in FACT_COMMANDS), parse=parse_host_facts),),
    error_markers=("command not found", "No such file or directory", "Permission denied"),
)
