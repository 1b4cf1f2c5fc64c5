"""`--json` (schema `aistack.usage/v1`, documented in the README) and `--csv`."""

from __future__ import annotations

import csv
import io
import json
from datetime import timezone
from typing import Any

from aistack.usage.model import Usage
from aistack.usage.service import Result
from aistack.usage.summary import Summary

SCHEMA = "aistack.usage/v1"
CSV_FIELDS = ["period", "model", "input_tokens", "output_tokens", "cache_write_tokens", "cache_read_tokens",
              "total_tokens", "requests", "cost_usd", "cost_complete"]


def numbers(u: Usage, show_cost: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "input_tokens": u.input_tokens, "output_tokens": u.output_tokens,
        "cache_write_tokens": u.cache_write_tokens, "cache_read_tokens": u.cache_read_tokens,
        "total_tokens": u.total_tokens, "requests": u.requests,
    }
    if show_cost:
        out["cost_usd"] = None if u.cost is None else round(u.cost, 6)
        out["cost_complete"] = u.cost_complete
    return out


def to_json(result: Result, summary: Summary, show_cost: bool = True) -> str:
    f, p = result.fetched, result.period
    b = f.budget
    doc: dict[str, Any] = {
        "schema": SCHEMA,
        "backend": result.source.backend,
        "source": result.source.base_url,
        "as_of": result.as_of.astimezone(timezone.utc).isoformat().replace("+00:00", "Z"),
        "cached": result.cached,
        "period": {"since": p.since.isoformat(), "until": p.until.isoformat(), "timezone": p.tz_name,
                   "days": "utc" if f.utc_days else "local"},
        "group_by": summary.by,
        "cache_tokens_reported": f.has_cache_tokens,
        "rows": [
            {"period": line.label, "models": line.models, **numbers(line.usage, show_cost),
             "breakdown": [{"model": m, **numbers(u, show_cost)} for m, u in line.breakdown]}
            for line in summary.lines
        ],
        "models": [{"model": m, **numbers(u, show_cost),
                    **({"share": None if u.cost is None or not summary.totals.cost
                        else round(u.cost / summary.totals.cost, 6)} if show_cost else {})}
                   for m, u in summary.models],
        "totals": numbers(summary.totals, show_cost),
        "partial": f.partial,
        "notes": list(f.notes),
    }
    if show_cost:
        doc["budget"] = None if b is None else {
            "spend_usd": b.spend, "limit_usd": b.limit, "remaining_usd": b.remaining, "period": b.period,
            "resets_at": (b.resets_at.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
                          if b.resets_at else None),
            "source": b.source}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def to_csv(summary: Summary, show_cost: bool = True) -> str:
    fields = CSV_FIELDS if show_cost else CSV_FIELDS[:-2]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for line in summary.lines:
        for model, u in line.breakdown:
            row = {"period": line.label if summary.by != "model" else "", "model": model, **numbers(u, show_cost)}
            if show_cost and row["cost_usd"] is None:
                row["cost_usd"] = ""  # empty, never 0: the gateway gave no cost
            writer.writerow(row)
    return buf.getvalue()
