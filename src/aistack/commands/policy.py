"""`aistack policy render|install`: the org's [policy] as every assistant's admin-owned layer."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from aistack.commands.options import ORG


def register(app: typer.Typer) -> None:
    policy = typer.Typer(help="Every assistant's managed (admin-owned) layer from the org profile's [policy].",
                         no_args_is_help=True)
    app.add_typer(policy, name="policy")

    @policy.command("render")
    def render(
        out: Path = typer.Option(Path("aistack-policy"), "--out", "-o", help="Directory to write (one folder per OS)."),
        platform: str = typer.Option("all", "--platform", help="linux, darwin, win32 or all."),
        org: Optional[str] = ORG,
    ) -> None:
        """Write each assistant's managed files, a macOS .mobileconfig, Windows .reg files and READMEs."""
        from aistack.policy.command import run_render

        raise typer.Exit(run_render(org=org, out=out, platform=platform))

    @policy.command("install")
    def install(
        remove: bool = typer.Option(False, "--remove", help="Take out exactly what aistack wrote."),
        dry_run: bool = typer.Option(False, "--dry-run", "-n", help="Show the changes (diffs); write nothing."),
        root: Optional[Path] = typer.Option(None, "--root", help="Write under this directory instead of / (an "
                                            "image being built, a test); root is then not needed."),
        org: Optional[str] = ORG,
    ) -> None:
        """Write (as root) this machine's managed files for every assistant, through aistack's safe engine."""
        from aistack.policy.command import run_install

        raise typer.Exit(run_install(org=org, remove=remove, dry_run=dry_run, root=root))
