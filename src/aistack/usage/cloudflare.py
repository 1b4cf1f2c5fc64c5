"""Cloudflare AI Gateway: the logs API, one row per request, filtered to the engineer's metadata value.

`GET {usage_url}/accounts/{account_id}/ai-gateway/gateways/{gateway_id}/logs`, V4 page pagination
(`result` + `result_info`), ordered by `created_at` ascending over a fixed [start, end) window so
logs written during the fetch land after `end` and cannot shift pages. Usually the company proxy
serves this path and scopes it to the caller; with `metadata_key` set, aistack also asks Cloudflare
to filter and then checks every row's metadata itself, so a server that ignores the filter cannot
put someone else's usage in the report.
"""

from __future__ import annotations

import json
import math
from operator import itemgetter
from typing import Any

from aistack.errors import AistackError
from aistack.usage.backend import Context, LocalDay, Options, join, more_pages, next_page
from aistack.usage.model import Fetched, new_bucket
from aistack.usage.periods import Period

MAX_PER_PAGE = 50
FIELD_NAMES = ("created_at", "id", "model", "tokens_in", "tokens_out", "cost", "metadata")
FIELDS = itemgetter(*FIELD_NAMES)
ID = itemgetter(1)


def _fields(item: Any) -> tuple:
    """A row missing some fields: the missing ones are None."""
    get = item.get if isinstance(item, dict) else {}.get
    return tuple(get(name) for name in FIELD_NAMES)


def check_options(options: dict[str, Any], source: str) -> dict[str, Any]:
    o = Options(options, source, "cloudflare", {"account_id", "gateway_id", "metadata_key", "metadata_claim",
                                                 "per_page"})
    return {
        "account_id": o.string("account_id", required=True),
        "gateway_id": o.string("gateway_id", required=True),
        "metadata_key": o.string("metadata_key"),
        "metadata_claim": o.string("metadata_claim", "sub"),
        "per_page": o.integer("per_page", MAX_PER_PAGE, 1, MAX_PER_PAGE),
    }


def _instant(value) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _me(ctx: Context) -> str | None:
    key = ctx.options["metadata_key"]
    if not key:
        return None
    claim = ctx.options["metadata_claim"]
    value = ctx.claims.get(claim)
    if not isinstance(value, (str, int)) or isinstance(value, bool) or value == "":
        raise AistackError(
            f"org profile {ctx.source}: `gateway.usage_options.metadata_key` is {key!r}, but your token has no"
            f" `{claim}` claim to filter on (`gateway.usage_options.metadata_claim`).",
            hint="Ask your platform team: the filter needs a claim that names you in the gateway's metadata.")
    return str(value)


def params(ctx: Context, period: Period, page: int, me: str | None) -> list[tuple[str, str]]:
    out = [("page", str(page)), ("per_page", str(ctx.options["per_page"])),
           ("order_by", "created_at"), ("order_by_direction", "asc"),
           ("start_date", _instant(period.start_utc())), ("end_date", _instant(period.end_utc()))]
    if me is not None:
        # The query encoding of `filters` is not documented; this is the SDKs' bracket form.
        # Rows are checked again client-side (see `feed`), so a differing encoding cannot inflate.
        out += [("filters[0][key]", "metadata.value"), ("filters[0][operator]", "eq"), ("filters[0][value][0]", me)]
    return out


class Boundary:
    """The previous page's ids and last timestamp. Pages are in `created_at` order, so a row that shows
    up twice (logs written or deleted while paging shift the pages) is at most as new as the previous
    page's last row: only those rows are looked up, and memory stays one page."""

    __slots__ = ("ids", "last")

    def __init__(self, ids: set | frozenset = frozenset(), last: str = ""):
        self.ids = ids
        self.last = last


