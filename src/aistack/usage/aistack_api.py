"""The `aistack` usage API: a small JSON API a platform team serves itself (docs/usage-api.openapi.yaml).

Days are in the timezone aistack asks for, unless the server says it keeps UTC days only.
"""

from __future__ import annotations

from typing import Any

from aistack.errors import AistackError
from aistack.usage.backend import Context, DayRow, Options, add_day_rows, join, more_pages, number, parse_instant
from aistack.usage.http import HttpError
from aistack.usage.model import Budget, Fetched
from aistack.usage.periods import Period


def check_options(options: dict[str, Any], source: str) -> dict[str, Any]:
    o = Options(options, source, "aistack", {"page_size"})
    return {"page_size": o.integer("page_size", 500, 1, 1000)}


def _budget(ctx: Context, fetched: Fetched) -> Budget | None:
    url = join(ctx.base_url, "v1/usage/budget")
    try:
        body = ctx.http.get_json(url)
    except HttpError as e:
        if e.status == 404:
            return None
        if e.exit_code != 1 or e.status is None:
            raise
        fetched.notes.append(f"no budget shown: {url} answered HTTP {e.status}.")
        return None
    if not isinstance(body, dict):
        raise AistackError(f"{url} answered with JSON that is not an object (see docs/usage-api.openapi.yaml).")
    return Budget(spend=number(body.get("spend_usd")), limit=number(body.get("limit_usd")),
                  resets_at=parse_instant(body.get("resets_at")),
                  period=body.get("period") if isinstance(body.get("period"), str) else None, source=url)


ROW = DayRow(model=("model",), input="input_tokens", output="output_tokens", requests="requests", cost="cost_usd",
             cache_read="cache_read_tokens", cache_write="cache_write_tokens")


def feed(body: Any, fetched: Fetched, first: str, last: str, url: str) -> None:
    rows = body.get("data")
    if not isinstance(rows, list):
        raise AistackError(f"{url} answered without a `data` list (see docs/usage-api.openapi.yaml).")
    add_day_rows(fetched, rows, first, last, ROW)


def fetch(ctx: Context, period: Period) -> Fetched:
    fetched = Fetched()
    fetched.budget = _budget(ctx, fetched)
    url = join(ctx.base_url, "v1/usage/daily")
    first, last = period.since.isoformat(), period.until.isoformat()
    query = {"start": first, "end": last, "timezone": period.tz_name, "page_size": ctx.options["page_size"]}

    def get(page: int) -> dict:
        body = ctx.http.get_json(url, {**query, "page": page})
        if not isinstance(body, dict):
            raise AistackError(f"{url} answered with JSON that is not an object (see docs/usage-api.openapi.yaml).")
        return body

    body = get(1)
    served_tz = body.get("timezone")
    if isinstance(served_tz, str) and served_tz != period.tz_name:
        if served_tz.upper() == "UTC":
            fetched.utc_days = True
        else:
            fetched.notes.append(f"the gateway used {served_tz} days, not {period.tz_name}.")
    feed(body, fetched, first, last, url)
    fetched.pages = 1
    total = body.get("total_pages")
    if isinstance(total, int) and not isinstance(total, bool) and total > 1:
        for _n, result in more_pages(ctx, fetched, get, total):
            if result is not None:
                feed(result, fetched, first, last, url)
                fetched.pages += 1
    if fetched.outside:
        fetched.notes.append(f"{fetched.outside} row(s) outside {period.label()} were left out.")
    return fetched
