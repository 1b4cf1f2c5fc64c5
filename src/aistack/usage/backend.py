"""What every usage backend provides, what it is given, and helpers they share."""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any, Callable, Iterator, Protocol, TypeVar

from aistack import wire
from aistack.errors import AistackError, ExitCode
from aistack.usage.http import Http, Stopped
from aistack.usage.model import Fetched, new_bucket
from aistack.usage.periods import Period

T = TypeVar("T")


@dataclass
class Context:
    """Everything a backend may use: where, with what options, through which client, as whom."""

    base_url: str
    options: dict[str, Any]
    http: Http
    token: str
    source: str = "the org profile"  # names the profile in messages
    today: date | None = None  # the chosen timezone's today; None means now
    claims: dict[str, Any] = field(default_factory=dict)


class Backend(Protocol):
    """A usage backend is a module with these two functions (checked in tests, listed in `registry`)."""

    def check_options(self, options: dict[str, Any], source: str) -> dict[str, Any]:
        """Validate `[gateway.usage_options]`; return them with defaults filled in."""

    def fetch(self, ctx: Context, period: Period) -> Fetched:
        """Fetch the engineer's usage for `period` and aggregate it into buckets while streaming."""


def add(fetched: Fetched, day: str, model: str, inp: int, out: int, cache_read: int, cache_write: int,
        requests: int, cost: float | None) -> None:
    """Add one gateway row to its (day, model) bucket. Hot loops inline this instead."""
    buckets = fetched.buckets
    b = buckets.get((day, model))
    if b is None:
        b = buckets[(day, model)] = new_bucket()
    b[0] += inp
    b[1] += out
    b[2] += cache_read
    b[3] += cache_write
    b[4] += requests
    if cost is None:
        b[6] += requests or 1
    else:
        b[5] += cost
    fetched.rows += 1


@dataclass(frozen=True)
class DayRow:
    """Where a backend's flat per-day rows keep each figure (`date` is `YYYY-MM-DD...`)."""

    model: tuple[str, ...]  # the first non-empty of these names the model
    input: str
    output: str
    requests: str
    cost: str
    cache_read: str | None = None
    cache_write: str | None = None


def add_day_rows(fetched: Fetched, rows: list, first: str, last: str, shape: DayRow) -> None:
    """Add flat per-day rows (`{"date": ..., model, tokens, requests, cost}`) inside [first, last]."""
    get_model = shape.model
    for row in rows:
        if not isinstance(row, dict):
            continue
        day = str(row.get("date") or "")[:10]
        if not first <= day <= last:
            fetched.outside += 1
            continue
        model = next((str(row[k]) for k in get_model if row.get(k)), "unknown")
        add(fetched, day, model, count(row.get(shape.input)), count(row.get(shape.output)),
            count(row.get(shape.cache_read)) if shape.cache_read else 0,
            count(row.get(shape.cache_write)) if shape.cache_write else 0,
            count(row.get(shape.requests)), number(row.get(shape.cost)))


def more_pages(ctx: "Context", fetched: Fetched, get: Callable[[int], T], total: int) -> Iterator[tuple[int, T | None]]:
    """Pages 2..total, fetched concurrently and yielded in order, within the report's page and time budget.

    A page that could not be fetched is said in the notes (the report is partial) and yielded as None, so a
    caller that relates pages can start afresh; when the budget is spent the notes say so and the walk ends.
    """
    for n, result in ctx.http.pages(get, range(2, total + 1)):
        if isinstance(result, AistackError):
            if result.exit_code != ExitCode.PROBLEM:
                raise result
            if isinstance(result, Stopped):
                fetched.warn_partial(f"stopped after page {n - 1:,} of {total:,}: {result.reason}; the figures are"
                                     " partial.")
                return
            fetched.warn_partial(f"page {n} of {total} could not be fetched ({result.message}); its rows are"
                                 " missing from the report.")
            yield n, None
            continue
        yield n, result


def next_page(ctx: "Context", fetched: Fetched, get: Callable[[int], T], n: int) -> T | None:
    """Page `n` of a walk that learns page by page whether another follows; None (said in the notes) when the
    report's page or time budget is spent."""
    stop = ctx.http.stop_before(n)
    if stop is None:
        try:
            return get(n)
        except Stopped as e:
            stop = e
    fetched.warn_partial(f"stopped after page {n - 1:,}: {stop.reason}; the figures are partial.")
    return None


