"""Building blocks of a change set: CI and link facts in order, without duplicates. Pure.

`ChangeSetBuilder` keeps one CI per key (the first one wins) and one link per (type,
source, target): the same link told twice (over LLDP and CDP) keeps its first evidence.
Keys: ``dev`` (the device), ``if:<ifIndex>`` or ``if:<name>``, ``ip:<owner key>:<address>``,
``net:<cidr>``, ``vlan:<id>``, ``sw:<product>|<version>[|<arch>]``,
``svc:<proto>|<address>|<port>``, ``hw:<index>`` (a component), ``ep:<MAC or name>`` (an
endpoint) and ``ep:<...>|if:<port>`` (its port).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cmdb.observations import CIObservation, LinkObservation, Scalar, Value

IsJunk = Callable[[object], bool]
Ref = dict[str, Any]  # a CIRef as data: {"ref": key} or {"class", "identifiers", "parent"}

DEVICE_KEY = "dev"
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
    attrs: Mapping[str, Value | None], is_junk: IsJunk, identifiers: Iterable[str] = ()
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
class ChangeSetBuilder:
    """The CI and link observations of one change set, in order, without duplicates."""

    evidence: str  # of the links that are not neighbour or FDB links: the protocol
    cis: dict[str, CIObservation] = field(default_factory=dict)
    links: dict[tuple[str, str, str], LinkObservation] = field(default_factory=dict)

    def ci(self, key: str, cls: str, attrs: Mapping[str, Value], parent: str | None = None) -> str:
        """Add a CI unless one with `key` is there already (the first one wins)."""
        if key not in self.cis:
            data: dict[str, Any] = {"key": key, "class": cls, "attributes": dict(attrs)}
            if parent is not None:
                data["parent"] = local(parent)
            self.cis[key] = CIObservation.model_validate(data)
        return key

    def link(self, kind: str, source: Ref, target: Ref, evidence: str | None = None,
             attributes: Mapping[str, Scalar | None] | None = None) -> None:  # fmt: skip
        """Add a link unless the same (type, source, target) is there already; its
        `attributes` (what the relationship holds) without the unknown ones."""
        ident = (kind, _ref_ident(source), _ref_ident(target))
        if ident not in self.links:
            held = {k: v for k, v in (attributes or {}).items() if v is not None}
            self.links[ident] = LinkObservation.model_validate({
                "type": kind, "source": source, "target": target,
                "evidence": evidence or self.evidence, "attributes": held,
            })  # fmt: skip


def _ref_ident(ref: Ref) -> str:
    """A key of this change set as itself; a reference by identifiers as sorted JSON."""
    key = ref.get("ref")
    if isinstance(key, str) and len(ref) == 1:
        return key
    return json.dumps(ref, sort_keys=True)
