"""doctor's report: a rich table on a terminal, plain lines otherwise, JSON with --json."""

from __future__ import annotations

import json

from aistack.doctor.model import FAIL, OK, SKIP, WARN, Result

MARK = {OK: "ok", WARN: "warn", FAIL: "FAIL", SKIP: "skip"}
STYLE = {OK: "green", WARN: "yellow", FAIL: "bold red", SKIP: "dim"}


def plain(results: list[Result]) -> str:
    width = max((len(r.id) for r in results), default=0)
    lines = []
    for r in results:
        lines.append(f"{MARK[r.status]:<4}  {r.id:<{width}}  {r.detail}")
        if r.fix and r.status != OK:
            lines.append(f"{'':<4}  {'':<{width}}  fix: {r.fix}")
    return "\n".join(lines) + "\n"


def table(results: list[Result], org: str | None, console) -> None:
    from rich.table import Table

    grid = Table(title=f"aistack doctor · {org}" if org else "aistack doctor", title_justify="left",
                 show_lines=False, expand=False)
    grid.add_column("", no_wrap=True)
    grid.add_column("check", no_wrap=True)
    grid.add_column("detail / fix", overflow="fold")
    for r in results:
        if r.status == OK or not r.fix:
            text = _escape(r.detail)
        else:
            text = f"{_escape(r.detail)}\n[italic]fix: {_escape(r.fix)}[/italic]"
        grid.add_row(f"[{STYLE[r.status]}]{MARK[r.status]}[/]", r.id, text)
    console.print(grid)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def as_json(data: dict) -> str:
    return json.dumps(data, indent=2) + "\n"
