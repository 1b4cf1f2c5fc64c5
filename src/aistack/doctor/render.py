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
        lines += [f"{'':<4}  {'':<{width}}  {line}" for line in layer_lines(r.data)]
    return "\n".join(lines) + "\n"


def layer_lines(data: dict | None) -> list[str]:
    """An assistant's effective configuration, one line per MCP server and gateway setting: the layer it comes
    from (managed, project, user), and what is blocked or shadowed."""
    if not data or "servers" not in data:
        return []
    lines = []
    for s in data["servers"]:
        state = "" if s["state"] == "active" else f" {s['state'].upper()}: {s['why']}"
        lines.append(f"server {s['server']}: {s['layer']} ({s['file']}){state}")
    for g in data["gateway"]:
        where = f"{g['layer']} ({g['file']})" if g["layer"] else "not set"
        shadow = f"; shadows {', '.join(g['shadowed'])}" if g["shadowed"] else ""
        lines.append(f"gateway {g['setting']}: {where}{shadow}")
    return lines


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
        if layer_lines(r.data):
            text += "\n" + "\n".join(_escape(line) for line in layer_lines(r.data))
        grid.add_row(f"[{STYLE[r.status]}]{MARK[r.status]}[/]", r.id, text)
    console.print(grid)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def as_json(data: dict) -> str:
    return json.dumps(data, indent=2) + "\n"
