"""Names as both discovery paths must write them, so that SNMP and SSH facts about the same
box meet on the same identifiers: host names split from domains, interface names in one
canonical long form, MACs in lower-case colon form.
"""

from __future__ import annotations

import re

# Short forms network OSes and LLDP/CDP use, with their long form. Longest prefix wins.
_IF_PREFIXES = {
    "hu": "HundredGigE",
    "hundredgige": "HundredGigE",
    "fo": "FortyGigabitEthernet",
    "fortygigabitethernet": "FortyGigabitEthernet",
    "twe": "TwentyFiveGigE",
    "twentyfivegige": "TwentyFiveGigE",
    "te": "TenGigabitEthernet",
    "tengigabitethernet": "TenGigabitEthernet",
    "tengige": "TenGigabitEthernet",
    "gi": "GigabitEthernet",
    "gigabitethernet": "GigabitEthernet",
    "fa": "FastEthernet",
    "fastethernet": "FastEthernet",
    "eth": "Ethernet",
    "et": "Ethernet",
    "ethernet": "Ethernet",
    "po": "Port-channel",
    "port-channel": "Port-channel",
    "vl": "Vlan",
    "vlan": "Vlan",
    "lo": "Loopback",
    "loopback": "Loopback",
    "mgmt": "mgmt",
    "ma": "Management",
    "management": "Management",
}
_IF_SPLIT = re.compile(r"^([A-Za-z][A-Za-z-]*?)\s*(\d[\w/.:-]*)$")
_MAC_HEX = re.compile(r"[^0-9a-f]")
_LINUX_NAME = re.compile(r"^(eth|en|wl|bond|br|veth|lo)[a-z0-9]*$")  # kernel names stay


def split_fqdn(name: str | None) -> tuple[str | None, str | None]:
    """'sw1.example.com' -> ('sw1', 'example.com'); host part lower-cased; IPs untouched."""
    if not name:
        return None, None
    name = name.strip().rstrip(".")
    if not name or re.fullmatch(r"[\d.]+|[0-9a-fA-F:]+", name):
        return (name or None), None
    host, _, domain = name.partition(".")
    return host.lower(), (domain.lower() or None)


def canonical_ifname(name: str | None) -> str | None:
    """'Gi1/0/1', 'gi1/0/1' and 'GigabitEthernet1/0/1' -> 'GigabitEthernet1/0/1'.

    Names that are not a known prefix followed by a number (Junos 'ge-0/0/0') and Linux
    kernel names ('eth0', 'ens3', 'bond0') are kept as they are.
    """
    if name is None:
        return None
    name = name.strip()
    if _LINUX_NAME.match(name):
        return name
    match = _IF_SPLIT.match(name)
    if not match or ("-" in name.split("/")[0] and not name.lower().startswith("port-channel")):
        return name
    prefix, rest = match.groups()
    long = _IF_PREFIXES.get(prefix.lower())
    return f"{long}{rest}" if long else name


def normalize_mac(value: str | None) -> str | None:
    """Any MAC notation -> 'aa:bb:cc:dd:ee:ff'; None when not 12 hex digits."""
    if not value:
        return None
    digits = _MAC_HEX.sub("", value.lower())
    if len(digits) != 12:
        return None
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))
