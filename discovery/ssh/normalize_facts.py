"""Building blocks of an SSH change set: CI and link facts, and addresses. Pure.

`Facts` collects observations in the order they are found, one CI per key and one link
per (type, source, target), so the change set is deterministic and its keys unique.
Keys: ``dev`` (the device), ``if:<name>``, ``ip:<owner key>:<address>``, ``net:<cidr>``,
``vlan:<id>``, ``sw:<product>|<version>[|<arch>]``, ``svc:<proto>|<address>|<port>``.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cmdb.observations import CIObservation, LinkObservation, Value
from discovery.identifiers import subnet_cidr, usable_address

IsJunk = Callable[[object], bool]
Ref = dict[str, Any]  # a CIRef as data: {"ref": key} or {"class", "identifiers", "parent"}

DEVICE_KEY = "dev"
EVIDENCE = "ssh"
_MAX_KEY = 200


def local(key: str) -> Ref:
    return {"ref": key}


def bounded_key(prefix: str, text: str) -> str:
    """`prefix` + `text`, or a digest of it when the text is too long for a key."""
    key = f"{prefix}{text}"
    if len(key) <= _MAX_KEY:
        return key
    return f"{prefix}#" + hashlib.blake2b(key.encode(), digest_size=12).hexdigest()


def present(
    attrs: dict[str, Value], is_junk: IsJunk, identifiers: Iterable[str] = ()
) -> dict[str, Value]:
    """The attributes with a value: unknowns dropped (a None would clear what another run
    or source knows), and junk dropped from the identifier attributes."""
    ids = frozenset(identifiers)
    return {
        name: value
        for name, value in attrs.items()
        if value is not None
        and value != ""
        and value != []
        and not (name in ids and is_junk(value))
    }


@dataclass
class Facts:
    """The CI and link observations of one change set, in order, without duplicates."""

    cis: dict[str, CIObservation] = field(default_factory=dict)
    links: dict[str, LinkObservation] = field(default_factory=dict)

    def ci(self, key: str, cls: str, attrs: Mapping[str, Value], parent: str | None = None) -> str:
        """Add a CI unless one with `key` is there already (the first one wins)."""
        if key not in self.cis:
            data: dict[str, Any] = {"key": key, "class": cls, "attributes": dict(attrs)}
            if parent is not None:
                data["parent"] = local(parent)
            self.cis[key] = CIObservation.model_validate(data)
        return key

    def link(self, kind: str, source: Ref, target: Ref, evidence: str = EVIDENCE) -> None:
        """Add a link; the same link reported twice (LLDP and CDP) keeps its first evidence."""
        link = LinkObservation.model_validate(
            {"type": kind, "source": source, "target": target, "evidence": evidence}
        )
        ident = link.model_copy(update={"evidence": ""}).model_dump_json(by_alias=True)
        self.links.setdefault(ident, link)


# -- addresses -----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Address:
    """An address bound to an interface (its key) or, when the port is unknown, the device."""

    owner: str
    address: str
    prefix_length: int | None
    vrf: str | None = None


def add_addresses(facts: Facts, addresses: Sequence[Address]) -> None:
    """IPAddress CIs, one per assignment (identified within their owner, which links to
    them with HAS_ADDRESS), and Subnet CIs with IN_SUBNET.

    One address reported twice on one owner (once with its prefix, once without) is one
    CI, with the first prefix and VRF known. A host prefix (/32, /128) is an address, not
    a subnet.
    """
    merged: dict[tuple[str, str], list[Address]] = {}
    for entry in addresses:
        address = usable_address(entry.address)
        if address is not None:
            merged.setdefault((entry.owner, address.compressed), []).append(entry)
    for (owner, text), entries in merged.items():
        address = ipaddress.ip_address(text)
        prefix = next((e.prefix_length for e in entries if e.prefix_length is not None), None)
        if prefix is not None and not 0 <= prefix <= address.max_prefixlen:
            prefix = None
        attrs: dict[str, Value] = {
            "address": text,
            "version": address.version,
            "prefix_length": prefix,
            "vrf": next((e.vrf for e in entries if e.vrf), None),
        }
        key = facts.ci(f"ip:{owner}:{text}", "IPAddress", present(attrs, lambda _v: False),
                       parent=owner)  # fmt: skip
        facts.link("HAS_ADDRESS", local(owner), local(key))
        network = subnet_cidr(address, prefix)
        if network is None:
            continue
        net_key = facts.ci(f"net:{network}", "Subnet", {"cidr": network})
        facts.link("IN_SUBNET", local(key), local(net_key))
