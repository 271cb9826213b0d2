"""What a run decides for one rule's findings (audits/findings.py decide): pure, at
explicit times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from audits.evaluate import Violation
from audits.findings import Status, Stored, decide
from audits.rulefile import Rule

NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)
RULE = Rule.model_validate({"id": "owner", "title": "t", "severity": "major", "doc": "d",
                            "scope": {"classes": ["Server"]},
                            "filter": [{"missing": "name"}]})  # fmt: skip


def stored(uid: str, status: Status, until: datetime | None = None) -> Stored:
    return Stored(f"owner|{uid}", f"F-{uid}", uid, status, 3, until)


def actions(found: list[str], kept: list[Stored]) -> list[tuple[str, str, str]]:
    out = decide(RULE, [Violation(u, {}) for u in found], kept, NOW, "run-1")
    opened = [("open", r["key"], "open") for r in out.opened]
    return opened + [(r["action"], r["key"], r["to_status"]) for r in out.steps]


def test_each_state_meets_a_violation_or_its_absence() -> None:
    kept = [
        stored("a", Status.OPEN),
        stored("b", Status.ACKNOWLEDGED),
        stored("c", Status.RESOLVED),
        stored("d", Status.WAIVED, NOW + timedelta(seconds=1)),
        stored("e", Status.WAIVED, NOW),  # lapses at its expiry
        stored("f", Status.WAIVED, NOW + timedelta(days=1)),  # cleared: resolved
        stored("g", Status.RESOLVED),  # cleared and resolved: nothing
        stored("h", Status.ACKNOWLEDGED),  # cleared: resolved
    ]
    assert actions(["a", "b", "c", "d", "e", "new"], kept) == [
        ("open", "owner|new", "open"),
        ("reopen", "owner|c", "open"),
        ("lapse", "owner|e", "open"),
        ("resolve", "owner|f", "resolved"),
        ("resolve", "owner|h", "resolved"),
    ]


def test_the_counts_and_what_a_step_writes() -> None:
    kept = [stored("a", Status.OPEN), stored("e", Status.WAIVED, NOW - timedelta(hours=1)),
            stored("x", Status.OPEN)]  # fmt: skip
    out = decide(RULE, [Violation("a", {"why": 1}), Violation("e", {})], kept, NOW, "run-1")
    assert out.counts == {"violations": 2, "opened": 0, "reopened": 0, "resolved": 1,
                          "lapsed": 1, "still_open": 1, "waived": 0}  # fmt: skip
    resolve = next(r for r in out.steps if r["action"] == "resolve")
    assert resolve["props"] == {"resolved_at": NOW, "resolved_by_run": "run-1"}
    assert resolve["revision"] == 3  # checked when written
    lapse = next(r for r in out.steps if r["action"] == "lapse")
    assert lapse["props"] == {"waiver_reason": None, "waiver_by": None, "waiver_until": None}
    assert [r["props"]["evidence"] for r in out.detected] == ['{"why": 1}', "{}"]


def test_a_waived_finding_that_clears_ends_its_waiver_with_it() -> None:
    kept = [stored("w", Status.WAIVED, NOW + timedelta(days=3))]
    [step] = decide(RULE, [], kept, NOW, "run-2").steps
    assert (step["action"], step["props"]) == ("resolve", {
        "resolved_at": NOW, "resolved_by_run": "run-2", "waiver_reason": None,
        "waiver_by": None, "waiver_until": None})  # fmt: skip
