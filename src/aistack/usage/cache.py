"""A short on-disk cache of fetched usage, keyed by the query, so repeated runs do not hit the gateway.

Only complete results are cached. The key holds no token: the engineer is named by the token's
subject when it is a JWT, else by a hash of the token.
"""

from __future__ import annotations

import hashlib
import json
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from aistack.paths import private_dir
from aistack.usage.model import Budget, Fetched

TTL_SECONDS = 300
VERSION = 1


def key(parts: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:32]


def identity(token: str, claims: dict[str, Any]) -> str:
    sub, iss = claims.get("sub"), claims.get("iss")
    if isinstance(sub, str) and sub:
        return f"{iss}|{sub}"
    return "token:" + hashlib.sha256(token.encode()).hexdigest()


def path_for(cache_dir: Path, cache_key: str) -> Path:
    return cache_dir / "usage" / f"{cache_key}.json"


def dump(fetched: Fetched) -> dict[str, Any]:
    b = fetched.budget
    return {
        "version": VERSION,
        "saved_at": time.time(),
        "buckets": [[day, model, *bucket] for (day, model), bucket in fetched.buckets.items()],
        "budget": None if b is None else {
            "spend": b.spend, "limit": b.limit, "resets_at": b.resets_at.isoformat() if b.resets_at else None,
            "period": b.period, "source": b.source},
        "notes": fetched.notes, "utc_days": fetched.utc_days, "has_cache_tokens": fetched.has_cache_tokens,
        "pages": fetched.pages, "rows": fetched.rows,
    }


def load(data: dict[str, Any]) -> Fetched:
    b = data["budget"]
    budget = None if b is None else Budget(
        spend=b["spend"], limit=b["limit"],
        resets_at=datetime.fromisoformat(b["resets_at"]) if b["resets_at"] else None,
        period=b["period"], source=b["source"])
    return Fetched(buckets={(r[0], r[1]): list(r[2:]) for r in data["buckets"]}, budget=budget,
                   notes=list(data["notes"]), utc_days=data["utc_days"], has_cache_tokens=data["has_cache_tokens"],
                   pages=data["pages"], rows=data["rows"])


def read(path: Path, ttl: float = TTL_SECONDS, now: float | None = None) -> tuple[Fetched, float] | None:
    """The cached result and its age in seconds, or None when absent, stale or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != VERSION:
            return None
        age = (now if now is not None else time.time()) - float(data["saved_at"])
        if not 0 <= age <= ttl:
            return None
        return load(data), age
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def write(path: Path, fetched: Fetched) -> None:
    from aistack.engine.files import atomic_write

    if fetched.partial:
        return
    try:
        private_dir(path.parent.parent, path.parent.name)  # the cache dir and usage/: 0700 whatever the umask
        atomic_write(path, json.dumps(dump(fetched)), mode=0o600)
    except OSError:
        pass  # a cache that cannot be written only costs the next run a fetch
