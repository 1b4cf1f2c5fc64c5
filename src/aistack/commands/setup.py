"""`aistack setup`: write the org's MCP servers and gateway routing into each assistant's config."""

from __future__ import annotations

from typing import List, Optional

import typer

from aistack.commands.options import ORG


def register(app: typer.Typer) -> None:
    @app.command("setup")
    def setup(
        assistants: Optional[List[str]] = typer.Argument(None, metavar="ASSISTANT...",
                                                         help="Assistants to set up (default: those detected here)."),
        all_: bool = typer.Option(False, "--all", help="Every supported assistant, detected or not."),
        dry_run: bool = typer.Option(False, "--dry-run", help="Print a unified diff per file; write nothing."),
        remove: bool = typer.Option(False, "--remove", help="Take out exactly what aistack added."),
        force: bool = typer.Option(False, "--force", help="Replace same-name entries that are not aistack's."),
        list_: bool = typer.Option(False, "--list", help="List every supported assistant and what it has."),
        project: Optional[str] = typer.Option(None, "--project", metavar="DIR",
                                              help="Write the repo-level files a team commits in DIR (`.` for here)."),
        org: Optional[str] = ORG,
        as_json: bool = typer.Option(False, "--json", help="Print the result as JSON on stdout."),
    ) -> None:
        """Wire assistants to the company's MCP servers and AI gateway, keeping every byte of your config."""
        from aistack.configure.command import main

        code = main(list(assistants or []), all_=all_, dry_run=dry_run, remove=remove, force=force, list_=list_,
                    project=project, org=org, as_json=as_json)
        if code:
            raise typer.Exit(code)
