"""Identification: identity keys and batched look-ups of CIs by identifier sets.

A CI is identified by the first identifier set of its class whose values are all present
and not junk. Scoped classes (an Interface on its device) are identified within their
parent: the parent's uid is stored as `_parent` and is part of every look-up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import neo4j

from cmdb.batch import chunks
from cmdb.queries.identify import global_lookup_query, lookup_query
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


def lookup(
    tx: neo4j.ManagedTransaction | neo4j.Transaction,
    cls: CIClass,
    set_index: int,
    rows: Sequence[tuple[int, Mapping[str, Any], str | None]],
    batch: int,
    summaries: dict[str, dict[str, Any]] | None = None,
) -> dict[int, list[str]]:
    """For (i, values, parent uid) rows: i -> uids of CIs that carry those identifiers.

    `summaries`, when given, receives uid -> a small summary of each CI found (its
    fingerprints, sighting and status for the unchanged-fact shortcut, and its owners
    per source for cmdb.ownership).
    """
    id_set = cls.identification[set_index]
    query = lookup_query(cls, set_index)
    found: dict[int, list[str]] = {}
    for chunk in chunks(rows, batch):
        params = []
        for i, values, parent in chunk:
            row: dict[str, Any] = {"i": i, "p": parent}
            for n, attr in enumerate(id_set):
                row[f"v{n}"] = values[attr]
            params.append(row)
        record = tx.run(query, rows=params).single()
        for i, uid, fp, lfp, seen, scope, missed, status, secs, nanos, claims in (
            record["found"] if record else []
        ):
            found.setdefault(i, []).append(uid)
            if summaries is not None:
                summaries[uid] = {"fp": fp, "lfp": lfp, "seen": seen, "scope": scope,
                                  "missed": missed, "status": status,
                                  "last_seen": [secs, nanos], "claims": claims}  # fmt: skip
    return found


GLOBAL = "*"  # the parent part of a key made from a global identifier set


def global_sets(schema: Schema, cls: CIClass, values: Mapping[str, Any]) -> list[tuple[str, ...]]:
    return [
        s for s in cls.global_identification if all(not schema.is_junk(values.get(a)) for a in s)
    ]


def global_key(cls: CIClass, id_set: tuple[str, ...], values: Mapping[str, Any]) -> str:
    vals = ";".join(f"{a}={values[a]}" for a in id_set)
    return f"{cls.name}|{GLOBAL}|{vals}"


def global_lookup(
    tx: neo4j.ManagedTransaction | neo4j.Transaction,
    cls: CIClass,
    id_set: tuple[str, ...],
    values: Mapping[str, Any],
) -> list[str]:
    query = global_lookup_query(cls, id_set)
    params = {f"v{i}": values[a] for i, a in enumerate(id_set)}
    return [r["uid"] for r in tx.run(query, **params)]
