"""The report, JSON and CSV from fixed numbers; tables checked at fixed widths."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime, timezone

import jsonschema
import pytest

from aistack.usage import export, periods, report
from aistack.usage.command import make_console
from aistack.usage.model import Budget, Fetched, new_bucket
from aistack.usage.service import Result, Source
from aistack.usage.summary import summarise
from support import REPO

SCHEMA = json.loads((REPO / "docs" / "usage.schema.json").read_text())
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def bucket(inp, out, cr, cw, req, cost, unpriced=0):
    b = new_bucket()
    b[:] = [inp, out, cr, cw, req, cost, unpriced]
    return b


def result(utc_days=False, partial=False, budget=True) -> Result:
    f = Fetched(utc_days=utc_days)
    f.buckets = {
        ("2026-11-20", "claude-sonnet-4-5"): bucket(120_000, 9_000, 800_000, 40_000, 60, 4.25),
        ("2026-11-20", "in-house-coder"): bucket(5_000, 700, 0, 0, 7, 0.0, unpriced=7),
        ("2026-11-22", "claude-sonnet-4-5"): bucket(80_000, 6_000, 500_000, 20_000, 41, 2.75),
        ("2026-11-22", "gpt-5-mini"): bucket(30_000, 3_000, 0, 0, 12, 0.004),
        ("2026-11-26", "gpt-5-mini"): bucket(10_000, 1_000, 0, 0, 4, 0.0012),
    }
    if budget:
        f.budget = Budget(spend=41.0, limit=50.0, resets_at=datetime(2026, 12, 1, tzinfo=timezone.utc),
                          period="30d", source="/key/info")
    if partial:
        f.warn_partial("page 3 of 6 could not be fetched")
    period = periods.resolve("2026-11-20", "2026-11-26", "Europe/Paris")
    source = Source("litellm", "https://ai.example.com", "Authorization", {}, "org.toml")
    return Result(f, source, period, NOW)


def render(width: int, by="day", **look) -> str:
    r = result()
    buf = io.StringIO()
    from rich.console import Console

    console = Console(file=buf, width=width, force_terminal=False, color_system=None)
    report.render(console, r, summarise(r.fetched.buckets, r.period, by),
                  report.Look(width=width, plain=True, **look), org="Example Corp", now=NOW)
    return buf.getvalue()


def test_full_table_at_120_columns():
    text = render(120)
    assert max(map(len, text.splitlines())) <= 120
    head = next(line for line in text.splitlines() if line.startswith("|Date"))
    assert [c.strip() for c in head.strip("|").split("|")] == [
        "Date", "Models", "Input", "Output", "Cache write", "Cache read", "Total", "Requests", "Cost"]
    total = next(line for line in text.splitlines() if line.startswith("|Total"))
    assert "245,000" in total and "1,300,000" in total and "124" in total and "≥$7.01" in total
    day = next(line for line in text.splitlines() if line.startswith("|2026-11-20"))
    assert "| claude-sonnet-4-5 +1 |" in day and "≥$4.25" in day  # Models gives way to the numbers
    assert "Europe/Paris" in text and "By model" in text
    assert re.search(r"\|in-house-coder\s+\|\s+7 \|\s+5,700 \|\s+n/a \|\s+n/a\|", text)
    assert "$0.0052" in text  # below a cent: more decimals, never $0.00
    assert "budget [#########################.....] $41.00 of $50.00 (82%) · per 30d" in text
    assert "resets in 4d 12h" in text
    assert "cost per day  █·▆···▁" in text
    assert "n/a = the gateway reported no cost for that model; ≥ = some of its requests have no cost" in text


def test_compact_table_at_80_columns():
    text = render(80)
    assert max(map(len, text.splitlines())) <= 80
    head = next(line for line in text.splitlines() if line.startswith("|Date"))
    assert [c.strip() for c in head.strip("|").split("|")] == ["Date", "Models", "Input", "Output", "Cost"]
    assert re.search(r"\|Total\s+\|\s+\|\s+245k \|\s+19\.7k \|\s+≥\$7\.01\|", text)
    assert "| claude-sonnet-4-5, in-house-coder |" in text  # room for both names here


def test_narrow_table_wraps_dates_at_60_columns():
    text = render(60)
    assert max(map(len, text.splitlines())) <= 60
    assert re.search(r"^\|2026\s+\|", text, re.M) and re.search(r"^\|11-20\s+\|", text, re.M)


def test_breakdown_and_no_cost():
    text = render(120, breakdown=True, show_cost=False)
    assert "└─ in-house-coder" in text and "└─ claude-sonnet-4-5" in text
    assert "Cost" not in text and "budget" not in text and "$" not in text
    assert "tokens per day" in text


def test_by_week_and_by_model():
    week = render(120, by="week")
    assert "|Week" in week and "|2026-11-16" in week and "|2026-11-23" in week
    model = render(120, by="model")
    assert "|Model" in model and "By model" not in model and "Models" not in model


def test_utc_days_and_partial_are_labelled():
    r = result(utc_days=True, partial=True)
    buf = io.StringIO()
    from rich.console import Console

    report.render(Console(file=buf, width=120, color_system=None), r, summarise(r.fetched.buckets, r.period),
                  report.Look(width=120, plain=True), now=NOW)
    text = buf.getvalue()
    assert "(UTC days)" in text and "partial data: see the warnings on stderr" in text


class Tty(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize("no_color", [False, True])
def test_terminal_colours_and_no_color(monkeypatch, no_color):
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    out = Tty()
    console, plain = make_console(out, width=120)
    r = result()
    report.render(console, r, summarise(r.fetched.buckets, r.period), report.Look(120, plain), now=NOW)
    colours = re.findall(r"\x1b\[(?:[0-9;]*;)?3[0-9](?:;[0-9;]*)?m", out.getvalue())
    assert not plain and "\x1b[" in out.getvalue()  # bold and dim styles still apply
    assert bool(colours) is not no_color


def test_pipe_gets_plain_text(monkeypatch):
    monkeypatch.setenv("COLUMNS", "130")
    out = io.StringIO()
    console, plain = make_console(out)
    assert plain and console.width == 130
    r = result()
    report.render(console, r, summarise(r.fetched.buckets, r.period), report.Look(console.width, plain), now=NOW)
    assert "\x1b" not in out.getvalue() and "+---" in out.getvalue()


def test_json_follows_the_documented_schema():
    r = result()
    doc = json.loads(export.to_json(r, summarise(r.fetched.buckets, r.period, "day")))
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(doc)
    assert doc["schema"] == "aistack.usage/v1"
    assert doc["totals"]["cost_usd"] == pytest.approx(7.0052) and doc["totals"]["cost_complete"] is False
    assert doc["totals"]["total_tokens"] == 245_000 + 19_700 + 1_300_000 + 60_000
    coder = next(m for m in doc["models"] if m["model"] == "in-house-coder")
    assert coder["cost_usd"] is None and coder["share"] is None
    assert [row["period"] for row in doc["rows"]] == ["2026-11-20", "2026-11-22", "2026-11-26"]
    assert doc["period"] == {"since": "2026-11-20", "until": "2026-11-26", "timezone": "Europe/Paris", "days": "local"}
    assert doc["budget"]["remaining_usd"] == 9.0


def test_json_without_cost_still_follows_the_schema():
    r = result(budget=False)
    doc = json.loads(export.to_json(r, summarise(r.fetched.buckets, r.period, "month"), show_cost=False))
    jsonschema.Draft202012Validator(SCHEMA).validate(doc)
    assert "budget" not in doc and "cost_usd" not in doc["totals"] and doc["rows"][0]["period"] == "2026-11"


def test_schema_rejects_a_wrong_document():
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"schema": "aistack.usage/v1", "totals": {}}, SCHEMA)


def test_csv_has_a_header_and_one_row_per_period_and_model():
    r = result()
    rows = list(csv.DictReader(io.StringIO(export.to_csv(summarise(r.fetched.buckets, r.period)))))
    assert list(rows[0]) == export.CSV_FIELDS
    assert [(x["period"], x["model"]) for x in rows] == [
        ("2026-11-20", "claude-sonnet-4-5"), ("2026-11-20", "in-house-coder"), ("2026-11-22", "claude-sonnet-4-5"),
        ("2026-11-22", "gpt-5-mini"), ("2026-11-26", "gpt-5-mini")]
    assert rows[1]["cost_usd"] == "" and rows[0]["cost_usd"] == "4.25"
    assert sum(int(x["requests"]) for x in rows) == 124


def test_days_without_usage_are_zero_in_the_trend():
    r = result()
    s = summarise(r.fetched.buckets, r.period)
    assert [d for d, u in s.daily if u.requests] == [date(2026, 11, 20), date(2026, 11, 22), date(2026, 11, 26)]
    assert len(s.daily) == 7


def test_models_cell_lists_what_fits_and_counts_the_rest():
    from aistack.usage.report import _models_cell

    models = ["claude-sonnet-4-5", "gpt-5-mini", "o3"]
    assert _models_cell(models, 40) == "claude-sonnet-4-5, gpt-5-mini, o3"
    assert _models_cell(models, 32) == "claude-sonnet-4-5, gpt-5-mini +1"
    assert _models_cell(models, 20) == "claude-sonnet-4-5 +2"
    assert _models_cell(models, 12) == "claude-s… +2" and len(_models_cell(models, 12)) <= 12
