"""Pure value normalisers shared by the platform parsers.

Each takes one string as a device printed it and returns a canonical value or
None; none of them raises on odd input (the parser decides what is an error).
"""

from __future__ import annotations

import ipaddress
import re

_HEX = re.compile(r"[0-9a-fA-F]")
_NOT_HEX_SEP = re.compile(r"[^0-9a-fA-F.:\-\s]")
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


def normalize_mac(value: str | None) -> str | None:
    """`0800.27dc.5443`, `08-00-27-DC-54-43`, `8:0:27:dc:54:43` -> `08:00:27:dc:54:43`.

    Returns None for anything that is not a 48-bit MAC (e.g. "Incomplete").
    """
    if value is None:
        return None
    text = value.strip()
    if not text or _NOT_HEX_SEP.search(text):
        return None
    if ":" in text or "-" in text:
        parts = re.split(r"[:\-]", text)
        if len(parts) != 6 or not all(1 <= len(p) <= 2 for p in parts):
            return None
        digits = "".join(p.rjust(2, "0") for p in parts)
    else:
        digits = "".join(_HEX.findall(text))
        if len(digits) != 12 or len(text.replace(".", "")) != 12:
            return None
    digits = digits.lower()
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


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


def prefix_from_netmask(netmask: str | None) -> int | None:
    """255.255.255.252 -> 30; None when absent or not a contiguous mask."""
    if not netmask:
        return None
    try:
        return ipaddress.IPv4Network(f"0.0.0.0/{netmask.strip()}").prefixlen
    except ValueError:
        return None


def split_address(value: str | None) -> tuple[str | None, int | None]:
    """ "10.0.0.1/30" -> ("10.0.0.1", 30); "10.0.0.1" -> ("10.0.0.1", None);
    "unassigned" or anything that is not an address -> (None, None)."""
    if not value:
        return None, None
    text = value.strip()
    address, _, prefix = text.partition("/")
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None, None
    return address, (int(prefix) if prefix.isdigit() else None)


def link_word(value: str | None) -> str | None:
    """First word of a status, lower-case: "up (connected)" -> "up"; "" -> None."""
    if not value or not value.split():
        return None
    return value.split()[0].lower()
