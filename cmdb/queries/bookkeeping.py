"""The internal bookkeeping properties of a CI, named once.

Every internal property starts with `_`; users never see them (`public`). They fall in
three groups by what a frozen version (:CIVersion) keeps of them:
- HISTORY: when a state began and ended and the change sets that did it; a version is
  closed with `_to`/`_cs_to`/`_changed`, and reads strip them.
- INGEST: which source owns what, fingerprints, claims, misses: the current node's
  business only, never copied into a version.
- IDENTITY: class, parent and scope: kept in every version (an as-of read needs them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from cmdb.properties import native

HISTORY = ("_vfrom", "_to", "_cs", "_cs_to", "_changed")
INGEST = ("_prov", "_seen", "_fp", "_lfp", "_idk", "_missed", "_claims")
IDENTITY = ("_class", "_parent", "_scope")
INTERNAL = frozenset((*HISTORY, *INGEST, *IDENTITY))


def is_internal(key: str) -> bool:
    """Bookkeeping, by the naming rule every internal property follows."""
    return key.startswith("_")


def public(props: Mapping[str, Any]) -> dict[str, Any]:
    """The state a user sees: attributes and managed fields, no internal bookkeeping."""
    return {k: native(v) for k, v in props.items() if not is_internal(k)}


def projection_without(names: Iterable[str]) -> str:
    """A Cypher map projection body `.*, a: null, ...` leaving out `names` (the values
    are never shipped: datetimes are the costly ones to pack and hydrate)."""
    return ", ".join([".*", *(f"{name}: null" for name in names)])


# What a version keeps of the node it freezes: all but the ingest bookkeeping.
VERSION_PROJECTION = "{" + projection_without(INGEST) + "}"
# What a state read ships: all but the history and ingest bookkeeping.
PUBLIC_PROJECTION = "{" + projection_without((*HISTORY, *INGEST)) + "}"
