"""`aistack usage`: your tokens and spend, from the gateway's own numbers."""

from __future__ import annotations

from typing import Optional

import typer

from aistack.commands.options import ORG


def register(app: typer.Typer) -> None:
    @app.command("usage")
    def usage(
        since: Optional[str] = typer.Option(None, "--since", "-s",
                                            help="First day: YYYY-MM-DD, YYYYMMDD, or a span such as 7d, 2w, 1m"
                                                 " (7d = the last 7 days including today). Default: 7d."),
        until: Optional[str] = typer.Option(None, "--until", "-u", help="Last day, inclusive. Default: today."),
        by: str = typer.Option("day", "--by", help="Group rows by day, week, month or model."),
        breakdown: bool = typer.Option(False, "--breakdown", "-b", help="Add one row per model under each period."),
        timezone: Optional[str] = typer.Option(None, "--timezone", "-z",
                                               help="IANA timezone for days (default: this machine's)."),
        as_json: bool = typer.Option(False, "--json", "-j", help="Print JSON (schema aistack.usage/v1)."),
        as_csv: bool = typer.Option(False, "--csv", help="Print CSV, one row per period and model."),
        no_cost: bool = typer.Option(False, "--no-cost", help="Leave costs and the budget out."),
        refresh: bool = typer.Option(False, "--refresh", help="Ask the gateway again instead of using the"
                                                              " 5-minute cache."),
        org: Optional[str] = ORG,
    ) -> None:
        """Show your tokens and spend from the company gateway."""
        from aistack.usage.command import run

        code = run(org=org, since=since, until=until, by=by, breakdown=breakdown, tz=timezone, as_json=as_json,
                   as_csv=as_csv, no_cost=no_cost, refresh=refresh)
        if code:
            raise typer.Exit(code)
