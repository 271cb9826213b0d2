"""Which platform is this? From `show version` / `uname -a` text (pure), or live
through netmiko's SSHDetect, kept to the platforms we can parse.

The pure patterns start from netmiko's own (`SSH_MAPPER_DICT`) so both agree,
plus a few that netmiko lacks (Junos releases that print "Junos:" only,
IOS-XE banners).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from discovery.ssh.collect import netmiko_errors
from discovery.ssh.platforms import PLATFORMS
from discovery.ssh.targets import SSHCredentials, SSHTarget, SSHTimeouts

# Most specific first: NX-OS and Junos banners can mention "Cisco"/"Linux".
_ORDER = ("cisco_nxos", "juniper_junos", "arista_eos", "cisco_ios")
_EXTRA_PATTERNS: Mapping[str, tuple[str, ...]] = {
    "cisco_nxos": (r"Cisco Nexus Operating System", r"NX-OS"),
    "juniper_junos": (r"^Junos:\s", r"^JUNOS ", r"JUNOS Software Release"),
    "arista_eos": (r"^Arista ", r"vEOS", r"cEOS"),
    "cisco_ios": (r"Cisco IOS Software", r"Cisco IOS XE Software", r"IOS \(tm\)"),
}


def _patterns() -> dict[str, tuple[re.Pattern[str], ...]]:
    from netmiko.ssh_autodetect import SSH_MAPPER_DICT

    compiled: dict[str, tuple[re.Pattern[str], ...]] = {}
    for name in _ORDER:
        found = SSH_MAPPER_DICT.get(name, {}).get("search_patterns", ())
        theirs: tuple[str, ...] = tuple(str(p) for p in found) if isinstance(found, list) else ()
        compiled[name] = tuple(
            re.compile(p, re.MULTILINE) for p in (*theirs, *_EXTRA_PATTERNS[name])
        )
    return compiled


_PATTERNS = _patterns()
_LINUX = re.compile(r"^Linux\s+\S+\s+\d+\.\d+", re.MULTILINE)
_JUNOS_PROMPT = re.compile(r"^[\w.\-]+@[\w.\-]+[>#]\s*$")
_LINUX_PROMPT = re.compile(r"^[\w.\-]+@[\w.\-]+(:\S*)?\s?[$#]\s*$|^\[[^\]]+\][$#]\s*$")


def detect_from_show_version(text: str) -> str | None:
    """The network platform whose `show version` this is, or None."""
    for name in _ORDER:
        if any(p.search(text) for p in _PATTERNS[name]):
            return name
    return None


def detect_from_uname(text: str) -> str | None:
    """ "linux" when `uname -a` says so."""
    return "linux" if _LINUX.search(text) else None


def candidates_from_prompt(prompt: str) -> tuple[str, ...]:
    """Platforms a prompt is compatible with (a hint, never proof).

    `user@host>` is Junos operational mode; `user@host:~$` / `[user@host ~]#` is a
    Unix shell; `host#` / `host>` is any of the Cisco-like CLIs.
    """
    line = prompt.strip().splitlines()[-1] if prompt.strip() else ""
    if _LINUX_PROMPT.match(line):
        return ("linux",)
    if _JUNOS_PROMPT.match(line):
        return ("juniper_junos",)
    if re.match(r"^[\w.\-/()]+[>#]\s*$", line):
        return ("cisco_ios", "cisco_nxos", "arista_eos")
    return ()


def detect_platform(
    target: SSHTarget, credentials: SSHCredentials, timeouts: SSHTimeouts
) -> str | None:
    """Ask the device through netmiko's SSHDetect; only platforms we parse count.

    SSHDetect tries many vendors' commands, so this costs several seconds; run it
    once per new target and remember the answer.
    """
    from netmiko import SSHDetect

    with netmiko_errors(target, timeouts):
        detector = SSHDetect(
            device_type="autodetect",
            host=target.host,
            port=target.port,
            username=credentials.username,
            password=credentials.password or "",
            key_file=str(credentials.key_file) if credentials.key_file else None,
            use_keys=credentials.key_file is not None,
            allow_agent=False,
            conn_timeout=timeouts.conn,
            banner_timeout=timeouts.banner,
            auth_timeout=timeouts.auth,
        )
    try:
        with netmiko_errors(target, timeouts):
            best = detector.autodetect()
        if best in PLATFORMS:
            return str(best)
        ours = {k: v for k, v in detector.potential_matches.items() if k in PLATFORMS}
        return max(ours, key=lambda k: ours[k]) if ours else None
    finally:
        detector.connection.disconnect()
