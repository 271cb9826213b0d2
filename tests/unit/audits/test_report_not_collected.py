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


def test_coded_values_are_written_in_the_reports_language() -> None:
    import pandas as pd

    from audits.reports.frames import localized
    from audits.reports.model import Section

    frame = pd.DataFrame({"device": ["sw1", "sw2", "sw3"],
                          "reasons": ["no_support; interfaces_down", None, "no_support"],
                          "support_status": ["none", "expiring", "valid"]})  # fmt: skip
    zh = localized(Section("needing_action", frame), "zh")
    assert zh["需处理事项"].tolist()[0] == "无维保合同; 有接口停用"
    assert zh["需处理事项"].isna().tolist() == [False, True, False]
    assert zh["维保状态"].tolist() == ["无", "30天内到期", "有效"]


def test_uptime_is_the_newest_runs_that_read_one() -> None:
    from audits.reports.inspection import _uptimes

    newest = run({"10.0.0.1": {"snmp": {"status": "answered", "uptime_seconds": 86_400 * 3},
                               "ssh": {"status": "answered", "uptime_seconds": 86_400 * 3 + 7}},
                  "10.0.0.2": {"snmp": {"status": "gone", "kind": "timeout"}}})  # fmt: skip
    older = run({"10.0.0.1": {"snmp": {"status": "answered", "uptime_seconds": 60}},
                 "10.0.0.2": {"snmp": {"status": "answered", "uptime_seconds": 43_200}}})
    assert _uptimes([newest, older]).to_dict() == {"10.0.0.1": 3.0, "10.0.0.2": 0.5}
