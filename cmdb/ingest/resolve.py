"""Resolving references: CIs a change set names by class and identifiers, found with
batched look-ups through the reader (identical references once); and the keys (pure)
under which a link whose endpoint is not known yet waits (a pending link) and a new CI
finds it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cmdb.identity import (
    global_key,
    global_sets,
    key_of,
    reference_key,
    reference_sets,
    usable_sets,
)
from cmdb.ingest.reader import GraphReader, State
from cmdb.schema import CIClass, Schema
from cmdb.validate import Ref

Resolved = dict[Ref, str | None]  # an external reference -> the uid it names (None: unknown)


def uid_of(ref: Ref, local: Mapping[int, str], resolved: Mapping[Ref, str | None]) -> str | None:
    """The uid a reference names: a fact of this change set (`local`: fact index -> uid),
    or a resolved external reference."""
    return local[ref.local] if ref.local is not None else resolved.get(ref)


def resolve_refs(
    reader: GraphReader,
    schema: Schema,
    refs: Sequence[Ref],
    local: Mapping[int, str],
    known: Mapping[Ref, str | None],
) -> Resolved:
    """uids of the CIs that external references name (parents first, which may be facts
    of this change set), for those not in `known`; None when unknown. Look-ups are batched
    per class and identifier set:
    thousands of links that name the same few contracts cost a handful of queries."""
    todo = list({r: None for r in refs if r.local is None and r not in known})
    if not todo:
        return {}
    found: Resolved = {}
    parents = list({r.parent: None for r in todo if r.parent is not None})
    found.update(resolve_refs(reader, schema, parents, local, known))
    parent_uids = {**known, **found}
    by_class: dict[str, list[tuple[Ref, dict[str, Any], str | None]]] = {}
    for ref in todo:
        parent_uid = uid_of(ref.parent, local, parent_uids) if ref.parent is not None else None
        if ref.cls is None or (ref.parent is not None and parent_uid is None):
            found[ref] = None
        elif ref.cls.scoped_by and ref.parent is None:  # found by a global set (a MAC)
            found[ref] = _find_global(reader, schema, ref.cls, dict(ref.identifiers))
        elif parent_uid is not None and not usable_sets(schema, ref.cls, dict(ref.identifiers)):
            # by a reference-only set within its parent (an LLDP far port's ifIndex)
            found[ref] = _find_within(reader, schema, ref.cls, dict(ref.identifiers), parent_uid)
        else:
            by_class.setdefault(ref.cls.name, []).append((ref, dict(ref.identifiers), parent_uid))
    for class_name, items in by_class.items():
        cls = schema.classes[class_name]
        unresolved = items
        for set_index in range(len(cls.identification)):
            rows = [
                (k, values, parent)
                for k, (_ref, values, parent) in enumerate(unresolved)
                if set_index in usable_sets(schema, cls, values)
            ]
            if not rows:
                continue
            uids: dict[int, list[str]] = {}
            for hit in reader.find(cls, set_index, rows):
                uids.setdefault(hit.row, []).append(hit.uid)
            for k, candidates in uids.items():
                found[unresolved[k][0]] = sorted(candidates)[0]
            unresolved = [u for u in unresolved if u[0] not in found]
        for ref, _values, _parent in unresolved:
            found[ref] = None
    return found


def _find_global(
    reader: GraphReader, schema: Schema, cls: CIClass, values: Mapping[str, Any]
) -> str | None:
    for id_set in global_sets(schema, cls, values):
        uids = reader.find_global(cls, id_set, values)
        if uids:
            return uids[0]
    return None


def _find_within(
    reader: GraphReader, schema: Schema, cls: CIClass, values: Mapping[str, Any], parent: str
) -> str | None:
    for id_set in reference_sets(schema, cls, values):
        uids = reader.find_within(cls, id_set, values, parent)
        if uids:
            return uids[0]
    return None


def ref_key(schema: Schema, ref: Ref) -> str | None:
    """The pending-link key of an unresolved reference."""
    if ref.cls is None:
        return None
    values = dict(ref.identifiers)
    if ref.cls.scoped_by and ref.parent is None:
        found = global_sets(schema, ref.cls, values)
        return global_key(ref.cls, found[0], values) if found else None
    parent_key = ref_key(schema, ref.parent) if ref.parent is not None else None
    sets = usable_sets(schema, ref.cls, values)
    if sets:
        return key_of(ref.cls, sets[0], values, parent_key)
    by_reference = reference_sets(schema, ref.cls, values) if parent_key else []
    return reference_key(ref.cls, by_reference[0], values, parent_key) if by_reference else None


def parent_of_state(cls: CIClass, state: State) -> str | None:
    """The parent whose state pending keys of this CI need (scoped classes only)."""
    parent = state.get("_parent")
    return str(parent) if cls.scoped_by and parent else None


def pending_keys(
    schema: Schema,
    cls: CIClass,
    attrs: State,
    states: Mapping[str, State],
    memo: dict[str, list[str]],
) -> list[str]:
    """Every key under which a pending link could be waiting for this CI; a scoped CI's
    keys are built on its parent's (`states` holds the ancestors' states; a scoped CI
    whose parent is unknown has only its global keys)."""
    uid = str(attrs["uid"])
    found = memo.get(uid)
    if found is not None:
        return found
    extra = [global_key(cls, s, attrs) for s in global_sets(schema, cls, attrs)]
    parents: list[str | None] = [None]
    if cls.scoped_by:
        parent_uid = parent_of_state(cls, attrs)
        parent = states.get(parent_uid) if parent_uid else None
        if parent is None:
            memo[uid] = extra
            return extra
        parent_cls = schema.classes[parent["_class"]]
        parents = list(pending_keys(schema, parent_cls, parent, states, memo))
    sets = usable_sets(schema, cls, attrs)
    by_reference = reference_sets(schema, cls, attrs) if cls.scoped_by else []
    found = memo[uid] = [
        *(key_of(cls, i, attrs, p) for p in parents for i in sets),
        *(reference_key(cls, s, attrs, p) for p in parents if p for s in by_reference),
        *extra,
    ]
    return found


def describe(ref: Ref) -> str:
    if ref.cls is None:
        return "a CI of this change set"
    ids = ", ".join(f"{k}={v}" for k, v in ref.identifiers)
    inside = f" on {describe(ref.parent)}" if ref.parent else ""
    return f"{ref.cls.name}({ids}){inside}"
