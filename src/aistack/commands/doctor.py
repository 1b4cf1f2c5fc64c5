"""`aistack doctor`: what is wrong with this machine's aistack setup, and how to fix it."""

from __future__ import annotations

from typing import Optional

import typer

from aistack.commands.options import ORG
from aistack.errors import ExitCode


def register(app: typer.Typer) -> None:
    @app.command("doctor")
    def doctor(
        as_json: bool = typer.Option(False, "--json", help="Print the result as JSON (schema aistack.doctor/v1)."),
        org: Optional[str] = ORG,
        timeout: float = typer.Option(10.0, "--timeout", min=1.0,
                                      help="Seconds for each network check; all of them together get 3x that."),
        offline: bool = typer.Option(False, "--offline",
                                     help="Connect to nothing: the profile as last read, the cached token, and every "
                                          "assistant's files and commands on this machine."),
    ) -> None:
        """Check the org profile, login, clock, gateway, MCP servers and assistants; exit 1 if any check fails."""
        import sys

        from aistack import doctor as engine
        from aistack.doctor import render
        from aistack.paths import Env

        state, results = engine.run(Env.current(), org, timeout=timeout, overall=timeout * 3, offline=offline)
        data = engine.payload(state, results)
        if as_json:
            sys.stdout.write(render.as_json(data))
        elif sys.stdout.isatty():
            from rich.console import Console

            render.table(results, data["org"], Console())
        else:
            sys.stdout.write(render.plain(results))
        if data["failed"]:
            sys.stderr.write(f"aistack doctor: {len(data['failed'])} check{'s' if len(data['failed']) > 1 else ''} "
                             f"failed: {', '.join(data['failed'])}\n")
            raise typer.Exit(ExitCode.PROBLEM)
        warned = data["summary"]["warn"]
        sys.stderr.write(f"aistack doctor: all checks passed{f' ({warned} with a warning)' if warned else ''}.\n")
