"""Real Linux servers: network namespaces running Debian's OpenSSH sshd and net-snmp.

Each host gets a namespace `<prefix>-<hostname>`, a veth into a bridge in the root
namespace on the lab block (RFC 2544 198.18.0.0/15), its own hostname (UTS namespace),
machine-id, passwd/shadow with the lab user (bind mounts, private to the host), and
generated sshd_config and snmpd.conf. No default route inside: the hosts can reach only
the lab block, and the root namespace reaches them on their lab addresses.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import subprocess
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from lab import procs
from lab.config import LabConfig
from lab.errors import LabStartError, NetnsUnavailableError

SSHD = "/usr/sbin/sshd"
SNMPD = "/usr/sbin/snmpd"
# The Debian packages the namespace hosts run, each with the program it must provide.
APT_PACKAGES: Mapping[str, str] = {"openssh-server": SSHD, "snmpd": SNMPD}
LAB_UID = 64123
NOGROUP_GID = 65534


@dataclass(frozen=True)
class LinuxHost:
    hostname: str
    namespace: str
    address: str
    machine_id: str


def _run(*argv: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(list(argv), capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise LabStartError(f"`{' '.join(argv)}` failed: {result.stderr.strip()}")
    return result


def ensure_packages(packages: Mapping[str, str] = APT_PACKAGES) -> None:
    """Install with apt-get those Debian packages (name -> a program it provides) whose
    program is missing; by default the namespace hosts' openssh-server and snmpd."""
    missing = sorted(name for name, program in packages.items() if not os.path.exists(program))
    if not missing:
        return
    if shutil.which("apt-get") is None:
        programs = ", ".join(packages[name] for name in missing)
        raise LabStartError(f"{programs} missing and no apt-get to install {' '.join(missing)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for argv in (["apt-get", "update", "-q"],
                 ["apt-get", "install", "-y", "-q", *missing]):
        result = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
        if result.returncode != 0:
            raise LabStartError(f"`{' '.join(argv)}` failed: {result.stderr.strip()[-500:]}")


def check_available(prefix: str) -> None:
    """Raise NetnsUnavailableError saying precisely why namespaces cannot be made."""
    if os.geteuid() != 0:
        raise NetnsUnavailableError(
            "namespace hosts need root (ip netns add needs CAP_SYS_ADMIN); "
            "run as root or use --no-linux")
    if shutil.which("ip") is None:
        raise NetnsUnavailableError("the `ip` command (iproute2) is missing")
    probe = f"{prefix}-probe"
    result = _run("ip", "netns", "add", probe, check=False)
    if result.returncode != 0:
        raise NetnsUnavailableError(f"`ip netns add` failed: {result.stderr.strip()}")
    _run("ip", "netns", "del", probe, check=False)


def bridge_name(prefix: str) -> str:
    return f"{prefix}br0"[:15]


def lab_namespaces(prefix: str) -> list[str]:
    listing = _run("ip", "netns", "list", check=False).stdout
    names = [line.split()[0] for line in listing.splitlines() if line.strip()]
    return [n for n in names if n.startswith(f"{prefix}-")]


def remove_all(prefix: str) -> list[str]:
    """Kill what still runs in the lab's namespaces, delete them and the bridge."""
    removed = []
    for namespace in lab_namespaces(prefix):
        pids = _run("ip", "netns", "pids", namespace, check=False).stdout.split()
        for pid in pids:
            started = procs.start_time(int(pid))
            if started is not None:
                procs.stop(procs.ProcessRecord(namespace, int(pid), started), grace=2.0)
        _run("ip", "netns", "del", namespace, check=False)
        removed.append(namespace)
    if _run("ip", "link", "show", bridge_name(prefix), check=False).returncode == 0:
        _run("ip", "link", "del", bridge_name(prefix), check=False)
    return removed


def plan_hosts(config: LabConfig) -> list[LinuxHost]:
    net = ipaddress.IPv4Network(config.netns.block)
    hosts = list(net.hosts())
    return [
        LinuxHost(name, f"{config.prefix}-{name}", str(hosts[9 + i]),
                  uuid.uuid5(uuid.NAMESPACE_DNS, f"{config.prefix}.{name}").hex)
        for i, name in enumerate(config.netns.hosts)
    ]


