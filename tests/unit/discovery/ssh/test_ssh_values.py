from __future__ import annotations

import pytest

from discovery.identifiers import prefix_from_netmask, split_address
from discovery.ssh.platforms.base import admin_from_line, link_status
from discovery.ssh.values import parse_uptime_seconds


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("3 weeks, 6 days, 32 minutes", 3 * 604800 + 6 * 86400 + 32 * 60),
        ("670 day(s), 6 hour(s), 34 minute(s), 1 second(s)", 670 * 86400 + 6 * 3600 + 34 * 60 + 1),
        (
            "134 weeks, 5 days, 23 hours and 44 minutes",
            134 * 604800 + 5 * 86400 + 23 * 3600 + 44 * 60,
        ),
        ("1 year, 22 weeks", 365 * 86400 + 22 * 604800),
        ("", None),
        ("unknown", None),
    ],
)
def test_parse_uptime_seconds(given: str, expected: int | None) -> None:
    assert parse_uptime_seconds(given) == expected


def test_prefix_and_address_helpers() -> None:
    assert prefix_from_netmask("255.255.255.252") == 30
    assert prefix_from_netmask("255.0.255.0") is None
    assert split_address("10.0.0.1/30") == ("10.0.0.1", 30)
    assert split_address("unassigned") == (None, None)
    assert split_address("fe80::1/64") == ("fe80::1", 64)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("up", "up"),
        ("Up", "up"),
        ("down", "down"),
        ("lowerlayerdown", "down"),
        ("protocol-down", "down"),
        ("Enabled", "up"),
        ("Disabled", "down"),
        ("testing", None),
        ("", None),
    ],
)
def test_link_status(word: str, expected: str | None) -> None:
    assert link_status(word) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("administratively down", "down"),
        ("admin down", "down"),
        ("down", "up"),
        ("up", "up"),
        ("", None),
    ],
)
def test_admin_from_line(line: str, expected: str | None) -> None:
    assert admin_from_line(line) == expected
