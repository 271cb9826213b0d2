"""What the inspection report says discovery could not collect from a device, from the
newest run's coverage (audits/reports/inspection.py): a protocol that failed, a table
that did not answer; a port nobody listens on is no gap when another protocol answered."""

from __future__ import annotations

import json

from audits.reports.inspection import _not_collected


def run(coverage: dict[str, dict[str, object]]) -> dict[str, str]:
    return {"coverage": json.dumps(coverage)}


def test_refused_beside_an_answer_is_no_gap_and_failures_are_named() -> None:
    newest = run({
        "10.0.0.1": {"snmp": {"status": "answered", "tables": {"ifTable": "ok"}},
                     "ssh": {"status": "gone", "kind": "refused"}},
        "10.0.0.2": {"snmp": {"status": "answered", "tables": {"lldpRemTable": "timeout",
                                                               "ifTable": "ok"}},
                     "ssh": {"status": "gone", "kind": "auth_failed"}},
        "10.0.0.3": {"snmp": {"status": "gone", "kind": "timeout"},
                     "ssh": {"status": "gone", "kind": "refused"}},
    })  # fmt: skip
    older = run({"10.0.0.1": {"snmp": {"status": "gone", "kind": "timeout"}}})
    missed = _not_collected([newest, older]).to_dict()
    assert missed == {
        "10.0.0.2": "snmp.lldpRemTable: timeout; ssh: auth_failed",
        "10.0.0.3": "snmp: timeout; ssh: refused",  # nothing answered: all of it is a gap
    }
