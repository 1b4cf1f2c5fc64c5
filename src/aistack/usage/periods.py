"""Which days a report covers, in which timezone: `--since`, `--until`, `7d`, and the UTC instants they span."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aistack.errors import UsageError

RELATIVE = re.compile(r"^(\d{1,4})([dwm])$")
DEFAULT_DAYS = 7


@dataclass(frozen=True)
class Period:
    since: date  # first day, inclusive
    until: date  # last day, inclusive
    tz: ZoneInfo | timezone
    tz_name: str

    @property
    def days(self) -> int:
        return (self.until - self.since).days + 1

    def each_day(self):
        d = self.since
        while d <= self.until:
            yield d
            d += timedelta(days=1)

    def start_utc(self) -> datetime:
        """The first instant of `since` in the chosen timezone, as UTC."""
        return datetime.combine(self.since, time(0), self.tz).astimezone(timezone.utc)

    def end_utc(self) -> datetime:
        """The first instant after `until` (exclusive end), as UTC; DST days are 23 or 25 hours long."""
        return datetime.combine(self.until + timedelta(days=1), time(0), self.tz).astimezone(timezone.utc)

    def label(self) -> str:
        return f"{self.since.isoformat()} → {self.until.isoformat()}"


def zone(name: str | None) -> tuple[ZoneInfo | timezone, str]:
    """The named IANA zone, or this machine's local zone."""
    if name:
        if name.upper() == "UTC":
            return timezone.utc, "UTC"
        try:
            return ZoneInfo(name), name
        except (ZoneInfoNotFoundError, ValueError):
            raise UsageError(f"--timezone {name!r} is not an IANA timezone name.",
                             hint="Use a name like Europe/Paris, America/New_York or UTC.") from None
    local = datetime.now().astimezone().tzinfo
    key = _local_zone_name()
    if key:
        try:
            return ZoneInfo(key), key
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return local or timezone.utc, str(local or "UTC")


def _local_zone_name() -> str | None:
    import os

    tz = os.environ.get("TZ")
    if tz and not tz.startswith(":") and "/" in tz:
        return tz
    try:
        link = os.readlink("/etc/localtime")
    except OSError:
        return None
    marker = "zoneinfo/"
    return link.split(marker, 1)[1] if marker in link else None


def parse_day(value: str, flag: str, today: date) -> date:
    """YYYY-MM-DD, YYYYMMDD, today, yesterday."""
    v = value.strip().lower()
    if v == "today":
        return today
    if v == "yesterday":
        return today - timedelta(days=1)
    for fmt in ("%Y-%m-%d", "%Y%m%d"):
        try:
            return datetime.strptime(v, fmt).date()
        except ValueError:
            continue
    raise UsageError(f"{flag} {value!r} is not a date.",
                     hint="Use YYYY-MM-DD, YYYYMMDD, today, yesterday, or (for --since) a span like 7d, 2w, 3m.")


def resolve(since: str | None, until: str | None, tz_name: str | None, today: date | None = None) -> Period:
    """The inclusive day range. `7d` is the last 7 calendar days including today (never 8)."""
    tz, label = zone(tz_name)
    today = today or datetime.now(tz).date()
    end = parse_day(until, "--until", today) if until else today
    if since is None:
        start = end - timedelta(days=DEFAULT_DAYS - 1)
    elif m := RELATIVE.match(since.strip().lower()):
        n, unit = int(m.group(1)), m.group(2)
        if n < 1:
            raise UsageError(f"--since {since!r}: the span must be at least 1.")
        if unit == "d":
            start = end - timedelta(days=n - 1)
        elif unit == "w":
            start = end - timedelta(days=7 * n - 1)
        else:  # calendar months: 1m is this month so far, 2m adds the previous one
            y, mo = end.year, end.month - (n - 1)
            while mo < 1:
                y, mo = y - 1, mo + 12
            start = date(y, mo, 1)
    else:
        start = parse_day(since, "--since", today)
    if start > end:
        raise UsageError(f"--since {start.isoformat()} is after --until {end.isoformat()}.",
                         hint="Swap the dates, or leave --until out to mean today.")
    if (end - start).days > 3660:
        raise UsageError(f"the range {start.isoformat()} → {end.isoformat()} is longer than ten years.")
    return Period(start, end, tz, label)
