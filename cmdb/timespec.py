"""Times as people type them: one reader for every `--as-of`, `--from` and `--to`.

`parse_time(text, option, now)` is pure (the caller passes `now`) and accepts:
- an ISO time or date, `2026-11-22T04:00:00Z`, `2026-11-22 04:00`, `2026-11-22`;
  without a zone it is UTC, a date alone is its midnight UTC;
- `now`; `today` and `yesterday`: midnight UTC of that day (24 hours ago is `-1d`);
- a time ago: `-` and a whole number of seconds, minutes, hours, days or weeks,
  `-90s`, `-30m`, `-1h`, `-2d`, `-1w`.
A time after `now` is refused: the graph does not know the future.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from cmdb.errors import CMDBError


class TimeSpecError(CMDBError):
    """A time given on the command line (or to the API) is not one we read; names the option."""


FORMS = (
    "an ISO time (2026-11-22T04:00:00Z; without a zone, UTC), now, today, yesterday "
    "(midnight UTC) or a time ago (-30m, -1h, -2d, -1w)"
)

_AGO = re.compile(r"-(\d{1,6})([smhdw])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_time(text: str, option: str, now: datetime) -> datetime:
    """The UTC time `text` means at `now` (an aware datetime); `option` names it in errors."""
    spec = text.strip().lower()
    midnight = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if spec == "now":
        value = now
    elif spec == "today":
        value = midnight
    elif spec == "yesterday":
        value = midnight - timedelta(days=1)
    elif ago := _AGO.fullmatch(spec):
        value = now - timedelta(**{_UNITS[ago.group(2)]: int(ago.group(1))})
    else:
        value = _parse_iso(text.strip(), option)
    if value > now:
        raise TimeSpecError(
            f"{option} {text!r} is in the future ({format_time(value)}; now is "
            f"{format_time(now)}): the graph holds what was, not what will be"
        )
    return value.astimezone(UTC)


def _parse_iso(text: str, option: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise TimeSpecError(f"{option} {text!r} is not a time: use {FORMS}") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def format_time(value: datetime) -> str:
    """A time as a person reads it, in UTC to the second: `2026-12-03 07:15:02Z`."""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")
