"""The usage backends as apps for support.http's loopback server, speaking each one's documented shapes
(shared/usage-apis.md, and docs/usage-api.openapi.yaml for the `aistack` API), and org profiles pointing at them.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Callable
from pathlib import Path

from support.http import Reply, Seen


def jwt(claims: dict) -> str:
    """An unsigned JWT-shaped token (the servers compare it verbatim; aistack only reads its claims)."""
    enc = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()  # noqa: E731
    return f"{enc({'alg': 'none'})}.{enc(claims)}.sig"


def write_profile(tmp_path: Path, usage: str, usage_url: str, options: dict | None = None,
                  token_header: str = "Authorization") -> Path:
    lines = ["schema = 1", "[org]", 'name = "Example Corp"', "[gateway]", 'url = "https://ai.example.com"',
             f'usage = "{usage}"', f'usage_url = "{usage_url}"', f'token_header = "{token_header}"']
    if options:
        lines.append("[gateway.usage_options]")
        lines += [f"{k} = {json.dumps(v)}" for k, v in options.items()]
    path = tmp_path / "org.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


# ---- LiteLLM: /key/info, /user/info, /user/daily/activity --------------------------------------------

def metrics(prompt=0, completion=0, cache_read=0, cache_write=0, requests=0, spend=0.0) -> dict:
    return {"spend": spend, "prompt_tokens": prompt, "completion_tokens": completion,
            "cache_read_input_tokens": cache_read, "cache_creation_input_tokens": cache_write,
            "total_tokens": prompt + completion, "successful_requests": requests, "failed_requests": 0,
            "api_requests": requests}


def litellm_app(records: list[tuple[str, str, dict]], key_info: dict | None = None, user_id: str = "alice",
                user_info: dict | None = None) -> Callable[[Seen], Reply]:
    """`records` are LiteLLM_DailyUserSpend rows (date, model, metrics). Like the proxy, pages are taken over
    records (newest first) and then grouped by date, so one date can span two pages."""
    ordered = sorted(records, key=lambda r: (r[0], r[1]), reverse=True)

    def app(seen: Seen) -> Reply:
        if seen.path == "/key/info":
            info = {"key_alias": "alice-laptop", "user_id": user_id, "spend": 0.0, "max_budget": None,
                    **(key_info or {})}
            return Reply(200, {"key": "sk-...redacted", "info": info})
        if seen.path == "/user/info":
            if seen.one("user_id") != user_id:
                return Reply(403, {"error": {"message": "not allowed"}})
            return Reply(200, {"user_id": user_id, "user_info": user_info or {"spend": 0.0}, "keys": [], "teams": []})
        if seen.path == "/user/daily/activity":
            start, end = seen.one("start_date"), seen.one("end_date")
            if not start or not end:
                return Reply(400, {"error": {"message": "Please provide start_date and end_date"}})
            if seen.one("user_id") not in (None, user_id):
                return Reply(403, {"error": {"message": "Non-admins must provide their own user_id"}})
            page, size = int(seen.one("page") or 1), int(seen.one("page_size") or 50)
            rows = [r for r in ordered if start <= r[0] <= end]
            chunk = rows[(page - 1) * size: page * size]
            by_date: dict[str, dict] = {}
            for date, model, m in chunk:
                day = by_date.setdefault(date, {"date": date, "metrics": metrics(),
                                                "breakdown": {"models": {}, "providers": {}, "api_keys": {}}})
                day["breakdown"]["models"][model] = {"metrics": m, "metadata": {}, "api_key_breakdown": {}}
                for k, v in m.items():
                    day["metrics"][k] += v
            total_pages = max(1, math.ceil(len(rows) / size))
            return Reply(200, {"results": list(by_date.values()), "metadata": {
                "total_spend": sum(r[2]["spend"] for r in rows), "total_api_requests": sum(r[2]["api_requests"] for r in rows),
                "page": page, "total_pages": total_pages, "has_more": page < total_pages}})
        return Reply(404, {"detail": "Not Found"})

    return app


# ---- Cloudflare AI Gateway logs ---------------------------------------------------------------------

def cf_row(i: int, created_at: str, model: str = "claude-sonnet-4-5", tokens_in: int | None = 100,
           tokens_out: int | None = 20, cost: float | None = 0.001, user: str = "alice") -> dict:
    return {"id": f"log-{i:07d}", "created_at": created_at, "provider": "anthropic", "model": model,
            "model_type": "chat", "path": "v1/messages", "success": True, "status_code": 200, "cached": False,
            "duration": 900, "tokens_in": tokens_in, "tokens_out": tokens_out, "cost": cost,
            "metadata": json.dumps({"user": user}), "request_type": "chat", "step": 0}


def cloudflare_app(rows: list[dict], account: str = "acct", gateway: str = "gw", honour_filter: bool = True
                   ) -> Callable[[Seen], Reply]:
    path = f"/accounts/{account}/ai-gateway/gateways/{gateway}/logs"
    ordered = sorted(rows, key=lambda r: r["created_at"])

    def app(seen: Seen) -> Reply:
        if seen.path != path:
            return Reply(404, {"success": False, "errors": [{"code": 7003, "message": "No route for that URI"}]})
        start, end = seen.one("start_date") or "", seen.one("end_date") or "~"
        want = seen.one("filters[0][value][0]") if honour_filter else None
        chosen = [r for r in ordered if start <= r["created_at"] < end
                  and (want is None or json.loads(r["metadata"]).get("user") == want)]
        if seen.one("order_by_direction") == "desc":
            chosen.reverse()
        page, per = int(seen.one("page") or 1), int(seen.one("per_page") or 20)
        if per > 50:
            return Reply(400, {"success": False, "errors": [{"code": 10001, "message": "per_page must be <= 50"}]})
        items = chosen[(page - 1) * per: page * per]
        return Reply(200, {"success": True, "errors": [], "messages": [], "result": items,
                           "result_info": {"page": page, "per_page": per, "count": len(items),
                                           "total_count": len(chosen),
                                           "total_pages": max(1, math.ceil(len(chosen) / per))}})

    return app


# ---- OpenRouter -------------------------------------------------------------------------------------

def openrouter_app(key: dict, activity: list[dict] | None) -> Callable[[Seen], Reply]:
    """`activity=None`: the key is not a management key, so /activity is refused."""

    def app(seen: Seen) -> Reply:
        if seen.path == "/api/v1/key":
            return Reply(200, {"data": key})
        if seen.path == "/api/v1/activity":
            if activity is None:
                return Reply(403, {"error": {"code": 403, "message": "Only management keys can fetch activity"}})
            rows = [r for r in activity if not seen.one("date") or r["date"] == seen.one("date")]
            return Reply(200, {"data": rows})
        return Reply(404, {"error": {"code": 404, "message": "Not Found"}})

    return app


# ---- aistack usage API (docs/usage-api.openapi.yaml) -------------------------------------------------

def aistack_app(rows: list[dict], budget: dict | None, served_tz: str | None = None,
                check: Callable[[Seen, Reply], None] | None = None, prefix: str = "") -> Callable[[Seen], Reply]:
    ordered = sorted(rows, key=lambda r: (r["date"], r["model"]))

    def app(seen: Seen) -> Reply:
        reply = _aistack(seen)
        if check:
            check(seen, reply)
        return reply

    def _aistack(seen: Seen) -> Reply:
        path = seen.path.removeprefix(prefix)
        if path == "/v1/usage/budget":
            if budget is None:
                return Reply(404, {"error": {"message": "no budget for this engineer"}})
            return Reply(200, budget)
        if path == "/v1/usage/daily":
            start, end = seen.one("start"), seen.one("end")
            if not start or not end:
                return Reply(400, {"error": {"message": "start and end are required"}})
            page, size = int(seen.one("page") or 1), int(seen.one("page_size") or 500)
            chosen = [r for r in ordered if start <= r["date"] <= end]
            return Reply(200, {"timezone": served_tz or seen.one("timezone") or "UTC", "page": page,
                               "total_pages": math.ceil(len(chosen) / size),
                               "data": chosen[(page - 1) * size: page * size]})
        return Reply(404, {"error": {"message": "not found"}})

    return app
