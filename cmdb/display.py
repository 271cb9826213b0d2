"""Values, CIs and orders as a person reads them (the CLI's tables; pure functions)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from cmdb.timespec import format_time

if TYPE_CHECKING:
    from cmdb.history import CIRef

_DIGITS = re.compile(r"(\d+)")


def format_value(value: Any) -> str:
    """`2026-12-03 07:15:02Z` for a time, lists joined, `true`/`false`, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return format_time(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return ", ".join(f"{k}={format_value(v)}" for k, v in sorted(value.items()))
    if isinstance(value, Sequence) and not isinstance(value, str):
        return ", ".join(format_value(v) for v in value)
    return str(value)


def natural_key(text: str) -> tuple[tuple[str | int, ...], str]:
    """Sorts numbers inside names by value: Te1/0/2 before Te1/0/10, case aside.

    Text and numbers alternate at the same positions in every key (re.split with a group
    puts text at even and numbers at odd places), so a text is only compared to a text.
    The name itself breaks ties (Gi1/0/01 and Gi1/0/1).
    """
    parts = _DIGITS.split(text)
    return tuple(int(p) if i % 2 else p.casefold() for i, p in enumerate(parts)), text


def ref_label(ref: CIRef, here: str | None = None) -> str:
    """`Te1/0/2 (Interface) on hq-core-01`: name, class, and the CI it is part of (unless
    that is `here`, the CI whose table this is)."""
    text = f"{ref.name or ref.uid} ({ref.class_name or 'CI'})"
    return f"{text} on {ref.parent}" if ref.parent and ref.parent_uid != here else text


def ci_label(refs: Mapping[str, CIRef], uid: str, here: str | None = None) -> str:
    """The label of `uid`, or the uid itself when it is not among `refs`."""
    ref = refs.get(uid)
    return ref_label(ref, here) if ref else uid


def link_label(kind: str, direction: str, other: str) -> str:
    """`HAS_INTERFACE -> Te1/0/1 (Interface)`: the link from this CI's side (direction
    `out`, `in`, or `both` for a type without one, `CONNECTED_TO <-> ...`)."""
    arrow = {"out": "->", "in": "<-"}.get(direction, "<->")
    return f"{kind} {arrow} {other}"


def link_order(kind: str, other_name: str, direction: str) -> tuple[Any, ...]:
    """How `ci show` orders relationships: by type, the other CI's name, direction."""
    return (kind, natural_key(other_name), direction)
