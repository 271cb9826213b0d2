"""Which platform is this? From `show version` / `display version` / `uname -a`
text and the prompt. Pure: probe.py asks the questions.

The patterns start from netmiko's own (`SSH_MAPPER_DICT`) so both agree, plus what
netmiko lacks: Junos releases that print "Junos:" only, IOS-XE banners, NX-OS
releases whose `show version` starts with "Documents:" and names the OS only in
its model and image lines (`cisco Nexus 5596 Chassis`, `n5000-uk9...bin`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# Most specific first: NX-OS and Junos banners can mention "Cisco"/"Linux", an ASA's
# or a Ruijie's nothing of IOS, but keep them before it all the same.
_ORDER = ("cisco_nxos", "juniper_junos", "arista_eos", "cisco_asa", "ruijie_os",
          "hp_comware", "huawei_vrp", "cisco_ios")  # fmt: skip
# netmiko's names for the same detection where they differ from ours.
_NETMIKO_NAMES: Mapping[str, tuple[str, ...]] = {
    "hp_comware": ("hp_comware", "h3c_comware"),
    "huawei_vrp": ("huawei",),
}
_EXTRA_PATTERNS: Mapping[str, tuple[str, ...]] = {
    "cisco_nxos": (
        r"Cisco Nexus Operating System",
        r"NX-OS",
        r"^\s*cisco Nexus\s?\d+\S*\s.*[Cc]hassis",  # the model line
        r"^\s*(kickstart|NXOS|system):\s+version\s",  # the software lines
        r"image file is:\s+\S*/n\d+k?-\S+\.bin",
    ),
    "juniper_junos": (r"^Junos:\s", r"^JUNOS ", r"JUNOS Software Release"),
    "arista_eos": (r"^Arista ", r"vEOS", r"cEOS"),
    "cisco_asa": (r"^Cisco Adaptive Security Appliance Software Version",),
    "ruijie_os": (r"Ruijie Networks", r"^System software version\s*:.*RGOS", r"\bRGOS \d"),
    "hp_comware": (r"^(H3C |HPE? )?Comware (Platform )?Software", r"^Comware Software, Version"),
    "huawei_vrp": (r"^Huawei Versatile Routing Platform Software", r"^VRP \(R\) software"),
    "cisco_ios": (r"Cisco IOS Software", r"Cisco IOS XE Software", r"IOS \(tm\)"),
}


def _patterns() -> dict[str, tuple[re.Pattern[str], ...]]:
    from netmiko.ssh_autodetect import SSH_MAPPER_DICT

    compiled: dict[str, tuple[re.Pattern[str], ...]] = {}
    for name in _ORDER:
        theirs: tuple[str, ...] = ()
        for netmiko_name in _NETMIKO_NAMES.get(name, (name,)):
            found = SSH_MAPPER_DICT.get(netmiko_name, {}).get("search_patterns", ())
            theirs += tuple(str(p) for p in found) if isinstance(found, list) else ()
        compiled[name] = tuple(
            re.compile(p, re.MULTILINE) for p in (*theirs, *_EXTRA_PATTERNS[name])
        )
    return compiled


_PATTERNS = _patterns()
_LINUX = re.compile(r"^Linux\s+\S+\s+\d+\.\d+", re.MULTILINE)
_JUNOS_PROMPT = re.compile(r"^[\w.\-]+@[\w.\-]+[>#]\s*$")
_VRP_PROMPT = re.compile(r"^(<[^<>\s]+>|\[[~*]?[^\[\]\s]+\])\s*$")
CISCO_LIKE = ("cisco_ios", "cisco_nxos", "arista_eos", "cisco_asa", "ruijie_os")
VRP_LIKE = ("huawei_vrp", "hp_comware")
_LINUX_PROMPT = re.compile(r"^[\w.\-]+@[\w.\-]+(:\S*)?\s?[$#]\s*$|^\[[^\]]+\][$#]\s*$")


def detect_from_show_version(text: str) -> str | None:
    """The network platform whose `show version` (`display version` on Huawei and
    H3C) this is, or None."""
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
    Unix shell; `<host>` (user view) or `[host]` / `[~host]` (system view) is Huawei
    VRP or H3C Comware; `host#` / `host>` is any of the Cisco-like CLIs.
    """
    line = prompt.strip().splitlines()[-1] if prompt.strip() else ""
    if _LINUX_PROMPT.match(line):
        return ("linux",)
    if _JUNOS_PROMPT.match(line):
        return ("juniper_junos",)
    if _VRP_PROMPT.match(line):
        return VRP_LIKE
    if re.match(r"^[\w.\-/()]+[>#]\s*$", line):
        return CISCO_LIKE
    return ()
