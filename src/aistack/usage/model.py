"""The numbers a usage report is made of: per (day, model) buckets, a budget, and what went wrong."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# Index of each counter in a bucket list; a plain list keeps the aggregation loop cheap.
INPUT, OUTPUT, CACHE_READ, CACHE_WRITE, REQUESTS, COST, UNPRICED = range(7)
FIELDS = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "requests")


def new_bucket() -> list:
    """[input, output, cache_read, cache_write, requests, known_cost, unpriced_requests]"""
    return [0, 0, 0, 0, 0, 0.0, 0]


@dataclass
class Usage:
    """Token and cost totals for one row of a report. `cost` is None when no part of it is known."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    requests: int = 0
    known_cost: float = 0.0
    unpriced_requests: int = 0
    priced: bool = False  # at least one contribution carried a cost

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens + self.cache_read_tokens + self.cache_write_tokens

    @property
    def cost(self) -> float | None:
        """The gateway's cost; None (shown as n/a) when it priced none of the requests: never a made-up $0."""
        if self.priced or not self.unpriced_requests:
            return self.known_cost
        return None

    @property
    def cost_complete(self) -> bool:
        return self.unpriced_requests == 0

    def add_bucket(self, b: list) -> None:
        self.input_tokens += b[INPUT]
        self.output_tokens += b[OUTPUT]
        self.cache_read_tokens += b[CACHE_READ]
        self.cache_write_tokens += b[CACHE_WRITE]
        self.requests += b[REQUESTS]
        self.known_cost += b[COST]
        self.unpriced_requests += b[UNPRICED]
        # A bucket is priced when some of its requests carried a cost (or it has cost but no request count).
        if b[UNPRICED] < b[REQUESTS] or (b[REQUESTS] == 0 and b[UNPRICED] == 0 and b[COST]):
            self.priced = True

    def add(self, other: "Usage") -> None:
        for name in FIELDS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.known_cost += other.known_cost
        self.unpriced_requests += other.unpriced_requests
        self.priced = self.priced or other.priced


@dataclass(frozen=True)
class Budget:
    """What the gateway says about the engineer's budget. Amounts in USD."""

    spend: float | None
    limit: float | None
    resets_at: datetime | None = None
    period: str | None = None  # "1d", "30d", "monthly", ... as the gateway names it
    source: str = ""  # which endpoint said so

    @property
    def remaining(self) -> float | None:
        if self.limit is None or self.spend is None:
            return None
        return self.limit - self.spend

    @property
    def fraction(self) -> float | None:
        if not self.limit or self.spend is None:
            return None
        return self.spend / self.limit


@dataclass
class Fetched:
    """What a backend delivered: buckets keyed by (day ISO string, model), plus honesty markers."""

    buckets: dict[tuple[str, str], list] = field(default_factory=dict)
    budget: Budget | None = None
    notes: list[str] = field(default_factory=list)  # said on stderr and in the JSON
    partial: bool = False  # some data is known to be missing
    utc_days: bool = False  # days are the gateway's UTC buckets, not the chosen timezone's
    has_cache_tokens: bool = True  # the backend reports cache read/write tokens at all
    pages: int = 0
    rows: int = 0  # gateway rows aggregated
    outside: int = 0  # rows the gateway sent for days outside the period

    def warn_partial(self, note: str) -> None:
        self.partial = True
        self.notes.append(note)
