"""Version strings compared as people read them: numbers as numbers (9.10 > 9.9), words
as words, across the spellings vendors use (`17.9.4`, `15.2(7)E4`, `22.4R3-S2`,
`3.0.2-0ubuntu1.10`). A version that runs out where the other goes on is the older,
unless the other goes on with a pre-release word (`1.0rc1` < `1.0`)."""

from __future__ import annotations

import re

_PARTS = re.compile(r"\d+|[a-z]+")
PRE_RELEASE = frozenset({"a", "alpha", "b", "beta", "c", "rc", "pre", "preview", "dev"})

Part = tuple[int, int | str]  # (1, number) or (0, word): a number sorts after a word


def parse_version(text: str) -> tuple[Part, ...]:
    """The parts of a version, each a number or a lower-case word; separators dropped."""
    return tuple(
        (1, int(p)) if p.isdigit() else (0, p) for p in _PARTS.findall(text.strip().lower())
    )


def is_older(version: str, baseline: str) -> bool:
    """`version` is older than `baseline` (equal versions are not older)."""
    return compare_versions(version, baseline) < 0


def compare_versions(left: str, right: str) -> int:
    """-1, 0 or 1 as `left` is older than, the same as, or newer than `right`."""
    a, b = parse_version(left), parse_version(right)
    for x, y in zip(a, b, strict=False):
        if x != y:
            return -1 if x < y else 1
    if len(a) == len(b):
        return 0
    longer, sign = (a, 1) if len(a) > len(b) else (b, -1)
    nxt = longer[min(len(a), len(b))]
    pre = nxt[0] == 0 and nxt[1] in PRE_RELEASE
    return -sign if pre else sign
