"""`schedules:` in cmdb.yaml: the discovery jobs, audits and reports the scheduler runs
(`cmdb schedule`, `cmdb serve --schedule`). Read by cmdb/config.py; each cron expression,
name, kind, format, language and period is checked when the file is loaded, so a bad one
is told with the file, line and field before anything runs. Paths are relative to
cmdb.yaml's folder."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from croniter import croniter
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# the periods audits/reports/period.py reads (cmdb cannot import it: checked here by form)
_PERIOD = re.compile(
    r"\d{4}(-(\d{1,2}|[Qq][1-4]))?|\d{4}-\d{1,2}-\d{1,2}\.\.\d{4}-\d{1,2}-\d{1,2}"
    r"|last-month|this-month"
)
_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"


class _Scheduled(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: str = Field(pattern=_NAME)
    cron: str
    # never run yet: run once at the scheduler's start instead of waiting for the first tick
    initial_run: bool = False

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        if not croniter.is_valid(value):
            raise ValueError(f"{value!r} is not a cron expression (minute hour day month weekday)")
        return value


class _AuditScheduleFile(_Scheduled):
    rules: list[str] | None = Field(default=None, min_length=1)  # rule ids; none: all
    scope: str | None = None  # only CIs of this class
    changes: bool = False  # also the changes check, since where the last one ended
    reconcile: str | None = None  # a register file: reconcile with it too


class _ReportScheduleFile(_Scheduled):
    kind: Literal["status", "inspection", "audit"]
    period: str | None = None  # default: last-month; for `audit`, the newest run
    format: Literal["html", "xlsx", "csv"] = "html"
    lang: Literal["zh", "en"] = "en"
    out: str  # a folder: the file is named by kind and period

    @field_validator("period")
    @classmethod
    def _period(cls, value: str | None) -> str | None:
        if value is not None and not _PERIOD.fullmatch(value.strip()):
            raise ValueError(
                f"{value!r} is not a period: 2026-11, 2026-Q4, 2026, "
                "2026-11-01..2026-11-30, last-month or this-month"
            )
        return value


class SchedulesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    jobs: list[str] = Field(default_factory=list)  # discovery job files (with `schedule:`)
    audits: list[_AuditScheduleFile] = Field(default_factory=list)
    reports: list[_ReportScheduleFile] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> SchedulesFile:
        names = [s.name for s in [*self.audits, *self.reports]]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"one name for two scheduled tasks: {', '.join(twice)}")
        return self


@dataclass(frozen=True)
class AuditSchedule:
    name: str
    cron: str
    rules: tuple[str, ...] | None = None
    scope: str | None = None
    changes: bool = False
    reconcile: Path | None = None
    initial_run: bool = False


@dataclass(frozen=True)
class ReportSchedule:
    name: str
    cron: str
    kind: str
    out: Path
    period: str | None = None
    format: str = "html"
    lang: str = "en"
    initial_run: bool = False


@dataclass(frozen=True)
class Schedules:
    """What the scheduler runs besides the job files it is given."""

    jobs: tuple[Path, ...] = ()
    audits: tuple[AuditSchedule, ...] = ()
    reports: tuple[ReportSchedule, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.jobs or self.audits or self.reports)


def resolve(parsed: SchedulesFile, base: Path) -> Schedules:
    """The checked file section as settings, its paths made absolute from `base`."""
    return Schedules(
        jobs=tuple(base / p for p in parsed.jobs),
        audits=tuple(
            AuditSchedule(
                a.name,
                a.cron,
                tuple(a.rules) if a.rules else None,
                a.scope,
                a.changes,
                base / a.reconcile if a.reconcile else None,
                a.initial_run,
            )
            for a in parsed.audits
        ),
        reports=tuple(
            ReportSchedule(
                r.name, r.cron, r.kind, base / r.out, r.period, r.format, r.lang, r.initial_run
            )
            for r in parsed.reports
        ),
    )