def _setup_network(config: LabConfig, hosts: list[LinuxHost]) -> None:
    net = ipaddress.IPv4Network(config.netns.block)
    gateway = f"{next(net.hosts())}/{net.prefixlen}"
    bridge = bridge_name(config.prefix)
    _run("ip", "link", "add", bridge, "type", "bridge")
    _run("ip", "addr", "add", gateway, "dev", bridge)
    _run("ip", "link", "set", bridge, "up")
    for i, host in enumerate(hosts):
        outer, inner = f"{config.prefix}h{i}"[:15], f"{config.prefix}n{i}"[:15]
        _run("ip", "netns", "add", host.namespace)
        _run("ip", "link", "add", outer, "type", "veth", "peer", "name", inner)
        _run("ip", "link", "set", outer, "master", bridge, "up")
        _run("ip", "link", "set", inner, "netns", host.namespace)
        inside = ("ip", "netns", "exec", host.namespace)
        _run(*inside, "ip", "link", "set", "lo", "up")
        _run(*inside, "ip", "link", "set", inner, "name", "eth0")
        _run(*inside, "ip", "addr", "add", f"{host.address}/{net.prefixlen}", "dev", "eth0")
        _run(*inside, "ip", "link", "set", "eth0", "up")
        _run(*inside, "sysctl", "-q", "-w", "net.ipv4.ip_forward=0")


def _password_hash(password: str) -> str:
    result = subprocess.run(["openssl", "passwd", "-6", "-stdin"], input=password,
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise LabStartError("openssl passwd failed to hash the lab user's password")
    return result.stdout.strip()


def _write(path: Path, text: str, mode: int = 0o600) -> None:
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)


def _host_files(config: LabConfig, host: LinuxHost, directory: Path, pub_key: str,
                state_dir: Path) -> Path:
    user = config.netns.user
    home = directory / "home"
    home.mkdir(parents=True, exist_ok=True)
    (directory / "snmp").mkdir(exist_ok=True)
    _write(directory / "machine-id", host.machine_id + "\n", 0o444)
    passwd = Path("/etc/passwd").read_text(encoding="utf-8")
    _write(directory / "passwd",
           passwd + f"{user.username}:x:{LAB_UID}:{NOGROUP_GID}:cmdb lab:{home}:/bin/bash\n", 0o644)
    shadow = Path("/etc/shadow").read_text(encoding="utf-8")
    _write(directory / "shadow",
           shadow + f"{user.username}:{_password_hash(user.password)}:19000:0:99999:7:::\n")
    _write(directory / "authorized_keys", pub_key, 0o644)
    key = directory / "ssh_host_ed25519_key"
    if not key.exists():
        _run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key))
    _write(directory / "sshd_config", "\n".join([
        f"ListenAddress {host.address}:22",
        f"HostKey {key}",
        "PidFile none",
        "UsePAM no",
        "PasswordAuthentication yes",
        "KbdInteractiveAuthentication no",
        "PubkeyAuthentication yes",
        f"AuthorizedKeysFile {directory / 'authorized_keys'}",
        "PermitRootLogin no",
        f"AllowUsers {user.username}",
        "StrictModes no",
        "",
    ]))
    snmp = config.snmp
    lines = [f"agentAddress udp:{host.address}:161", "sysServices 72"]
    lines += [f"rocommunity {c.community} {config.netns.block}" for c in snmp.communities]
    for v3 in snmp.v3_users:
        lines.append(f'createUser {v3.user} SHA "{v3.auth_key}" AES "{v3.priv_key}"')
        lines.append(f"rouser {v3.user} priv")
    _write(directory / "snmpd.conf", "\n".join(lines) + "\n")
    pids = procs.pid_dir(state_dir)
    script = f"""set -e
hostname {host.hostname}
mount --bind {directory}/machine-id /etc/machine-id
mount --bind {directory}/passwd /etc/passwd
mount --bind {directory}/shadow /etc/shadow
mkdir -p /run/sshd
{SSHD} -D -f {directory}/sshd_config -E {directory}/sshd.log &
echo "$! $(cut -d' ' -f22 /proc/$!/stat)" > {pids}/{host.hostname}-sshd.pid
SNMP_PERSISTENT_DIR={directory}/snmp {SNMPD} -f -C -c {directory}/snmpd.conf \\
  -Lf {directory}/snmpd.log &
echo "$! $(cut -d' ' -f22 /proc/$!/stat)" > {pids}/{host.hostname}-snmpd.pid
wait
"""
    _write(directory / "run.sh", script, 0o700)
    return directory / "run.sh"


def start_hosts(config: LabConfig, state_dir: Path, pub_key: str) -> list[LinuxHost]:
    """Create the namespaces and start sshd + snmpd in each; return the hosts."""
    ensure_packages()
    check_available(config.prefix)
    remove_all(config.prefix)
    hosts = plan_hosts(config)
    _setup_network(config, hosts)
    procs.pid_dir(state_dir).mkdir(parents=True, exist_ok=True)
    for host in hosts:
        directory = state_dir / "hosts" / host.hostname
        directory.mkdir(parents=True, exist_ok=True)
        script = _host_files(config, host, directory, pub_key, state_dir)
        argv = ["/usr/bin/env", "ip", "netns", "exec", host.namespace,
                "unshare", "--uts", "--mount", "--propagation", "private", "/bin/sh", str(script)]
        procs.spawn(state_dir, f"{host.hostname}-init", argv, {"PATH": os.environ["PATH"]})
    return hosts
