"""LiteLLM proxy: `/user/daily/activity` (UTC day buckets, paged) and `/key/info` / `/user/info` for the budget.

LiteLLM counts cache tokens inside `prompt_tokens`, so the report's Input is prompt tokens minus cache
reads and writes (never below zero). `spend` is the gateway's own cost; a row with tokens but zero
spend means LiteLLM had no price for the model, and is shown as n/a rather than $0.
"""

from __future__ import annotations

from typing import Any

from aistack.errors import AistackError
from aistack.usage.backend import Context, Options, add, count, join, more_pages, next_page, number, parse_instant
from aistack.usage.http import HttpError
from aistack.usage.model import Budget, Fetched
from aistack.usage.periods import Period


def check_options(options: dict[str, Any], source: str) -> dict[str, Any]:
    o = Options(options, source, "litellm", {"page_size"})
    return {"page_size": o.integer("page_size", 1000, 1, 1000)}


def _budget(ctx: Context, fetched: Fetched) -> tuple[Budget | None, str | None]:
    """The key's budget (or its user's), and the key's user_id for the activity query."""
    try:
        body = ctx.http.get_json(join(ctx.base_url, "key/info"))
    except HttpError as e:
        if e.exit_code != 1 or e.status is None:
            raise
        fetched.notes.append(f"no budget shown: /key/info answered HTTP {e.status}.")
        return None, None
    info = body.get("info") if isinstance(body, dict) else None
    if not isinstance(info, dict):  # before the `key`/`info` wrapper, the fields were at the top level
        info = body if isinstance(body, dict) else {}
    user_id = info.get("user_id") if isinstance(info.get("user_id"), str) else None
    budget = _budget_from(info, "/key/info")
    if budget is None and user_id:
        try:
            user = ctx.http.get_json(join(ctx.base_url, "user/info"), {"user_id": user_id})
        except HttpError as e:
            if e.exit_code != 1 or e.status is None:
                raise
            user = None
        if isinstance(user, dict) and isinstance(user.get("user_info"), dict):
            budget = _budget_from(user["user_info"], "/user/info")
    return budget, user_id


def _budget_from(info: dict, source: str) -> Budget | None:
    limit = number(info.get("max_budget"))
    if limit is None:
        table = info.get("litellm_budget_table")
        if isinstance(table, dict):
            limit = number(table.get("max_budget"))
    if limit is None:
        return None
    return Budget(spend=number(info.get("spend")), limit=limit, resets_at=parse_instant(info.get("budget_reset_at")),
                  period=info.get("budget_duration") if isinstance(info.get("budget_duration"), str) else None,
                  source=source)


def feed(results: Any, fetched: Fetched, first: str, last: str, url: str) -> None:
    if not isinstance(results, list):
        raise AistackError(f"{url} answered without a `results` list; is `gateway.usage` right?")
    for day in results:
        if not isinstance(day, dict):
            continue
        date = str(day.get("date") or "")[:10]
        if not first <= date <= last:
            fetched.outside += 1
            continue
        breakdown = day.get("breakdown")
        models = breakdown.get("models") if isinstance(breakdown, dict) else None
        items = (models.items() if isinstance(models, dict) and models
                 else [("unknown", {"metrics": day.get("metrics")})])
        for model, entry in items:
            m = entry.get("metrics") if isinstance(entry, dict) else None
            if not isinstance(m, dict):
                continue
            prompt, out = count(m.get("prompt_tokens")), count(m.get("completion_tokens"))
            read, write = count(m.get("cache_read_input_tokens")), count(m.get("cache_creation_input_tokens"))
            requests = count(m.get("api_requests")) or (count(m.get("successful_requests"))
                                                         + count(m.get("failed_requests")))
            spend = number(m.get("spend"))
            tokens = prompt + out + read + write
            cost = None if spend is None or (spend == 0 and tokens) else spend
            add(fetched, date, model or "unknown", max(0, prompt - read - write), out, read, write, requests, cost)


def fetch(ctx: Context, period: Period) -> Fetched:
    fetched = Fetched(utc_days=True)
    fetched.budget, user_id = _budget(ctx, fetched)
    url = join(ctx.base_url, "user/daily/activity")
    first, last = period.since.isoformat(), period.until.isoformat()
    base = {"start_date": first, "end_date": last, "page_size": ctx.options["page_size"]}
    if user_id:
        base["user_id"] = user_id

    def get(page: int) -> dict:
        body = ctx.http.get_json(url, {**base, "page": page})
        if not isinstance(body, dict):
            raise AistackError(f"{url} answered with JSON that is not an object; is `gateway.usage` right?")
        return body

    try:
        body = get(1)
    except HttpError as e:
        if e.status in (400, 404):
            raise AistackError(f"{url} answered HTTP {e.status}: this LiteLLM proxy does not offer daily activity"
                               " (it needs a database and a recent LiteLLM).",
                               hint="Ask your platform team to upgrade the proxy, or set `gateway.usage` to the"
                                    " backend your gateway supports.") from None
        raise
    feed(body.get("results"), fetched, first, last, url)
    fetched.pages = 1
    meta = body.get("metadata") if isinstance(body.get("metadata"), dict) else {}
    total_pages = meta.get("total_pages")
    if isinstance(total_pages, int) and not isinstance(total_pages, bool) and total_pages > 1:
        for _n, result in more_pages(ctx, fetched, get, total_pages):
            if result is not None:
                feed(result.get("results"), fetched, first, last, url)
                fetched.pages += 1
    elif meta.get("has_more") is True:  # no page count: follow has_more one page at a time
        n = 1
        while meta.get("has_more") is True:
            n += 1
            body = next_page(ctx, fetched, get, n)
            if body is None:
                break
            results = body.get("results")
            if not results and isinstance(results, list):
                fetched.warn_partial(f"page {n} of {url} came back empty though the one before said more follow;"
                                     " aistack stopped there.")
                break
            feed(results, fetched, first, last, url)
            fetched.pages += 1
            meta = body.get("metadata") if isinstance(body.get("metadata"), dict) else {}
    if fetched.outside:
        fetched.notes.append(f"{fetched.outside} day(s) outside {period.label()} were left out.")
    return fetched
