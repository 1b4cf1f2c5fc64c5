"""OpenRouter: `/api/v1/key` (usage and limit, any key) and `/api/v1/activity` (per day and model, UTC days).

`/activity` needs a management key and covers the last 30 completed UTC days; when the key may not
read it, the report says so and shows only the key's budget.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from aistack.errors import AistackError
from aistack.usage.backend import Context, DayRow, Options, add_day_rows, join, number
from aistack.usage.http import HttpError
from aistack.usage.model import Budget, Fetched
from aistack.usage.periods import Period

KEPT_DAYS = 30
ROW = DayRow(model=("model", "model_permaslug"), input="prompt_tokens", output="completion_tokens", requests="requests",
             cost="usage")


def check_options(options: dict[str, Any], source: str) -> dict[str, Any]:
    Options(options, source, "openrouter", set())
    return {}


def api(base: str, path: str) -> str:
    base = base.rstrip("/")
    return join(base if base.endswith("/api/v1") else base + "/api/v1", path)


def next_reset(kind: str | None, now: datetime) -> datetime | None:
    """OpenRouter's limits reset at UTC midnight: daily, on Mondays, or on the 1st."""
    midnight = datetime(now.year, now.month, now.day, tzinfo=timezone.utc)
    if kind == "daily":
        return midnight + timedelta(days=1)
    if kind == "weekly":
        return midnight + timedelta(days=7 - now.weekday())
    if kind == "monthly":
        return datetime(now.year + (now.month == 12), now.month % 12 + 1, 1, tzinfo=timezone.utc)
    return None


def _budget(data: dict, now: datetime) -> Budget | None:
    limit = number(data.get("limit"))
    reset = data.get("limit_reset") if isinstance(data.get("limit_reset"), str) else None
    spend_field = {"daily": "usage_daily", "weekly": "usage_weekly",
                   "monthly": "usage_monthly"}.get(reset or "", "usage")
    spend = number(data.get(spend_field))
    if limit is None and spend is None:
        return None
    return Budget(spend=spend, limit=limit, resets_at=next_reset(reset, now), period=reset, source="/api/v1/key")


def fetch(ctx: Context, period: Period) -> Fetched:
    fetched = Fetched(utc_days=True, has_cache_tokens=False)
    now = datetime.now(timezone.utc)
    key_url = api(ctx.base_url, "key")
    body = ctx.http.get_json(key_url)
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        raise AistackError(f"{key_url} answered without a `data` object; is `gateway.usage` right?")
    fetched.budget = _budget(data, now)

    url = api(ctx.base_url, "activity")
    try:
        activity = ctx.http.get_json(url)
    except HttpError as e:
        if e.status not in (401, 403, 404):
            raise
        # 401 here means the key is fine (it just read /key) but is not a management key.
        fetched.warn_partial(f"per-day usage is not available to this key ({url} answered HTTP {e.status}; OpenRouter"
                             " serves it to management keys only); only the key's totals are shown.")
        return fetched
    rows = activity.get("data") if isinstance(activity, dict) else None
    if not isinstance(rows, list):
        raise AistackError(f"{url} answered without a `data` list.")
    first, last = period.since.isoformat(), period.until.isoformat()
    add_day_rows(fetched, rows, first, last, ROW)
    fetched.pages = 1
    oldest = (now - timedelta(days=KEPT_DAYS)).date()
    if period.since < oldest:
        fetched.warn_partial(f"OpenRouter keeps per-day usage for the last {KEPT_DAYS} completed UTC days only;"
                             f" days before {oldest.isoformat()} are missing.")
    if period.until >= now.date():
        fetched.notes.append("OpenRouter reports completed UTC days only; today is not included yet.")
    return fetched
