"""DeviceFacts -> ChangeSet: the one normalizer every discovery protocol goes through. Pure.

    cs = normalize_device(facts, target="10.0.0.1", observed_at=now, run_id=run.id)

One change set per target and protocol, scoped ``<source>:<target>``. Attributes are
emitted only when the device gave a value (a None would clear what another run or source
knows), and never junk as an identifier (``Schema.is_junk`` decides).

- The device: its class from its kind (`DEVICE_CLASSES`; a device no rule classifies is
  an ``UnclassifiedDevice`` with its sysDescr, so it is on record until a rule is
  added), host name and domain, serial (its own, else the first chassis unit's), stack
  member serials, the primary MAC (a network device's own MAC; the first physical NIC's
  for hosts and peripherals; either for an unclassified one) and what its class holds.
- Interfaces, addresses, subnets, VLANs, software and services (`normalize_rows`),
  hardware components and LAG membership (`normalize_depth`), neighbours and FDB hosts
  (`normalize_links`; endpoints: `normalize_endpoints`), what the change set certifies
  when part of the device did not answer (`normalize_coverage`).
"""

from __future__ import annotations

import ipaddress
import re
from datetime import datetime
from functools import cache

from cmdb.errors import CMDBError
from cmdb.observations import ChangeSet, Value
from cmdb.schema import Schema, load_schema
from discovery.facts import DeviceFacts
from discovery.identifiers import split_fqdn
from discovery.normalize_build import DEVICE_KEY, ChangeSetBuilder, IsJunk, present
from discovery.normalize_coverage import certify
from discovery.normalize_depth import add_components, add_lags
from discovery.normalize_links import add_fdb_links, add_neighbours
from discovery.normalize_rows import (
    add_addresses,
    add_interfaces,
    add_services,
    add_software,
    add_vlans,
)

__all__ = [
    "ACTOR", "DEVICE_CLASSES", "DEVICE_KEY", "UNCLASSIFIED", "UnidentifiedDevice",
    "management_ip", "normalize_device",
]  # fmt: skip

ACTOR = "discovery"
# Device kind -> (class, the attribute that records the kind).
DEVICE_CLASSES: dict[str, tuple[str, str | None]] = {
    "switch": ("NetworkDevice", "device_kind"),
    "router": ("NetworkDevice", "device_kind"),
    "firewall": ("NetworkDevice", "device_kind"),
    "wireless": ("NetworkDevice", "device_kind"),
    "load_balancer": ("NetworkDevice", "device_kind"),
    "server": ("Server", None),
    # storage arrays and NAS heads are Servers until the schema has a class of their own
    "storage": ("Server", None),
    "virtual_machine": ("VirtualMachine", None),
    "printer": ("Peripheral", "peripheral_kind"),
    "ups": ("Peripheral", "peripheral_kind"),
    "pdu": ("Peripheral", "peripheral_kind"),
    "kvm": ("Peripheral", "peripheral_kind"),
    "camera": ("Peripheral", "peripheral_kind"),
}
# The class of a device whose kind no classification rule tells.
UNCLASSIFIED = "UnclassifiedDevice"
SYS_DESCR_MAX = 255  # SNMPv2-MIB: sysDescr is a DisplayString (SIZE (0..255))
_HOSTS = frozenset({"Server", "VirtualMachine"})
_FIRST_NIC_CLASSES = frozenset({*_HOSTS, "Peripheral"})
_HOST_PORT = re.compile(r"^\[?(?P<host>[^\[\]]+?)\]?:\d+$")


class UnidentifiedDevice(CMDBError):
    """Nothing the device told identifies it; the protocol's wrapper names the target."""


@cache
def _default_schema() -> Schema:
    return load_schema()


def management_ip(target: str) -> str | None:
    """The address in a target ('10.0.0.1', '10.0.0.1:22', '[2001:db8::1]:22'); None
    for a host name (it is not an address)."""
    for text in (target, *(m.group("host") for m in [_HOST_PORT.match(target)] if m)):
        try:
            return ipaddress.ip_address(text).compressed
        except ValueError:
            continue
    return None


def normalize_device(
    facts: DeviceFacts,
    *,
    target: str,
    observed_at: datetime,
    run_id: str | None = None,
    schema: Schema | None = None,
) -> ChangeSet:
    """The change set for one target. Raises UnidentifiedDevice when nothing identifies
    the device."""
    schema = schema or _default_schema()
    is_junk = schema.is_junk
    cls = device_class(facts)
    out = ChangeSetBuilder(evidence=facts.source)
    device = _identified(schema, cls, device_attributes(facts, cls, target, is_junk), facts)
    out.ci(DEVICE_KEY, cls, device)
    keys = add_interfaces(out, facts, is_junk)
    add_components(out, facts, keys, is_junk)
    add_lags(out, facts, keys)
    add_addresses(out, facts.addresses, keys)
    neighbour_ports = add_neighbours(out, facts, keys, is_junk)
    add_fdb_links(out, facts, keys, neighbour_ports, is_junk)
    hostname = device.get("hostname")
    add_vlans(out, facts, hostname if isinstance(hostname, str) else None, keys)
    add_software(out, facts, is_junk)
    add_services(out, facts)
    certified = certify(cls, facts.coverage)
    return ChangeSet.model_validate({
        "source": facts.source,
        "actor": ACTOR,
        "observed_at": observed_at,
        "discovery_run": run_id,
        "scope": f"{facts.source}:{target}",
        "certified_classes": certified.classes,
        "certified_links": certified.links,
        "cis": list(out.cis.values()),
        "links": list(out.links.values()),
    })  # fmt: skip


