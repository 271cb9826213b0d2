"""Pure value normalisers shared by the platform parsers (identifiers, such as MACs,
addresses and interface names, are `discovery.identifiers`).

Each takes one string as a device printed it and returns a canonical value or
None; none of them raises on odd input (the parser decides what is an error).
"""

from __future__ import annotations

import re

_UPTIME_PART = re.compile(r"(\d+)\s*(year|week|day|hour|minute|second)s?(?:\(s\))?", re.IGNORECASE)
_UPTIME_SECONDS = {
    "year": 365 * 86400,
    "week": 7 * 86400,
    "day": 86400,
    "hour": 3600,
    "minute": 60,
    "second": 1,
}
_LEADING_INT = re.compile(r"^\s*(\d+)")


def clean(value: object) -> str | None:
    """Strip a template value; empty strings and non-strings become None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    return text or None


def clean_list(value: object) -> tuple[str, ...]:
    """A template list value (or a single string) as a tuple of non-empty strings."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return ()
    return tuple(text for item in value if (text := clean(item)) is not None)


def parse_int(value: object) -> int | None:
    """The leading integer of a value ("1500", "10000 Kbit", "9214 bytes"), else None."""
    if not isinstance(value, str):
        return None
    match = _LEADING_INT.match(value)
    return int(match.group(1)) if match else None


def parse_uptime_seconds(text: str | None) -> int | None:
    """Seconds in uptimes such as "2 years, 31 weeks, 6 days, 9 hours, 55 minutes",
    "123 day(s), 5 hour(s), 15 minute(s), 19 second(s)" or "1 hour and 5 minutes"."""
    if not text:
        return None
    parts = _UPTIME_PART.findall(text)
    if not parts:
        return None
    return sum(int(n) * _UPTIME_SECONDS[unit.lower()] for n, unit in parts)


def link_word(value: str | None) -> str | None:
    """First word of a status, lower-case: "up (connected)" -> "up"; "" -> None."""
    if not value or not value.split():
        return None
    return value.split()[0].lower()
