"""`aistack usage`: options in, report out. Data to stdout; progress and notes to stderr."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TextIO

from aistack.errors import UsageError
from aistack.usage.summary import GROUPS

PLAIN_WIDTH = 120  # a pipe or a file gets the full layout unless COLUMNS says otherwise


def make_console(out: TextIO, width: int | None = None):
    from rich.console import Console

    tty = out.isatty()
    if width is None and not tty:
        try:
            width = int(os.environ.get("COLUMNS", ""))
        except ValueError:
            width = PLAIN_WIDTH
    console = Console(file=out, width=width, force_terminal=tty or None, no_color=not tty or None,
                      highlight=False, soft_wrap=False, emoji=False)
    return console, not tty


def run(*, org: str | None, since: str | None, until: str | None, by: str, breakdown: bool, tz: str | None,
        as_json: bool, as_csv: bool, no_cost: bool, refresh: bool, out: TextIO | None = None,
        err: TextIO | None = None, http_config=None) -> int:
    from aistack import profile as profiles
    from aistack.auth.accessor import fresh_token
    from aistack.paths import Env
    from aistack.usage import export, periods, report, service
    from aistack.usage.summary import summarise

    out = out or sys.stdout
    err = err or sys.stderr
    if as_json and as_csv:
        raise UsageError("--json and --csv cannot be used together.", hint="Pick one output format.")
    if by not in GROUPS:
        raise UsageError(f"--by {by!r} is not one of: {', '.join(GROUPS)}.")
    period = periods.resolve(since, until, tz)
    env = Env.current()
    prof = profiles.resolve(org, env)
    source = service.source_from(prof)
    token = fresh_token()
    if err.isatty():
        err.write(f"reading usage from {source.base_url} …\n")
        err.flush()
    result = service.collect(source, period, token, http_config=http_config, cache_dir=Path(env.cache_dir()),
                             refresh=refresh)
    for note in result.fetched.notes:
        err.write(("warning: " if result.fetched.partial else "note: ") + note + "\n")
    if result.fetched.utc_days and tz and tz.upper() != "UTC":
        err.write(f"note: the {source.backend} gateway counts usage in UTC days; "
                  f"--timezone {tz} cannot regroup them.\n")
    summary = summarise(result.fetched.buckets, period, by)
    show_cost = not no_cost
    if as_json:
        out.write(export.to_json(result, summary, show_cost))
        return 0
    if as_csv:
        out.write(export.to_csv(summary, show_cost))
        return 0
    console, plain = make_console(out)
    look = report.Look(width=console.width, plain=plain, show_cost=show_cost, breakdown=breakdown)
    look = report.render(console, result, summary, look, org=prof.org_name)
    if look.compact:
        err.write(f"note: compact view below {report.COMPACT_BELOW} columns; widen the terminal or use --json"
                  " to see every column.\n")
    return 0
