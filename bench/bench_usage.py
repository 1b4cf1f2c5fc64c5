"""Benchmark for `aistack usage`: fetch + aggregation rate, aggregation-only rate, peak memory.

A loopback server in a separate process (so its CPU and memory are not counted as aistack's) serves
Cloudflare AI Gateway logs in pages of 50 and LiteLLM daily activity (365 days x 20 models). Prints
rates and memory measured in this run; goals: aggregation >= 1,000,000 rows/s, memory flat in rows.

    .venv/bin/python bench/bench_usage.py [--rows 200000]
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
import tracemalloc
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from support.http import TOKEN, Loopback, Reply  # noqa: E402
from support.usage import metrics  # noqa: E402

YEAR = date(2026, 1, 1)
MODELS = [f"model-{i:02d}" for i in range(20)]
SPAN = 365 * 86400


def cf_item(i: int, n: int) -> dict:
    when = datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=i * SPAN // n)
    return {"id": f"log-{i:08d}", "created_at": when.strftime("%Y-%m-%dT%H:%M:%S.000Z"), "provider": "anthropic",
            "model": MODELS[i % 20], "model_type": "chat", "path": "v1/messages", "success": True,
            "status_code": 200, "cached": False, "duration": 800, "tokens_in": 1000 + i % 500,
            "tokens_out": 200 + i % 50, "cost": None if i % 97 == 0 else 0.0031, "metadata": '{"user":"alice"}',
            "request_type": "chat", "step": 0}


def serve(n_rows: int) -> None:
    """The server process: answers until stdin closes."""
    records = [((YEAR + timedelta(days=d)).isoformat(), m, metrics(5000 + d, 800, 2000, 100, 12, 0.42))
               for d in range(365) for m in MODELS]
    records.sort(key=lambda r: (r[0], r[1]), reverse=True)

    def app(seen):
        page = int(seen.one("page") or 1)
        if seen.path.endswith("/logs"):
            per = int(seen.one("per_page") or 50)
            items = [cf_item(i, n_rows) for i in range((page - 1) * per, min(n_rows, page * per))]
            return Reply(200, {"success": True, "errors": [], "result": items, "result_info": {
                "page": page, "per_page": per, "count": len(items), "total_count": n_rows,
                "total_pages": math.ceil(n_rows / per)}})
        if seen.path == "/key/info":
            return Reply(200, {"key": "x", "info": {"user_id": "alice", "spend": 1.0, "max_budget": 100.0}})
        if seen.path == "/user/daily/activity":
            size = int(seen.one("page_size") or 50)
            chunk = records[(page - 1) * size: page * size]
            days: dict[str, dict] = {}
            for d, m, met in chunk:
                day = days.setdefault(d, {"date": d, "metrics": met, "breakdown": {"models": {}}})
                day["breakdown"]["models"][m] = {"metrics": met, "metadata": {}, "api_key_breakdown": {}}
            pages = math.ceil(len(records) / size)
            return Reply(200, {"results": list(days.values()),
                               "metadata": {"page": page, "total_pages": pages, "has_more": page < pages}})
        return Reply(404, {})

    srv = Loopback(app)
    srv.seen = _Discard()
    print(srv.url, flush=True)
    sys.stdin.read()
    srv.close()


class _Discard(list):
    def append(self, item):  # the benchmark server keeps no request log
        pass


def start_server(n_rows: int) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, __file__, "--serve", str(n_rows)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    return proc, proc.stdout.readline().strip()


def run_backend(kind: str, url: str, since: str, until: str, tz: str, options: dict):
    from aistack.usage import periods
    from aistack.usage.backend import Context
    from aistack.usage.http import Http, HttpConfig
    from aistack.usage.registry import BACKENDS

    period = periods.resolve(since, until, tz)
    backend = BACKENDS[kind]
    with Http({"Authorization": f"Bearer {TOKEN}"}, HttpConfig(workers=4)) as http:
        ctx = Context(url, backend.check_options(options, "bench"), http, TOKEN)
        return backend.fetch(ctx, period)


CF = {"account_id": "acct", "gateway_id": "gw"}


def fetch_rate(kind, n_rows, options, tz):
    proc, url = start_server(n_rows)
    try:
        started, cpu = time.perf_counter(), time.process_time()
        f = run_backend(kind, url, "2026-01-01", "2026-12-31", tz, options)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        proc.stdin.close()
        proc.wait()
    return f, elapsed, cpu


def peak_memory(kind, n_rows, options, tz) -> float:
    proc, url = start_server(n_rows)
    try:
        tracemalloc.start()
        run_backend(kind, url, "2026-01-01", "2026-12-31", tz, options)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    finally:
        proc.stdin.close()
        proc.wait()
    return peak / 1e6


def aggregation_rate(n_rows: int, tz: str) -> float:
    """Aggregation alone: pages already decoded, as the fetch loop hands them over."""
    from aistack.usage import cloudflare, periods
    from aistack.usage.backend import LocalDay
    from aistack.usage.model import Fetched

    pages = [json.loads(json.dumps([cf_item(i, n_rows) for i in range(p, min(n_rows, p + 50))]))
             for p in range(0, n_rows, 50)]
    period = periods.resolve("2026-01-01", "2026-12-31", tz)
    best = math.inf
    for _ in range(5):  # CPU time of this process, best of 5: the machine is shared with other work
        f, day_of = Fetched(), LocalDay(period)
        boundary = cloudflare.Boundary()
        started = time.process_time()
        for items in pages:
            boundary = cloudflare.feed(items, f, day_of, None, boundary)
        best = min(best, time.process_time() - started)
    assert f.rows + f.outside == n_rows, (f.rows, f.outside)
    return n_rows / best


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--serve":
        serve(int(sys.argv[2]))
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200_000)
    args = ap.parse_args()
    n, small = args.rows, args.rows // 4
    tz = "Europe/Paris"

    agg = aggregation_rate(n, tz)
    print(f"aggregation only, Cloudflare rows ({tz} days): {agg:,.0f} rows/s (goal >= 1,000,000)")
    print(f"aggregation only, Cloudflare rows (UTC days):    {aggregation_rate(n, 'UTC'):,.0f} rows/s")

    f, t, cpu = fetch_rate("cloudflare", n, CF, tz)
    print(f"fetch + aggregation, Cloudflare: {f.rows:,} rows in {f.pages:,} pages of 50: {t:.2f} s,"
          f" {f.rows / t:,.0f} rows/s, {f.pages / t:,.0f} pages/s; aistack's own CPU {cpu:.2f} s"
          f" ({100 * cpu / t:.0f}% of the wall time; aggregation is {100 * f.rows / agg / cpu:.0f}% of that CPU,"
          f" the rest is HTTP and JSON decoding)")
    f2, t2, cpu2 = fetch_rate("litellm", 0, {"page_size": 1000}, "UTC")
    print(f"fetch + aggregation, LiteLLM: 365 days x 20 models = {f2.rows:,} rows in {f2.pages} pages: {t2:.2f} s,"
          f" {f2.rows / t2:,.0f} rows/s; aistack's own CPU {cpu2:.2f} s")

    m_small = peak_memory("cloudflare", small, CF, tz)
    m_big = peak_memory("cloudflare", n, CF, tz)
    print(f"peak memory (tracemalloc), Cloudflare fetch: {small:,} rows {m_small:.2f} MB; {n:,} rows {m_big:.2f} MB"
          f" (ratio {m_big / m_small:.2f} for {n / small:.0f}x the rows)")


if __name__ == "__main__":
    main()
