"""cmdb.timespec: the one reader of --as-of/--from/--to, on a fixed `now`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from cmdb.timespec import TimeSpecError, format_time, parse_time

NOW = datetime(2026, 12, 3, 7, 15, 2, 345678, tzinfo=UTC)
MIDNIGHT = datetime(2026, 12, 3, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-22T04:00:00Z", datetime(2026, 11, 22, 4, tzinfo=UTC)),
        ("2026-11-22T04:00:00", datetime(2026, 11, 22, 4, tzinfo=UTC)),  # naive = UTC
        ("2026-11-22T05:00:00+01:00", datetime(2026, 11, 22, 4, tzinfo=UTC)),
        ("2026-11-22", datetime(2026, 11, 22, tzinfo=UTC)),
        ("2026-12-03 07:15:02Z", datetime(2026, 12, 3, 7, 15, 2, tzinfo=UTC)),  # as printed
        ("now", NOW),
        (" NOW ", NOW),
        ("today", MIDNIGHT),
        ("yesterday", MIDNIGHT - timedelta(days=1)),
        ("-90s", NOW - timedelta(seconds=90)),
        ("-30m", NOW - timedelta(minutes=30)),
        ("-1h", NOW - timedelta(hours=1)),
        ("-2d", NOW - timedelta(days=2)),
        ("-1w", NOW - timedelta(weeks=1)),
    ],
)
def test_accepted_forms(text: str, expected: datetime) -> None:
    value = parse_time(text, "--as-of", NOW)
    assert value == expected
    assert value.tzinfo is not None and value.utcoffset() == timedelta(0)


def test_today_is_the_utc_day_whatever_the_zone_of_now() -> None:
    # 00:30 in UTC+2 is still 22:30 of the day before in UTC
    now = datetime(2026, 12, 3, 0, 30, tzinfo=timezone(timedelta(hours=2)))
    assert parse_time("today", "--from", now) == datetime(2026, 12, 2, tzinfo=UTC)


@pytest.mark.parametrize("text", ["last week", "1h", "-1y", "-h", "2026-13-01", "", "-1.5h"])
def test_other_text_is_one_error_naming_the_option_and_the_forms(text: str) -> None:
    with pytest.raises(TimeSpecError) as caught:
        parse_time(text, "--from", NOW)
    message = str(caught.value)
    assert message.startswith(f"--from {text!r} is not a time")
    assert "2026-11-22T04:00:00Z" in message and "-1h" in message and "yesterday" in message


@pytest.mark.parametrize(
    "text", ["2026-12-03T07:16:00Z", "2027-01-01", "2026-12-03T08:15:03+01:00"]
)
def test_the_future_is_refused(text: str) -> None:
    with pytest.raises(
        TimeSpecError, match=r"--as-of .* is in the future .*now is 2026-12-03 07:15:02Z"
    ):
        parse_time(text, "--as-of", NOW)


def test_format_time_is_utc_to_the_second() -> None:
    assert format_time(
        datetime(2026, 12, 3, 8, 15, 2, 999, tzinfo=timezone(timedelta(hours=1)))
    ) == ("2026-12-03 07:15:02Z")
    assert format_time(datetime(2026, 12, 3, 7, 15, 2)) == "2026-12-03 07:15:02Z"  # naive = UTC
