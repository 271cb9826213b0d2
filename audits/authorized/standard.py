"""Standard changes: the changes of a class's attributes that never need a change request
(a counter, `last_seen`, uptime). Built-in patterns plus cmdb.yaml `audits.standard_changes`
(class -> attribute patterns, fnmatch); a class covers its subclasses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase

import pandas as pd

from audits.errors import AuditError
from cmdb.schema import Schema

BUILT_IN: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("CI", ("last_seen", "*uptime*", "*counter*", "*_octets", "*_packets")),
    ("Interface", ("in_*", "out_*", "*_errors", "*_discards")),
)


@dataclass(frozen=True)
class StandardChanges:
    schema: Schema
    patterns: tuple[tuple[str, tuple[str, ...]], ...]

    @classmethod
    def of(cls, schema: Schema, configured: Sequence[tuple[str, Sequence[str]]]) -> StandardChanges:
        """The built-in patterns and the configured ones; an unknown class is refused."""
        for name, _ in configured:
            if name not in schema.classes:
                raise AuditError(
                    f"audits.standard_changes: {name[:60]!r} is no class of the schema"
                )
        own = tuple((c, tuple(p)) for c, p in configured)
        return cls(schema, (*BUILT_IN, *own))

    def is_standard(self, class_name: str, attribute: str) -> bool:
        return any(
            self.schema.is_a(class_name, cls) and any(fnmatchcase(attribute, p) for p in pats)
            for cls, pats in self.patterns
        )

    def matches(self, changes: pd.DataFrame) -> pd.Series:
        """Per change, whether it is standard: each distinct (class, attribute) pair once."""
        pairs = changes[["class", "attribute"]].drop_duplicates()
        standard = {
            (c, a) for c, a in pairs.itertuples(index=False) if self.is_standard(str(c), str(a))
        }
        keys = pd.Series(list(zip(changes["class"], changes["attribute"], strict=True)),
                         index=changes.index, dtype=object)  # fmt: skip
        return keys.isin(standard)
