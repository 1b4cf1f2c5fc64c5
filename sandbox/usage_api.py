"""The `aistack` usage API (docs/usage-api.openapi.yaml) served from what the sandbox gateway recorded.

Mounted on the gateway under /usage, so the org profile's `usage_url` is `<gateway>/usage`.
Each caller sees only their own rows: the `sub` of their token.
"""

from __future__ import annotations

import math
import os
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from tokens import InvalidToken, Verifier
from usage_store import Store

PREFIX = "/usage/v1/usage"
BUDGET_USD = float(os.environ.get("SANDBOX_BUDGET_USD", "20"))


def _error(status: int, message: str) -> JSONResponse:
    headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'} if status == 401 else None
    return JSONResponse({"error": {"message": message}}, status_code=status, headers=headers)


def _month_start(now: datetime) -> datetime:
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def router(verifier: Verifier, store: Store) -> APIRouter:
    api = APIRouter()

    def caller(request: Request) -> str:
        token = request.headers.get("authorization") or request.headers.get("x-api-key")
        return verifier.verify(token)["sub"]

    @api.get(f"{PREFIX}/daily")
    def daily(request: Request, start: str = "", end: str = "", timezone: str = "UTC",
              page: int = 1, page_size: int = 500):
        try:
            user = caller(request)
        except InvalidToken as e:
            return _error(401, f"invalid token ({e}); run `aistack login`.")
        try:
            first, last = date.fromisoformat(start), date.fromisoformat(end)
        except ValueError:
            return _error(400, "`start` and `end` must be dates, YYYY-MM-DD.")
        if first > last:
            return _error(400, "`start` must not be after `end`.")
        if page < 1 or not 1 <= page_size <= 1000:
            return _error(400, "`page` must be >= 1 and `page_size` between 1 and 1000.")
        try:
            zone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            return _error(400, f"unknown `timezone` {timezone!r}; use an IANA name such as Europe/Paris.")
        rows = store.daily(user, first, last, zone)
        return {"timezone": timezone, "page": page, "total_pages": math.ceil(len(rows) / page_size),
                "data": rows[(page - 1) * page_size: page * page_size]}

    @api.get(f"{PREFIX}/budget")
    def budget(request: Request):
        try:
            user = caller(request)
        except InvalidToken as e:
            return _error(401, f"invalid token ({e}); run `aistack login`.")
        now = datetime.now(timezone.utc)
        start = _month_start(now)
        resets = _month_start(start.replace(day=28) + timedelta(days=4))
        return {"spend_usd": round(store.spend_since(user, start.timestamp()), 6), "limit_usd": BUDGET_USD,
                "period": "monthly", "resets_at": resets.isoformat().replace("+00:00", "Z")}

    return api
