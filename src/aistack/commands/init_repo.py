"""`aistack init-repo`: a short, verified AGENTS.md with bridges for other tools, a drift check, batch rollout."""

from __future__ import annotations

from typing import List, Optional

import typer

from aistack.commands.options import ORG

BRIDGES = ("claude", "gemini")


def register(app: typer.Typer) -> None:
    @app.command("init-repo")
    def init_repo(
        paths: Optional[List[str]] = typer.Argument(None, metavar="[PATH]...",
                                                    help="A directory inside the repository (default: here); "
                                                         "with --each, every repository to process."),
        org: Optional[str] = ORG,
        check: bool = typer.Option(False, "--check", help="Exit 1 with a per-block diff when AGENTS.md is stale."),
        dry_run: bool = typer.Option(False, "--dry-run", help="Print the diff; write nothing."),
        adopt: bool = typer.Option(False, "--adopt", help="Add the generated blocks to an existing AGENTS.md."),
        nested: bool = typer.Option(False, "--nested", help="One AGENTS.md per monorepo package, too."),
        branch: Optional[str] = typer.Option(None, "--branch", help="Create this branch and write there."),
        commit: bool = typer.Option(False, "--commit", help="Commit the written files (needs --branch)."),
        allow_dirty: bool = typer.Option(False, "--allow-dirty", help="Branch even with uncommitted changes."),
        each: bool = typer.Option(False, "--each", help="Process every PATH (or paths on stdin) as a repository."),
        bridges: str = typer.Option(",".join(BRIDGES), "--bridges",
                                    help="Bridges to write: claude, gemini, or none."),
        as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    ) -> None:
        """Write a short AGENTS.md from the repository's real commands, and keep it true."""
        from aistack.repo import command as impl

        raise typer.Exit(impl.main(paths or [], org=org, check=check, dry_run=dry_run, adopt=adopt, nested=nested,
                                   branch=branch, commit=commit, allow_dirty=allow_dirty, each=each,
                                   bridges=bridges, as_json=as_json))
