"""Resolving references of a change set (cmdb.ingest): CIs named by class and
identifiers, found in the graph with batched look-ups; and the keys under which a link
whose endpoint is not known yet waits (a pending link) and a new CI finds it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cmdb.identity import global_key, global_lookup, global_sets, key_of, lookup, usable_sets
from cmdb.schema import CIClass
from cmdb.validate import Ref

if TYPE_CHECKING:
    from cmdb.ingest import _Planner

ANY_PENDING = "MATCH (p:PendingLink) WITH count(p) AS n RETURN n > 0 AS any"


def resolve_refs(p: _Planner, refs: list[Ref]) -> list[str | None]:
    """uids of CIs named by class + identifiers (parents first); None when unknown.

    Identical references are looked up once per change set, and the look-ups are
    batched per class and identifier set: thousands of links that name the same few
    contracts or teams cost a handful of queries.
    """
    todo: dict[Ref, None] = {}
    for ref in refs:
        if ref.local is None and ref not in p.ref_cache:
            todo[ref] = None
    if todo:
        _resolve_external(p, list(todo))
    return [
        p.group_of[ref.local].uid if ref.local is not None else p.ref_cache.get(ref) for ref in refs
    ]


def _resolve_external(p: _Planner, refs: list[Ref]) -> None:
    parent_refs = list({r.parent: None for r in refs if r.parent is not None})
    parent_uids = dict(zip(parent_refs, resolve_refs(p, parent_refs), strict=True))
    scoped_global: list[tuple[Ref, dict[str, Any]]] = []
    by_class: dict[str, list[tuple[Ref, dict[str, Any], str | None]]] = {}
    for ref in refs:
        parent_uid = parent_uids.get(ref.parent) if ref.parent is not None else None
        if ref.cls is None or (ref.parent is not None and parent_uid is None):
            p.ref_cache[ref] = None
        elif ref.cls.scoped_by and ref.parent is None:
            scoped_global.append((ref, dict(ref.identifiers)))
        else:
            by_class.setdefault(ref.cls.name, []).append((ref, dict(ref.identifiers), parent_uid))
    for ref, values in scoped_global:  # found by a global identifier set (a MAC)
        assert ref.cls is not None
        p.ref_cache[ref] = None
        for id_set in global_sets(p.schema, ref.cls, values):
            uids = global_lookup(p.tx, ref.cls, id_set, values)
            if uids:
                p.ref_cache[ref] = uids[0]
                break
    for class_name, items in by_class.items():
        cls = p.schema.classes[class_name]
        unresolved = items
        for set_index in range(len(cls.identification)):
            rows = [
                (k, values, parent)
                for k, (_ref, values, parent) in enumerate(unresolved)
                if set_index in usable_sets(p.schema, cls, values)
            ]
            if not rows:
                continue
            found = lookup(p.tx, cls, set_index, rows, p.config.batch_size)
            for k, uids in found.items():
                p.ref_cache[unresolved[k][0]] = sorted(uids)[0]
            unresolved = [u for u in unresolved if u[0] not in p.ref_cache]
        for ref, _values, _parent in unresolved:
            p.ref_cache[ref] = None


def ref_key(p: _Planner, ref: Ref) -> str | None:
    """The pending-link key of an unresolved reference."""
    if ref.cls is None:
        return None
    values = dict(ref.identifiers)
    if ref.cls.scoped_by and ref.parent is None:
        found = global_sets(p.schema, ref.cls, values)
        return global_key(ref.cls, found[0], values) if found else None
    parent_key = ref_key(p, ref.parent) if ref.parent is not None else None
    sets = usable_sets(p.schema, ref.cls, values)
    return key_of(ref.cls, sets[0], values, parent_key) if sets else None


def pending_keys(p: _Planner, uid: str, cls: CIClass, attrs: dict[str, Any]) -> list[str]:
    """Every key under which a pending link could be waiting for this CI."""
    found = p.keys_of.get(uid)
    if found is None:
        found = p.keys_of[uid] = _pending_keys(p, uid, cls, attrs)
    return found


def any_pending(p: _Planner) -> bool:
    """Whether the graph holds any pending link at all (a count-store read)."""
    if p.pending_exist is None:
        record = p.tx.run(ANY_PENDING).single()
        p.pending_exist = bool(record and record["any"])
    return p.pending_exist


def _pending_keys(p: _Planner, uid: str, cls: CIClass, attrs: dict[str, Any]) -> list[str]:
    parents: list[str | None] = [None]
    extra = [global_key(cls, s, attrs) for s in global_sets(p.schema, cls, attrs)]
    if cls.scoped_by:
        parent_uid = attrs.get("_parent") or p.state.get(uid, {}).get("_parent")
        if parent_uid and str(parent_uid) not in p.state:
            p.load_state([str(parent_uid)])
        parent = p.state.get(str(parent_uid)) if parent_uid else None
        if parent is None:
            return extra
        parent_cls = p.schema.classes[parent["_class"]]
        parents = list(pending_keys(p, parent["uid"], parent_cls, parent))
    sets = usable_sets(p.schema, cls, attrs)
    return [key_of(cls, i, attrs, p) for p in parents for i in sets] + extra


def describe(ref: Ref) -> str:
    if ref.cls is None:
        return "a CI of this change set"
    ids = ", ".join(f"{k}={v}" for k, v in ref.identifiers)
    inside = f" on {describe(ref.parent)}" if ref.parent else ""
    return f"{ref.cls.name}({ids}){inside}"
