"""Cache, fetch, aggregate: the one place that ties a profile, a period and a token to a backend."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from aistack import wire
from aistack.errors import AistackError
from aistack.headers import token_value
from aistack.profile import USAGE_BACKENDS, Profile
from aistack.usage import cache
from aistack.usage.backend import Context, unverified_claims
from aistack.usage.http import Http, HttpConfig
from aistack.usage.model import Fetched
from aistack.usage.periods import Period


@dataclass(frozen=True)
class Source:
    backend: str
    base_url: str
    token_header: str
    options: dict[str, Any]
    profile_source: str

    def header(self, token: str) -> dict[str, str]:
        return {self.token_header: token_value(self.token_header, token)}


@dataclass
class Result:
    fetched: Fetched
    source: Source
    period: Period
    as_of: datetime  # when the gateway was asked (for a cached result: when it was cached)
    cached: bool = False


def source_from(profile: Profile) -> Source:
    """Which backend, where, with which validated options; errors name the profile and key."""
    from aistack.usage.registry import BACKENDS

    gw = profile.gateway
    if gw is None:
        raise AistackError(f"org profile {profile.source} has no [gateway] table, so there is no gateway to ask.",
                           hint="Ask your platform team to add [gateway] with `usage` and `usage_url`.")
    if not gw.usage:
        raise AistackError(f"org profile {profile.source}: `gateway.usage` is not set, so aistack does not know which"
                           " usage API the gateway offers.",
                           hint=f"Ask your platform team to set it to one of: {', '.join(USAGE_BACKENDS)}.")
    backend = BACKENDS[gw.usage]
    options = backend.check_options(dict(gw.usage_options), profile.source)
    return Source(gw.usage, (gw.usage_url or gw.url).rstrip("/"), gw.token_header, options, profile.source)


def collect(source: Source, period: Period, token: str, *, http_config: HttpConfig | None = None,
            cache_dir: Path | None = None, refresh: bool = False, ttl: float = cache.TTL_SECONDS) -> Result:
    from aistack.usage.registry import BACKENDS

    claims = unverified_claims(token)
    cache_path = None
    if cache_dir is not None:
        cache_key = cache.key({"backend": source.backend, "url": source.base_url, "options": source.options,
                               "since": period.since, "until": period.until, "tz": period.tz_name,
                               "who": cache.identity(token, claims)})
        cache_path = cache.path_for(cache_dir, cache_key)
        if not refresh:
            hit = cache.read(cache_path, ttl)
            if hit is not None:
                fetched, age = hit
                return Result(fetched, source, period, datetime.fromtimestamp(time.time() - age, timezone.utc), True)
    as_of = datetime.now(timezone.utc)
    try:
        with Http(source.header(token), http_config) as http:
            ctx = Context(base_url=source.base_url, options=source.options, http=http, token=token,
                          source=source.profile_source, claims=claims)
            fetched = scrubbed(BACKENDS[source.backend].fetch(ctx, period), token)
    except AistackError as e:  # a gateway may echo the token in an error body: never show it
        e.message, e.hint = wire.scrub(e.message, (token,)), e.hint and wire.scrub(e.hint, (token,))
        e.args = (e.message,)
        raise
    if cache_path is not None:
        cache.write(cache_path, fetched)
    return Result(fetched, source, period, as_of)


def scrubbed(fetched: Fetched, token: str) -> Fetched:
    """The fetched figures without the token in any text the gateway sent (model names, notes, budget fields),
    before they are shown, exported or cached."""
    secrets = (token,)
    fetched.notes = [wire.scrub(note, secrets) for note in fetched.notes]
    if any(wire.scrub(model, secrets) != model for _day, model in fetched.buckets):
        buckets: dict = {}
        for (day, model), counts in fetched.buckets.items():
            key = (day, wire.scrub(model, secrets))
            buckets[key] = [x + y for x, y in zip(buckets[key], counts, strict=True)] if key in buckets else counts
        fetched.buckets = buckets
    b = fetched.budget
    if b is not None:
        fetched.budget = replace(b, period=b.period and wire.scrub(b.period, secrets),
                                 source=wire.scrub(b.source, secrets))
    return fetched
