"""`aistack org build|check`: the files a platform team publishes for its org profile, and the profile's check."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from aistack.commands.options import ORG
from aistack.errors import ExitCode


def register(app: typer.Typer) -> None:
    org_app = typer.Typer(help="For platform teams: publish the org's discovery files, check an org profile.",
                          no_args_is_help=True)
    app.add_typer(org_app, name="org")

    @org_app.command("build")
    def build(
        out: Path = typer.Option(..., "--out", help="The directory to write into (the web root to publish)."),
        org: Optional[str] = ORG,
        url: Optional[str] = typer.Option(None, "--url", metavar="https://ORG",
                                          help="Where the files will be served; names the servers' namespace."),
        version: str = typer.Option("1.0.0", "--server-version", help="The version each server.json carries."),
        force: bool = typer.Option(False, "--force", help="Replace files in --out that aistack did not write."),
    ) -> None:
        """Write /.well-known/aistack, /.well-known/opencode, a server.json per MCP server and a static MCP
        registry (/v0.1/servers) for the org profile."""
        import sys

        from aistack.errors import UsageError
        from aistack.org import build as builder
        from aistack.org import write as writer
        from aistack.paths import Env
        from aistack.profile import resolve, url_problem

        if url is not None and url_problem(url):
            raise UsageError(f"--url {url}: must be {url_problem(url)}.")
        profile = resolve(org, Env.current(), keep=False)
        files = builder.build(profile, url=url, version=version)
        outcome = writer.write(files, out, force=force)
        for rel in outcome.written:
            sys.stdout.write(f"wrote      {out / rel}\n")
        for rel in outcome.unchanged:
            sys.stdout.write(f"unchanged  {out / rel}\n")
        for rel in outcome.removed:
            sys.stdout.write(f"removed    {out / rel}\n")
        for note in builder.left_out(profile):
            sys.stderr.write(f"note: {note}\n")
        if outcome.conflicts:
            for rel in outcome.conflicts:
                sys.stderr.write(f"error: {out / rel} was not written by aistack (or was changed since); left as"
                                 " it is\n")
            sys.stderr.write("hint: move those files away, or pass --force to replace them.\n")
            raise typer.Exit(ExitCode.PROBLEM)

    @org_app.command("check")
    def check(
        org: Optional[str] = ORG,
        as_json: bool = typer.Option(False, "--json", help="Print the result as JSON (schema aistack.org-check/v1)."),
        timeout: float = typer.Option(10.0, "--timeout", min=1.0, help="Seconds for each URL."),
    ) -> None:
        """Validate an org profile and try every URL in it (IdP discovery, gateway, each MCP server's handshake);
        exit 1 if any check fails."""
        import json
        import sys

        from aistack.doctor import render
        from aistack.errors import UsageError
        from aistack.org import check as checker
        from aistack.paths import Env
        from aistack.profile import load_remembered

        env = Env.current()
        if org is None:
            remembered = load_remembered(env)
            if remembered is None:
                raise UsageError("no org profile to check.", hint="Pass --org PATH or --org https://your-org.")
            org = remembered.source
        profile, results = checker.run(org, env, timeout=timeout)
        data = checker.payload(profile, results)
        if as_json:
            sys.stdout.write(json.dumps(data, indent=2) + "\n")
        else:
            sys.stdout.write(render.plain(results))
        if data["failed"]:
            sys.stderr.write(f"aistack org check: {len(data['failed'])} check{'s' if len(data['failed']) > 1 else ''}"
                             f" failed: {', '.join(data['failed'])}\n")
            raise typer.Exit(ExitCode.PROBLEM)
        sys.stderr.write("aistack org check: every check passed.\n")
