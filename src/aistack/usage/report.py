"""The terminal report: header, main table, per-model table, trend line and budget bar (rich).

Full layout from 100 columns; below that a compact one (Date, Models, Input, Output, Cost) as in
ccusage. `plain=True` (stdout is not a terminal) draws ASCII borders and no colour.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any

from aistack.usage import fmt
from aistack.usage.model import Usage
from aistack.usage.service import Result
from aistack.usage.summary import HEADINGS, Summary

COMPACT_BELOW = 100


@dataclass(frozen=True)
class Look:
    width: int
    plain: bool
    show_cost: bool = True
    breakdown: bool = False
    force_compact: bool = False  # the full layout does not fit even at this width

    @property
    def compact(self) -> bool:
        return self.force_compact or self.width < COMPACT_BELOW


def header(result: Result, org: str | None) -> list[str]:
    period, f = result.period, result.fetched
    days = "UTC days" if f.utc_days else period.tz_name
    when = result.as_of.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    cached = " (cached; --refresh to fetch again)" if result.cached else ""
    title = "aistack usage" + (f" · {org}" if org else "")
    return [title, f"{period.label()} ({days}) · {result.source.backend} {result.source.base_url}",
            f"as of {when}{cached}; the last minute or two may not be counted yet"]


def _models_cell(models: list[str], room: int) -> str:
    """As many whole model names as fit in `room`, then "+N" for the rest."""
    for n in range(len(models), 0, -1):
        text = ", ".join(models[:n]) + (f" +{len(models) - n}" if n < len(models) else "")
        if len(text) <= room:
            return text
    if not models:
        return ""
    suffix = f" +{len(models) - 1}" if len(models) > 1 else ""
    return models[0][:max(1, room - len(suffix) - 1)] + "…" + suffix


def main_table(summary: Summary, look: Look, has_cache: bool, partial: bool) -> tuple[Any, Look]:
    """The table and the look it ended up with (compact when the full layout does not fit)."""
    from rich import box
    from rich.table import Table

    by_model = summary.by == "model"
    short = fmt.short if look.compact else fmt.tokens
    cache_cell = short if has_cache else (lambda n: "-")
    heads = [HEADINGS[summary.by]] + ([] if by_model else ["Models"]) + ["Input", "Output"]
    if not look.compact:
        heads += ["Cache write", "Cache read", "Total", "Requests"]
    if look.show_cost:
        heads.append("Cost")

    def cells(label: str, u: Usage, models: Any) -> list[Any]:
        row = [label] + ([] if by_model else [models or ""]) + [short(u.input_tokens), short(u.output_tokens)]
        if not look.compact:
            row += [cache_cell(u.cache_write_tokens), cache_cell(u.cache_read_tokens), short(u.total_tokens),
                    short(u.requests)]
        if look.show_cost:
            row.append(fmt.cost(u))
        return row

    rows: list[tuple[list[str], str | None]] = []
    for line in summary.lines:
        label = line.label
        if look.width < 72 and summary.by == "day":
            label = f"{label[:4]}\n{label[5:]}"
        rows.append((cells(label, line.usage, line.models), None))
        if look.breakdown and not by_model:
            for model, u in line.breakdown:
                rows.append((cells("", u, f"└─ {model}"), "dim"))
    footer = cells("Total", summary.totals, "")
    t = Table(box=box.ASCII if look.plain else box.SIMPLE_HEAVY, show_footer=True, pad_edge=False,
              caption="partial data: see the warnings on stderr" if partial else None)
    models_at = heads.index("Models") if "Models" in heads else None
    widths = [0 if i == models_at else max([len(head), len(footer[i])] + [max(map(len, r[i].split("\n")))
                                                                          for r, _ in rows])
              for i, head in enumerate(heads)]
    if not look.compact:
        needed = sum(w for j, w in enumerate(widths) if j != models_at) + 3 * len(heads) + 1 + (8 if models_at else 0)
        if needed > look.width:
            return main_table(summary, replace(look, force_compact=True), has_cache, partial)
    if models_at is not None:
        # Every other column keeps its full width; Models lists what fits and counts the rest.
        room = max(8, look.width - sum(widths) - 3 * len(heads) - 1)
        for row, _ in rows:
            if isinstance(row[models_at], list):
                row[models_at] = _models_cell(row[models_at], room)
        widths[models_at] = min(room, max([6] + [len(r[models_at]) for r, _ in rows]))
    for i, head in enumerate(heads):
        widest = widths[i]
        if i == models_at:
            t.add_column(head, footer=footer[i], overflow="ellipsis", no_wrap=True, max_width=widest)
        elif i == 0:
            t.add_column(head, footer=footer[i], no_wrap=True, min_width=widest)
        else:
            t.add_column(head, footer=footer[i], justify="right", no_wrap=True, min_width=widest)
    for row, style in rows:
        t.add_row(*row, style=style)
    if not summary.lines:
        t.add_row(*(["no usage in this period"] + [""] * (len(heads) - 1)))
    return t, look


def model_table(summary: Summary, look: Look) -> Any:
    from rich import box
    from rich.table import Table

    t = Table(title="By model", title_justify="left", box=box.ASCII if look.plain else box.SIMPLE_HEAVY,
              pad_edge=False)
    num = {"justify": "right", "no_wrap": True}
    short = fmt.short if look.compact else fmt.tokens
    t.add_column("Model", overflow="ellipsis", no_wrap=True, max_width=32 if look.compact else 48)
    t.add_column("Requests", **num)
    t.add_column("Tokens", **num)
    if look.show_cost:
        t.add_column("Cost", **num)
        t.add_column("Share", **num)
    for model, u in summary.models:
        row = [model, short(u.requests), short(u.total_tokens)]
        if look.show_cost:
            row += [fmt.cost(u), fmt.share(u, summary.totals)]
        t.add_row(*row)
    return t


def trend(summary: Summary, look: Look) -> str | None:
    if len(summary.daily) < 2 or not summary.lines:
        return None
    priced = look.show_cost and summary.totals.cost is not None
    values = [float(u.known_cost) if priced else float(u.total_tokens) for _, u in summary.daily]
    first, last = summary.daily[0][0], summary.daily[-1][0]
    what = "cost" if priced else "tokens"
    room = max(10, look.width - 40)
    if len(values) > room:  # fold into equal slices so the line fits the terminal
        step = -(-len(values) // room)
        values = [sum(values[i:i + step]) for i in range(0, len(values), step)]
    return f"{what} per day  {fmt.sparkline(values)}  {first.isoformat()} → {last.isoformat()}"


def budget_line(result: Result, look: Look, now: datetime) -> tuple[str, str] | None:
    b = result.fetched.budget
    if b is None or not look.show_cost:
        return None
    parts = []
    style = ""
    if b.fraction is not None:
        frac = b.fraction
        style = "green" if frac < 0.5 else "yellow" if frac < 0.8 else "red"
        width = 20 if look.compact else 30
        drawn = fmt.bar(frac, width, "#", ".") if look.plain else fmt.bar(frac, width)
        parts.append(f"budget [{drawn}] {fmt.money(b.spend)} of {fmt.money(b.limit)} ({100 * frac:.0f}%)")
    elif b.spend is not None:
        parts.append(f"budget: {fmt.money(b.spend)} spent, no limit")
    if b.period:
        parts.append(f"per {b.period}")
    if b.resets_at is not None:
        when = "" if look.compact else f" ({b.resets_at.astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC)"
        parts.append(f"resets in {fmt.countdown(b.resets_at, now)}{when}")
    return " · ".join(parts), style


def render(console: Any, result: Result, summary: Summary, look: Look, org: str | None = None,
           now: datetime | None = None) -> Look:
    from rich.text import Text

    now = now or datetime.now(timezone.utc)
    lines = header(result, org)
    console.print(Text(lines[0], style="bold"))
    for line in lines[1:]:
        console.print(Text(line, style="dim"))
    table, look = main_table(summary, look, result.fetched.has_cache_tokens, result.fetched.partial)
    console.print(table)
    if summary.by != "model" and summary.models:
        console.print(model_table(summary, look))
    if (spark := trend(summary, look)) is not None:
        console.print(Text(spark))
    if (budget := budget_line(result, look, now)) is not None:
        console.print(Text(budget[0], style=budget[1]))
    if look.show_cost and (legend := cost_legend(summary)):
        console.print(Text(legend, style="dim"))
    return look


def cost_legend(summary: Summary) -> str | None:
    """Explain n/a and ≥ whenever they appear, so neither is read as a number."""
    usages = [u for _, u in summary.models] + [line.usage for line in summary.lines] + [summary.totals]
    parts = []
    if any(u.cost is None for u in usages):
        parts.append("n/a = the gateway reported no cost for that model")
    if any(u.cost is not None and not u.cost_complete for u in usages):
        parts.append("≥ = some of its requests have no cost")
    return "; ".join(parts) or None
