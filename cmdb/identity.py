"""Identification: which identifier sets of a CI are usable, and its identity keys.

A CI is identified by the first identifier set of its class whose values are all present
and not junk. Scoped classes (an Interface on its device) are identified within their
parent: the parent's uid is stored as `_parent` and is part of every look-up
(cmdb.queries.identify; cmdb.ingest.identify decides on what they find).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cmdb.schema import CIClass, Schema


def usable_sets(schema: Schema, cls: CIClass, values: Mapping[str, Any]) -> list[int]:
    """Indexes of the identifier sets whose values are all present and not junk."""
    return [
        i
        for i, id_set in enumerate(cls.identification)
        if all(not schema.is_junk(values.get(a)) for a in id_set)
    ]


def key_of(cls: CIClass, set_index: int, values: Mapping[str, Any], parent: str | None) -> str:
    """A stable text key: class, parent (uid or parent key), identifier values."""
    id_set = cls.identification[set_index]
    vals = ";".join(f"{a}={values[a]}" for a in id_set)
    return f"{cls.name}|{parent or ''}|{vals}"


def reference_sets(schema: Schema, cls: CIClass, values: Mapping[str, Any]
                   ) -> list[tuple[str, ...]]:  # fmt: skip
    """The reference-only identifier sets (`reference_identification`) complete in
    `values`: a reference by one of them finds a CI within its parent."""
    return [
        s for s in cls.reference_identification
        if all(not schema.is_junk(values.get(a)) for a in s)
    ]  # fmt: skip


def reference_key(
    cls: CIClass, id_set: tuple[str, ...], values: Mapping[str, Any], parent: str | None
) -> str:
    """The key of a reference-only set: like `key_of`, marked so no identity key equals it."""
    vals = ";".join(f"{a}={values[a]}" for a in id_set)
    return f"{cls.name}|{parent or ''}|@{vals}"


GLOBAL = "*"  # the parent part of a key made from a global identifier set


def global_sets(schema: Schema, cls: CIClass, values: Mapping[str, Any]) -> list[tuple[str, ...]]:
    return [
        s for s in cls.global_identification if all(not schema.is_junk(values.get(a)) for a in s)
    ]


def global_key(cls: CIClass, id_set: tuple[str, ...], values: Mapping[str, Any]) -> str:
    vals = ";".join(f"{a}={values[a]}" for a in id_set)
    return f"{cls.name}|{GLOBAL}|{vals}"
