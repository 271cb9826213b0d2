"""Agreed maintenance windows: weekly slots in UTC (`changes.maintenance_windows` in
cmdb.yaml). A change is inside when its whole planned window falls in one occurrence of
one slot; a slot whose end is not after its start runs past midnight into the next day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class MaintenanceWindow:
    days: tuple[str, ...]  # the days a slot starts on: mon ... sun
    start: time
    end: time

    def describe(self) -> str:
        return f"{','.join(self.days)} {self.start:%H:%M}-{self.end:%H:%M} UTC"

    def occurrences(self, first: datetime, last: datetime) -> list[tuple[datetime, datetime]]:
        """The slot's occurrences that start between the day before `first` and `last`."""
        out = []
        day = (first - timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        while day <= last:
            if DAYS[day.weekday()] in self.days:
                begin = day.replace(hour=self.start.hour, minute=self.start.minute)
                finish = day.replace(hour=self.end.hour, minute=self.end.minute)
                if finish <= begin:
                    finish += timedelta(days=1)
                out.append((begin, finish))
            day += timedelta(days=1)
        return out


# Saturday 22:00 to Sunday 06:00 UTC, unless cmdb.yaml agrees other windows.
DEFAULT_WINDOWS = (MaintenanceWindow(("sat",), time(22, 0), time(6, 0)),)


def inside(start: datetime, end: datetime, windows: tuple[MaintenanceWindow, ...]) -> bool:
    """Whether [start, end] lies within one occurrence of one window (times aware)."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end - start > timedelta(days=7):
        return False
    return any(
        begin <= start and end <= finish
        for window in windows
        for begin, finish in window.occurrences(start, end)
    )


def parse_window(days: list[str], start: str, end: str) -> MaintenanceWindow:
    """A slot from its written form (`days: [sat]`, `start: "22:00"`, `end: "06:00"`);
    ValueError naming what is wrong."""
    unknown = [d for d in days if d not in DAYS]
    if unknown or not days:
        raise ValueError(f"days must be some of {', '.join(DAYS)}, got {days!r}")
    return MaintenanceWindow(tuple(days), _clock(start, "start"), _clock(end, "end"))


def _clock(text: str, name: str) -> time:
    try:
        parsed = time.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{name} must be a time of day HH:MM, got {text!r}") from None
    if len(text) != 5 or parsed.tzinfo is not None:
        raise ValueError(f"{name} must be a time of day HH:MM, got {text!r}")
    return parsed


def configured_windows(
    slots: tuple[tuple[tuple[str, ...], str, str], ...] | None,
) -> tuple[MaintenanceWindow, ...]:
    """The windows cmdb.yaml agrees (`config.changes.maintenance_windows`, checked there),
    or DEFAULT_WINDOWS when it names none."""
    if slots is None:
        return DEFAULT_WINDOWS
    return tuple(parse_window(list(days), start, end) for days, start, end in slots)
