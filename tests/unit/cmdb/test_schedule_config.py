"""`schedules:` in cmdb.yaml: README's example loads as written, paths from the file's
folder; a bad cron, kind, format, language or period, an unknown field and one name for
two tasks are each one error with the file, line and field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cmdb.config import load_config
from cmdb.errors import ConfigError
from cmdb.schedule_config import AuditSchedule, ReportSchedule

README = Path(__file__).resolve().parents[3] / "README.md"


def readme_example() -> str:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("\n## Schedules: discovery, audits, reports\n") :]
    block = section[section.index("```yaml\n") + len("```yaml\n") :]
    return block[: block.index("```")]


def test_the_readme_example_loads(tmp_path: Path) -> None:
    path = tmp_path / "cmdb.yaml"
    path.write_text(readme_example(), encoding="utf-8")
    s = load_config(path, env={}).schedules
    assert s.jobs == (tmp_path / "jobs" / "lab.yaml",)
    assert s.audits[0] == AuditSchedule(
        "nightly-audit", "0 2 * * *", ("owner", "location"), "NetworkDevice", True,
        tmp_path / "registers" / "2026.xlsx", False,
    )  # fmt: skip
    assert s.audits[1].rules is None and s.audits[1].initial_run
    assert s.reports[0] == ReportSchedule("monthly-status", "0 6 1 * *", "status",
                                          tmp_path / "reports", None, "xlsx", "zh")  # fmt: skip
    assert [(r.kind, r.format, r.lang) for r in s.reports[1:]] == [
        ("inspection", "html", "en"), ("audit", "html", "en")]  # fmt: skip


def test_no_schedules_is_empty() -> None:
    assert not load_config(None, env={}).schedules


AUDIT = "schedules:\n  audits:\n    - name: nightly\n      cron: '0 2 * * *'\n"
REPORT = "  reports:\n    - name: {name}\n      cron: '{cron}'\n      kind: {kind}\n      out: r/\n"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (AUDIT.replace("0 2 * * *", "0 25 * * *"),
         ":4: schedules.audits.0.cron: Value error, '0 25 * * *' is not a cron expression"),
        (AUDIT + REPORT.format(name="m", cron="0 6 1 * *", kind="weekly"),
         ":8: schedules.reports.0.kind: Input should be 'status', 'inspection' or 'audit'"),
        (AUDIT + REPORT.format(name="m", cron="0 6 1 * *", kind="status") + "      format: pdf\n",
         ":10: schedules.reports.0.format: Input should be 'html', 'xlsx' or 'csv'"),
        (AUDIT + REPORT.format(name="m", cron="0 6 1 * *", kind="status") + "      lang: fr\n",
         ":10: schedules.reports.0.lang: Input should be 'zh' or 'en'"),
        (AUDIT + REPORT.format(name="m", cron="0 6 1 * *", kind="status")
         + "      period: last month\n", ":10: schedules.reports.0.period: Value error, "
         "'last month' is not a period"),
        (AUDIT + "      when: nightly\n", ":5: schedules.audits.0.when: Extra inputs"),
        (AUDIT + REPORT.format(name="nightly", cron="0 6 1 * *", kind="status"),
         ":1: schedules: Value error, one name for two scheduled tasks: nightly"),
        (AUDIT.replace("nightly", "two words"), ":3: schedules.audits.0.name: String should"),
    ],
)  # fmt: skip
def test_a_bad_schedule_is_one_error_with_file_line_and_field(
    tmp_path: Path, text: str, says: str
) -> None:
    path = tmp_path / "cmdb.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(f"{path}{says}")):
        load_config(path, env={})
