"""Buckets -> the rows of a report: by day, week, month or model, with totals and a per-model table."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from aistack.usage.model import Usage
from aistack.usage.periods import Period

GROUPS = ("day", "week", "month", "model")
HEADINGS = {"day": "Date", "week": "Week", "month": "Month", "model": "Model"}


@dataclass
class Line:
    label: str
    usage: Usage
    breakdown: list[tuple[str, Usage]] = field(default_factory=list)  # per model, by cost

    @property
    def models(self) -> list[str]:
        return [m for m, _ in self.breakdown]


@dataclass
class Summary:
    by: str
    lines: list[Line]
    models: list[tuple[str, Usage]]
    totals: Usage
    daily: list[tuple[date, Usage]]  # every day of the period, zero-filled, for the trend line


def period_of(day: str, by: str) -> str:
    if by == "month":
        return day[:7]
    if by == "week":  # labelled by the week's Monday
        d = date.fromisoformat(day)
        return (d - timedelta(days=d.weekday())).isoformat()
    return day


def by_cost(item: tuple[str, Usage]) -> tuple:
    name, u = item
    return (u.cost is None, -(u.cost or 0.0), -u.total_tokens, name)


def summarise(buckets: dict[tuple[str, str], list], period: Period, by: str = "day") -> Summary:
    per_line: dict[str, dict[str, Usage]] = {}
    per_model: dict[str, Usage] = {}
    per_day: dict[str, Usage] = {}
    totals = Usage()
    for (day, model), bucket in buckets.items():
        u = Usage()
        u.add_bucket(bucket)
        totals.add(u)
        per_model.setdefault(model, Usage()).add(u)
        per_day.setdefault(day, Usage()).add(u)
        if by != "model":
            per_line.setdefault(period_of(day, by), {}).setdefault(model, Usage()).add(u)
    models = sorted(per_model.items(), key=by_cost)
    if by == "model":
        lines = [Line(name, u, [(name, u)]) for name, u in models]
    else:
        lines = []
        for label in sorted(per_line):
            breakdown = sorted(per_line[label].items(), key=by_cost)
            line_total = Usage()
            for _, u in breakdown:
                line_total.add(u)
            lines.append(Line(label, line_total, breakdown))
    daily = [(d, per_day.get(d.isoformat(), Usage())) for d in period.each_day()]
    return Summary(by, lines, models, totals, daily)