def feed(items: list, fetched: Fetched, day_of: LocalDay, me: str | None, prev: Boundary) -> Boundary:
    """Aggregate one page of log rows; return its Boundary for the next page. The hottest loop: keep it flat."""
    buckets = fetched.buckets
    by_day = day_of.models  # day -> {model: bucket}, the same lists as in fetched.buckets
    window = day_of.window
    lo = hi = ""  # the current day's [lo, hi) in UTC strings; rows come in time order
    current: str | None = None
    models: dict = {}
    needle = None if me is None else json.dumps(me)[1:-1]
    outside = foreign = dupes = bad = 0
    try:  # every field is present in Cloudflare's rows: pick them out in C, 50 rows at a time
        rows = list(map(FIELDS, items))
    except (KeyError, TypeError):
        rows = [_fields(it) for it in items]
    prev_ids, prev_last = prev.ids, prev.last
    for ts, rid, model, tin, tout, cost, meta in rows:
        # The 'T' and 'Z' checks keep other timestamp forms out of a window they only sort into.
        if ts.__class__ is str and lo <= ts < hi and ts[-1] == "Z" and ts[10] == "T":
            day = current
        else:
            day, lo, hi = window(ts)
            current = day
            if day is None:
                bad += 1
                continue
            models = by_day.get(day) or by_day.setdefault(day, {})
        if not day:
            outside += 1
            continue
        if needle is not None:
            if meta.__class__ is not str:
                meta = json.dumps(meta) if meta.__class__ is dict else ""
            if not meta or needle not in meta:
                foreign += 1
                continue
        if ts <= prev_last and rid.__class__ is str and rid in prev_ids:
            dupes += 1
            continue
        # Only well-typed fields count: a hostile or broken page cannot raise here (tests/usage/test_hostile.py).
        b = models.get(model) if model.__class__ is str else None
        if b is None:
            name = model if model.__class__ is str and model else "unknown"
            b = models.get(name)
            if b is None:
                b = models[name] = buckets[(day, name)] = new_bucket()
        if tin.__class__ is int and tin > 0:
            b[0] += tin
        if tout.__class__ is int and tout > 0:
            b[1] += tout
        b[4] += 1
        if cost.__class__ is float or cost.__class__ is int:
            b[5] += cost
        else:
            b[6] += 1
    fetched.rows += len(items) - bad - outside - foreign - dupes
    fetched.outside += outside
    if bad:
        fetched.warn_partial(f"{bad} log row(s) without a readable `created_at` were left out.")
    if foreign:
        fetched.notes.append(f"{foreign} log row(s) that do not carry your `{me}` metadata were left out"
                             " (the gateway did not apply the filter).")
    if dupes:
        fetched.notes.append(f"{dupes} log row(s) seen on two pages were counted once.")
    last = rows[-1][0] if rows else ""
    ids = {rid for rid in map(ID, rows) if rid.__class__ is str}  # rows without an id are never duplicates
    return Boundary(ids, last if last.__class__ is str else "")


def _page(body: Any, url: str) -> tuple[list, dict]:
    if not isinstance(body, dict) or not isinstance(body.get("result"), list):
        raise AistackError(f"{url} did not answer with Cloudflare's `result` list; is `gateway.usage_url` right?")
    if body.get("success") is False:
        raise AistackError(f"{url} reported failure: {body.get('errors')!r}.")
    info = body.get("result_info") if isinstance(body.get("result_info"), dict) else {}
    return body["result"], info


def fetch(ctx: Context, period: Period) -> Fetched:
    o = ctx.options
    url = join(ctx.base_url, f"accounts/{o['account_id']}/ai-gateway/gateways/{o['gateway_id']}/logs")
    me = _me(ctx)
    fetched = Fetched(has_cache_tokens=False)
    day_of = LocalDay(period)

    def get(page: int) -> tuple[list, dict]:
        return _page(ctx.http.get_json(url, params(ctx, period, page, me)), url)

    first, info = get(1)
    per_page = o["per_page"]
    total_count = info.get("total_count")
    total_pages = info.get("total_pages")
    if not isinstance(total_pages, int) and isinstance(total_count, int):
        total_pages = math.ceil(total_count / per_page) if per_page else 1
    boundary = feed(first, fetched, day_of, me, Boundary())
    fetched.pages = 1
    seen_rows = len(first)
    if isinstance(total_pages, int):
        # Pages 2..N concurrently, consumed in page order (see Boundary).
        for _n, result in more_pages(ctx, fetched, get, total_pages):
            if result is None:
                boundary = Boundary()
                continue
            items, _ = result
            boundary = feed(items, fetched, day_of, me, boundary)
            fetched.pages += 1
            seen_rows += len(items)
    else:  # no counts from the server: walk pages one by one until a short page
        items, n = first, 1
        while len(items) >= per_page and items:
            n += 1
            page = next_page(ctx, fetched, get, n)
            if page is None:
                break
            items, _ = page
            boundary = feed(items, fetched, day_of, me, boundary)
            fetched.pages += 1
            seen_rows += len(items)
    if isinstance(total_count, int) and seen_rows != total_count and not fetched.partial:
        fetched.warn_partial(f"the gateway announced {total_count} log rows but served {seen_rows}; logs may have"
                             " been deleted or added while they were read.")
    if fetched.outside:
        fetched.notes.append(f"{fetched.outside} log row(s) outside {period.label()} were left out.")
    return fetched