class Options:
    """Reads `[gateway.usage_options]` strictly, naming the profile and the key on every failure."""

    def __init__(self, options: dict[str, Any], source: str, backend: str, allowed: set[str]):
        self.options = options
        self.source = source
        self.backend = backend
        unknown = sorted(set(options) - allowed)
        if unknown:
            listing = ", ".join(sorted(allowed)) or "none"
            raise AistackError(
                f"org profile {source}: unknown key `gateway.usage_options.{unknown[0]}` for the"
                f" {backend} usage backend (it accepts: {listing}).",
                hint="Fix the key's spelling in the org profile, or ask your platform team.")

    def fail(self, key: str, expected: str, got: Any = None) -> AistackError:
        detail = "" if got is None else f", got {got!r}"
        return AistackError(f"org profile {self.source}: `gateway.usage_options.{key}` must be {expected}"
                            f" for the {self.backend} usage backend{detail}.",
                            hint="Fix the org profile, or ask your platform team.")

    def string(self, key: str, default: str | None = None, required: bool = False) -> str | None:
        value = self.options.get(key)
        if value is None:
            if required:
                raise self.fail(key, "set (a non-empty string; it is missing)")
            return default
        if not isinstance(value, str) or not value.strip() or "/" in value or "?" in value or "#" in value:
            raise self.fail(key, "a non-empty string without '/', '?' or '#'", value)
        return value

    def integer(self, key: str, default: int, low: int, high: int) -> int:
        value = self.options.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(key, f"a whole number from {low} to {high}", value)
        return value


def join(base: str, path: str) -> str:
    return base.rstrip("/") + "/" + path.lstrip("/")


def unverified_claims(token: str) -> dict[str, Any]:
    """A JWT's payload, NOT verified: used only to name the engineer in a filter or a cache key.

    The gateway verifies the token; aistack never trusts these claims for access decisions.
    """
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    try:
        payload = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
        claims = wire.loads(payload)
    except (ValueError, UnicodeDecodeError):
        return {}
    return claims if isinstance(claims, dict) else {}


def number(value: Any) -> float | None:
    """A finite JSON number, or None for null/missing/garbage (booleans, NaN and infinities are not numbers)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    return None


def count(value: Any) -> int:
    n = number(value)
    return int(n) if n is not None and n > 0 else 0


def parse_instant(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


class LocalDay:
    """UTC timestamp string -> the chosen timezone's day (ISO), or "" when outside the period.

    The period's local midnights are kept as UTC strings ("YYYY-MM-DDTHH:MM"), so for Cloudflare's
    "...Z" timestamps the day is found by string comparison: `window()` bisects once and returns
    the [lo, hi) range of its day, and rows that arrive in time order stay in that window with two
    comparisons and no parsing (see `cloudflare.feed`). Other forms are parsed in full.
    """

    def __init__(self, period: Period):
        self.period = period
        self.first = period.since.isoformat()
        self.last = period.until.isoformat()
        days = list(period.each_day())
        self.days = [d.isoformat() for d in days]
        instants = [datetime.combine(d, datetime.min.time(), period.tz).astimezone(timezone.utc) for d in days]
        instants.append(period.end_utc())
        self.edges = [e.strftime("%Y-%m-%dT%H:%M") for e in instants]
        self.models: dict[str, dict[str, list]] = {}  # the Cloudflare loop's per-day bucket index

    def window(self, ts: Any) -> tuple[str | None, str, str]:
        """(day, lo, hi): every `...Z` timestamp string in [lo, hi) falls on `day` ("" = outside the period).

        The window is empty ("", "") for a timestamp in another form; day is None when unparsable.
        """
        from bisect import bisect_right

        if (isinstance(ts, str) and len(ts) >= 17 and ts[-1] == "Z" and ts[10] == "T" and ts[13] == ":"
                and ts[4] == "-" and ts[:4].isdigit()):
            i = bisect_right(self.edges, ts[:16]) - 1
            day = self.days[i] if 0 <= i < len(self.days) else ""
            return day, self.edges[i] if i >= 0 else "", self.edges[i + 1] if i + 1 < len(self.edges) else "~"
        when = parse_instant(ts)
        if when is None:
            return None, "", ""
        day = when.astimezone(self.period.tz).date().isoformat()
        return (day if self.first <= day <= self.last else ""), "", ""

    def day(self, ts: Any) -> str | None:
        return self.window(ts)[0]
