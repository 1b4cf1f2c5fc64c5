from datetime import date, datetime, timezone

import pytest

from aistack.errors import UsageError
from aistack.usage.periods import resolve

TODAY = date(2026, 11, 26)


def test_7d_is_the_last_seven_days_including_today():
    p = resolve("7d", None, "UTC", today=TODAY)
    assert (p.since, p.until, p.days) == (date(2026, 11, 20), TODAY, 7)
    assert len(list(p.each_day())) == 7


def test_default_is_7d_and_1d_is_today():
    assert resolve(None, None, "UTC", today=TODAY).since == date(2026, 11, 20)
    p = resolve("1d", None, "UTC", today=TODAY)
    assert p.since == p.until == TODAY


def test_weeks_and_calendar_months():
    assert resolve("2w", None, "UTC", today=TODAY).days == 14
    assert resolve("1m", None, "UTC", today=TODAY).since == date(2026, 11, 1)
    assert resolve("3m", None, "UTC", today=date(2026, 2, 10)).since == date(2025, 12, 1)


@pytest.mark.parametrize("raw", ["2026-11-01", "20261101"])
def test_absolute_dates(raw):
    p = resolve(raw, "2026-11-03", "UTC", today=TODAY)
    assert (p.since, p.until) == (date(2026, 11, 1), date(2026, 11, 3))


def test_relative_span_counts_back_from_until():
    p = resolve("3d", "2026-11-10", "UTC", today=TODAY)
    assert (p.since, p.until) == (date(2026, 11, 8), date(2026, 11, 10))


@pytest.mark.parametrize("since,until,msg", [
    ("2026-11-05", "2026-11-01", "after --until"),
    ("last week", None, "is not a date"),
    ("0d", None, "at least 1"),
    (None, "2026-13-01", "is not a date"),
])
def test_bad_ranges_are_usage_errors(since, until, msg):
    with pytest.raises(UsageError, match=msg):
        resolve(since, until, "UTC", today=TODAY)


def test_unknown_timezone_is_a_usage_error():
    with pytest.raises(UsageError, match="Mars/Olympus"):
        resolve("7d", None, "Mars/Olympus")


def test_utc_window_spans_the_dst_change():
    """Paris leaves summer time on 2026-10-25: that day is 25 hours long."""
    p = resolve("2026-10-25", "2026-10-25", "Europe/Paris", today=TODAY)
    assert p.start_utc() == datetime(2026, 10, 24, 22, tzinfo=timezone.utc)
    assert p.end_utc() == datetime(2026, 10, 25, 23, tzinfo=timezone.utc)
    spring = resolve("2026-03-29", "2026-03-29", "Europe/Paris", today=TODAY)
    assert (spring.end_utc() - spring.start_utc()).total_seconds() == 23 * 3600


@pytest.mark.parametrize("tz", ["UTC", "Europe/Paris", "Asia/Kathmandu", "America/St_Johns", "Australia/Lord_Howe"])
def test_local_day_windows_agree_with_zoneinfo(tz):
    """Day windows give the same day as a full conversion, across DST changes and odd offsets."""
    from datetime import timedelta

    from aistack.usage.backend import LocalDay

    p = resolve("2026-10-03", "2026-11-02", tz, today=TODAY)
    day_of = LocalDay(p)
    lo = hi = ""
    current = None
    t = datetime(2026, 10, 1, tzinfo=timezone.utc)
    while t < datetime(2026, 11, 5, tzinfo=timezone.utc):
        expected = t.astimezone(p.tz).date()
        want = expected.isoformat() if p.since <= expected <= p.until else ""
        for ts in (t.strftime("%Y-%m-%dT%H:%M:%SZ"), t.strftime("%Y-%m-%dT%H:%M:%S.123Z")):
            if lo <= ts < hi:  # what the Cloudflare loop trusts without looking further
                assert current == want, ts
            else:
                current, lo, hi = day_of.window(ts)
                assert current == want, ts
        t += timedelta(minutes=13)
    assert day_of.day("2026-10-10T12:00:00+05:45") == "2026-10-10"  # an offset string is parsed in full
    assert day_of.window("2026-10-10 23:30:00Z")[1:] == ("", "")  # other forms never open a window
    assert day_of.day("not a time") is None
