"""The risk grade of a change, from its assessed impact: pure, so the CLI, the API and the
tests grade alike. Every factor gives a grade and a reason; the highest grade wins, and a
planned window outside every agreed maintenance window raises it one step.

- business services: any DOWN -> high, two or more DOWN -> critical, only DEGRADED -> medium
- the highest `criticality` among the CIs touched: critical -> high, high -> medium
- the number of CIs touched (the affected CIs and everything the impact reaches):
  20 or more -> medium, 100 or more -> high
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum

MANY_CIS = 20
VERY_MANY_CIS = 100
CRITICALITY = ("low", "medium", "high", "critical")  # the attribute's known values, in order


class Grade(IntEnum):
    LOW = 0
    MEDIUM = 1
    HIGH = 2
    CRITICAL = 3

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Touched:
    """A CI the change touches: one it names, or one its impact reaches."""

    uid: str
    name: str
    class_name: str
    state: str  # DOWN or DEGRADED (an affected CI itself is DOWN or in MAINTENANCE)
    criticality: str | None = None


@dataclass(frozen=True)
class Risk:
    grade: Grade
    reasons: tuple[str, ...]


def grade_risk(touched: Sequence[Touched], in_window: bool, window_note: str) -> Risk:
    factors = [_services(touched), _criticality(touched), _count(touched)]
    grade = max(g for g, _ in factors)
    reasons = [f"{text} ({g.label})" for g, text in factors]
    if in_window:
        reasons.append(f"inside the maintenance window {window_note}")
    else:
        raised = Grade(min(grade + 1, Grade.CRITICAL))
        reasons.append(f"outside every agreed maintenance window ({window_note}): "
                       f"{grade.label} raised to {raised.label}")  # fmt: skip
        grade = raised
    return Risk(grade, tuple(reasons))


def _services(touched: Sequence[Touched]) -> tuple[Grade, str]:
    services = [t for t in touched if t.class_name == "BusinessService"]
    down = sorted(t.name for t in services if t.state == "DOWN")
    degraded = sorted(t.name for t in services if t.state != "DOWN")
    if len(down) >= 2:
        return Grade.CRITICAL, f"{len(down)} business services down: {', '.join(down)}"
    if down:
        return Grade.HIGH, f"business service down: {down[0]}"
    if degraded:
        return Grade.MEDIUM, f"business services degraded: {', '.join(degraded)}"
    return Grade.LOW, "no business service affected"


def _criticality(touched: Sequence[Touched]) -> tuple[Grade, str]:
    ranked = [(CRITICALITY.index(t.criticality), t) for t in touched
              if t.criticality in CRITICALITY]  # fmt: skip
    if not ranked:
        return Grade.LOW, "no CI touched has a criticality"
    rank, top = max(ranked, key=lambda pair: (pair[0], pair[1].name))
    grade = {3: Grade.HIGH, 2: Grade.MEDIUM}.get(rank, Grade.LOW)
    return grade, f"highest criticality touched: {top.criticality} ({top.name})"


def _count(touched: Sequence[Touched]) -> tuple[Grade, str]:
    n = len({t.uid for t in touched})
    grade = Grade.HIGH if n >= VERY_MANY_CIS else Grade.MEDIUM if n >= MANY_CIS else Grade.LOW
    return grade, f"{n} CIs touched"
