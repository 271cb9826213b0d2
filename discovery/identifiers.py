"""Identifiers as every discovery protocol writes them, so that the same box seen over SNMP
and over SSH meets itself on the same values. Pure; none of these raises on odd input.

- MAC -> ``aa:bb:cc:dd:ee:ff``: six 1-2 digit groups split by ``:``, ``-``, ``.`` or a
  space (``8:0:27:dc:54:43``), Cisco's ``0800.27dc.5443``, HP's ``080027-dc5443``, 12 bare
  hex digits (an SNMP octet string printed as hex, ``0x`` or not), any case; 6 raw octets
  via ``mac_from_octets``. Anything else is None. All zeros is a MAC here: whether a value
  may identify is the schema's call (``Schema.is_junk``), not this module's.
- Host names: ``split_fqdn`` (host lower-cased, domain apart), ``neighbour_host`` (an
  LLDP system name or CDP device id, ``sw1(FOX123)`` serial suffix dropped).
- Interface names: ``canonical_ifname`` (``Gi1/0/1`` -> ``GigabitEthernet1/0/1``).
- Addresses: ``split_address``, ``prefix_from_netmask``, ``usable_address`` and
  ``subnet_cidr`` (the subnet an address with a prefix is in; none for host prefixes).
"""

from __future__ import annotations

import ipaddress
import re

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_MAC_GROUPS = re.compile(r"^[0-9a-f]{1,2}([:\-. ])(?:[0-9a-f]{1,2}\1){4}[0-9a-f]{1,2}$")
_MAC_WORDS = re.compile(r"^[0-9a-f]{4}([.:\-])[0-9a-f]{4}\1[0-9a-f]{4}$")  # 0800.27dc.5443
_MAC_HALVES = re.compile(r"^[0-9a-f]{6}[\-:][0-9a-f]{6}$")  # 080027-dc5443
_MAC_BARE = re.compile(r"^(?:0x)?([0-9a-f]{12})$")

# Short forms network OSes and LLDP/CDP use, with their long form.
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
_LINUX_NAME = re.compile(r"^(eth|en|wl|bond|br|veth|lo)[a-z0-9]*$")  # kernel names stay
_IP_LIKE = re.compile(r"[\d.]+|[0-9a-fA-F:]+")
# CDP device ids of NX-OS and some IOS releases: 'name(SERIAL)'.
_SERIAL_SUFFIX = re.compile(r"^(?P<name>[^()]+)\((?P<serial>[^()]*)\)$")


# -- MACs ---------------------------------------------------------------------------
def mac_from_octets(raw: bytes) -> str | None:
    """6 octets -> 'aa:bb:cc:dd:ee:ff'; None for any other length."""
    if len(raw) != 6:
        return None
    return ":".join(f"{b:02x}" for b in raw)


def normalize_mac(value: str | None) -> str | None:
    """A MAC in any notation the module docstring lists -> 'aa:bb:cc:dd:ee:ff', else None
    ('Incomplete', 'eth0', five or seven groups, 11 or 13 digits)."""
    if value is None:
        return None
    text = value.strip().lower()
    if _MAC_GROUPS.match(text):
        digits = "".join(part.rjust(2, "0") for part in re.split(r"[:\-. ]", text))
    elif _MAC_WORDS.match(text) or _MAC_HALVES.match(text):
        digits = re.sub(r"[.:\-]", "", text)
    elif bare := _MAC_BARE.match(text):
        digits = bare.group(1)
    else:
        return None
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


# -- host names ---------------------------------------------------------------------
_DOMAIN_LABEL = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
def split_fqdn(name: str | None) -> tuple[str | None, str | None]:
    """'SW1.Example.com.' -> ('sw1', 'example.com'); host part lower-cased; IPs untouched.

    The domain is the trailing run of labels that read as DNS names (a letter first), and
    never the first label: a dotted name that is no domain stays in the host part
    ('F241.01.18-C9500-4.cisco.com' -> ('f241.01.18-c9500-4', 'cisco.com'), not 'f241',
    which another device may be called).
    """
    if not name:
        return None, None
    name = name.strip().rstrip(".")
    if not name or _IP_LIKE.fullmatch(name):
        return (name or None), None
    labels = name.split(".")
    cut = len(labels)
    while cut > 1 and _DOMAIN_LABEL.fullmatch(labels[cut - 1]):
        cut -= 1
    host, domain = ".".join(labels[:cut]), ".".join(labels[cut:])
    return host.lower(), (domain.lower() or None)


def neighbour_host(name: str | None) -> str | None:
    """The host part of a neighbour's LLDP system name or CDP device id:
    'sw1.example.com(FOX1234)' -> 'sw1' (the serial suffix NX-OS adds dropped)."""
    found = _SERIAL_SUFFIX.match(name or "")
    host, _domain = split_fqdn(found.group("name") if found else name)
    return host


# -- interface names ----------------------------------------------------------------
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


# -- addresses ----------------------------------------------------------------------
def split_address(value: str | None) -> tuple[str | None, int | None]:
    """'10.0.0.1/30' -> ('10.0.0.1', 30); '10.0.0.1' -> ('10.0.0.1', None);
    'unassigned' or anything that is not an address -> (None, None)."""
    if not value:
        return None, None
    address, _, prefix = value.strip().partition("/")
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None, None
    return address, (int(prefix) if prefix.isdigit() else None)


def prefix_from_netmask(netmask: str | None) -> int | None:
    """'255.255.255.252' -> 30; None when absent or not a contiguous mask."""
    if not netmask:
        return None
    try:
        return ipaddress.IPv4Network(f"0.0.0.0/{netmask.strip()}").prefixlen
    except ValueError:
        return None


def usable_address(text: str) -> IPAddress | None:
    """The address ('fe80::1%eth0' without its zone), or None for text that is not one and
    for loopback, link-local, unspecified and multicast addresses (the same on every
    host: they identify nothing)."""
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None
    unusable = (address.is_loopback or address.is_link_local or address.is_unspecified
                or address.is_multicast)  # fmt: skip
    return None if unusable else address


def subnet_cidr(address: IPAddress, prefix: int | None) -> str | None:
    """The subnet of an address with its prefix ('10.0.0.5', 30 -> '10.0.0.4/30'); None
    without a prefix, for a host prefix (/32, /128: an address, not a subnet) or /0."""
    if prefix is None or not 0 < prefix < address.max_prefixlen:
        return None
    return ipaddress.ip_interface(f"{address.compressed}/{prefix}").network.compressed
