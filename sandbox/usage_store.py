"""What the sandbox gateway served, one row a request, in a small sqlite file; and the daily rollup the usage API
serves."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    ts REAL NOT NULL,             -- unix time the request ended
    user TEXT NOT NULL,           -- the token's `sub`
    email TEXT,
    model TEXT NOT NULL,
    input_tokens INTEGER NOT NULL,        -- not read from or written to a cache
    output_tokens INTEGER NOT NULL,
    cache_read_tokens INTEGER NOT NULL,
    cache_write_tokens INTEGER NOT NULL,
    cost_usd REAL                 -- NULL when the gateway had no price
);
CREATE INDEX IF NOT EXISTS requests_user_ts ON requests (user, ts);
"""
COLUMNS = ("ts", "user", "email", "model", "input_tokens", "output_tokens", "cache_read_tokens",
           "cache_write_tokens", "cost_usd")


class Store:
    def __init__(self, path: str):
        self.path = path
        self._lock = threading.Lock()
        with self._connect() as db:
            db.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def record(self, **row) -> None:
        row.setdefault("ts", time.time())
        with self._lock, self._connect() as db:
            db.execute(f"INSERT INTO requests ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
                       [row.get(c) for c in COLUMNS])

    def rows(self, user: str, since: float = 0.0) -> list[dict]:
        with self._connect() as db:
            db.row_factory = sqlite3.Row
            return [dict(r) for r in db.execute("SELECT * FROM requests WHERE user = ? AND ts >= ? ORDER BY ts",
                                                (user, since))]

    def daily(self, user: str, start: date, end: date, tz: ZoneInfo) -> list[dict]:
        """One row per (day in `tz`, model) between start and end inclusive, ordered by date then model."""
        buckets: dict[tuple[str, str], dict] = {}
        for r in self.rows(user):
            day = datetime.fromtimestamp(r["ts"], timezone.utc).astimezone(tz).date()
            if not start <= day <= end:
                continue
            b = buckets.setdefault((day.isoformat(), r["model"]), {
                "date": day.isoformat(), "model": r["model"], "input_tokens": 0, "output_tokens": 0,
                "cache_read_tokens": 0, "cache_write_tokens": 0, "requests": 0, "cost_usd": 0.0})
            for key in ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens"):
                b[key] += r[key]
            b["requests"] += 1
            # One unpriced request makes the day's cost unknown: never show a partial sum as the total.
            b["cost_usd"] = None if b["cost_usd"] is None or r["cost_usd"] is None else b["cost_usd"] + r["cost_usd"]
        return [buckets[k] for k in sorted(buckets)]

    def spend_since(self, user: str, since: float) -> float:
        return sum(r["cost_usd"] or 0.0 for r in self.rows(user, since))
