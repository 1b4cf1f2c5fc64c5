"""`aistack doctor`: what is wrong with this machine's aistack setup, and how to fix it."""

from __future__ import annotations

from typing import Optional

import typer

from aistack.commands.options import ORG


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
        from aistack.doctor.command import main

        code = main(org, timeout=timeout, offline=offline, as_json=as_json)
        if code:
            raise typer.Exit(code)