def device_class(facts: DeviceFacts) -> str:
    return DEVICE_CLASSES.get(facts.system.kind or "", (UNCLASSIFIED, None))[0]


def device_attributes(facts: DeviceFacts, cls: str, target: str, is_junk: IsJunk
                      ) -> dict[str, Value | None]:  # fmt: skip
    """Every attribute the facts give the device's class (unknowns still in)."""
    system = facts.system
    host, domain = (None, None) if is_junk(system.name) else split_fqdn(system.name)
    serials = [u.serial for u in facts.chassis if u.serial and not is_junk(u.serial)]
    told = [s for s in (system.serial, *(u.serial for u in facts.chassis)) if s]
    attrs: dict[str, Value | None] = {
        "name": host,
        # the first usable serial, else what was told (junk: dropped where it would identify)
        "serial_number": next((s for s in told if not is_junk(s)), next(iter(told), None)),
        "vendor": system.vendor,
        "model": system.model,
        "os_name": system.os_name,
        "os_version": system.os_version,
        "platform": system.platform,
        "sys_object_id": system.object_id,
        "hostname": host,
        "domain": domain,
        "management_ip": management_ip(target),
        "chassis_id": None if is_junk(system.chassis_id) else system.chassis_id,
    }
    kind_attr = DEVICE_CLASSES.get(system.kind or "", (cls, None))[1]
    if kind_attr is not None:
        attrs[kind_attr] = system.kind
    if cls == "NetworkDevice":
        attrs["firmware"] = facts.chassis[0].firmware if facts.chassis else None
        attrs["stack_serials"] = serials if len(serials) > 1 else None
        # the one MAC that stands for the box; a device that tells no bridge MAC, serial
        # or name (an anonymised walk) is known by its first port's MAC
        named = any(not is_junk(attrs[a]) for a in ("serial_number", "chassis_id", "hostname"))
        first_nic = None if named else _first_nic_mac(facts, is_junk)
        attrs["primary_mac"] = system.base_mac or first_nic
    if cls in _FIRST_NIC_CLASSES:
        attrs["primary_mac"] = _first_nic_mac(facts, is_junk)
    if cls in _HOSTS:
        attrs |= {"kernel": system.kernel, "cpu_count": system.cpu_count,
                  "memory_bytes": system.memory_bytes, "machine_id": system.machine_id}  # fmt: skip
    if cls == "Server":  # a VirtualMachine has no cpu_model in the schema
        attrs["cpu_model"] = system.cpu_model
    if cls == UNCLASSIFIED:
        macs = (system.base_mac, _first_nic_mac(facts, is_junk))
        attrs["primary_mac"] = next((m for m in macs if m and not is_junk(m)), None)
        attrs["sys_descr"] = short_descr(system.description)
    return attrs


def short_descr(descr: str | None) -> str:
    """sysDescr on one line (agents put CR/LF in it), cut at the DisplayString limit."""
    return " ".join((descr or "").split())[:SYS_DESCR_MAX]


def _first_nic_mac(facts: DeviceFacts, is_junk: IsJunk) -> str | None:
    for iface in facts.interfaces:
        if iface.physical and iface.mac and not is_junk(iface.mac):
            return iface.mac
    return None


def _identified(schema: Schema, cls: str, attrs: dict[str, Value | None], facts: DeviceFacts
                ) -> dict[str, Value]:  # fmt: skip
    """The attributes with values, junk identifiers dropped; UnidentifiedDevice when no
    identification set of the class is complete."""
    ci_class = schema.classes[cls]
    kept = present(attrs, schema.is_junk, ci_class.identifier_attributes)
    if any(all(name in kept for name in id_set) for id_set in ci_class.identification):
        return kept
    sets = " or ".join("[" + ", ".join(s) + "]" for s in ci_class.identification)
    shown = {k: attrs.get(k) for k in sorted(ci_class.identifier_attributes)}
    unclassified = (
        f" (and no classification rule knows sysObjectID {facts.system.object_id!r}, "
        f"sysDescr {short_descr(facts.system.description)[:80]!r})"
        if cls == UNCLASSIFIED
        else ""
    )
    raise UnidentifiedDevice(f"nothing identifies this {cls} (needs {sets}); got {shown}"
                             f"{unclassified}")  # fmt: skip
