"""Loopback HTTP servers speaking each usage backend's documented shapes (shared/usage-apis.md, and
docs/usage-api.openapi.yaml for the `aistack` API). Real sockets on 127.0.0.1 with random ports,
one thread per connection; every request is recorded so tests can check what aistack asked.
"""

from __future__ import annotations

import json
import math
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

TOKEN = "test-token"


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # dict/list -> JSON; str/bytes -> raw
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    trickle: float = 0.0  # > 0: send the whole answer one byte at a time, this many seconds apart
    trickle_from: int = 0  # bytes sent at once before the trickle starts (0: the status line trickles too)


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    at: float

    def one(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


class Loopback:
    """A threaded server on 127.0.0.1:random; `app(seen) -> Reply`. `faults` replies first, per (path, page)."""

    def __init__(self, app: Callable[[Seen], Reply], token: str | None = TOKEN, header: str = "Authorization"):
        self.app = app
        self.token = token
        self.header = header
        self.seen: list[Seen] = []
        self.faults: dict[tuple[str, str | None], list[Reply]] = {}
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out in two writes; no 40 ms delayed-ACK stalls

            def log_message(self, *args):  # keep test output clean
                pass

            def do_GET(self):
                parts = urlsplit(self.path)
                seen = Seen("GET", parts.path, parse_qs(parts.query, keep_blank_values=True),
                            {k.lower(): v for k, v in self.headers.items()}, time.monotonic())
                with outer.lock:
                    outer.seen.append(seen)
                    queue = outer.faults.get((parts.path, seen.one("page"))) or outer.faults.get((parts.path, None))
                    reply = queue.pop(0) if queue else None
                if reply is None:
                    reply = outer.authorise(seen) or outer.app(seen)
                if reply.delay:
                    time.sleep(reply.delay)
                body = reply.body
                if isinstance(body, (dict, list)):
                    raw = json.dumps(body).encode()
                elif isinstance(body, str):
                    raw = body.encode()
                else:
                    raw = body or b""
                try:
                    if reply.trickle:
                        self.trickle(reply, raw)
                        return
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(raw)))
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(raw)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def trickle(self, reply: Reply, raw: bytes) -> None:
                """A server that answers, but a byte at a time: every single read succeeds quickly."""
                head = f"HTTP/1.1 {reply.status} OK\r\nContent-Type: application/json\r\n"
                head += "".join(f"{k}: {v}\r\n" for k, v in reply.headers.items())
                data = (head + f"Content-Length: {len(raw)}\r\n\r\n").encode() + raw
                self.close_connection = True
                self.wfile.write(data[:reply.trickle_from])
                self.wfile.flush()
                for i in range(reply.trickle_from, len(data)):
                    time.sleep(reply.trickle)
                    self.wfile.write(data[i:i + 1])
                    self.wfile.flush()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def authorise(self, seen: Seen) -> Reply | None:
        if self.token is None:
            return None
        expected = f"Bearer {self.token}" if self.header.lower() == "authorization" else self.token
        if seen.headers.get(self.header.lower()) != expected:
            return Reply(401, {"error": {"message": "Authentication Error, invalid token"}})
        return None

    def fail(self, path: str, *replies: Reply, page: int | None = None) -> None:
        self.faults.setdefault((path, None if page is None else str(page)), []).extend(replies)

    def hits(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


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
