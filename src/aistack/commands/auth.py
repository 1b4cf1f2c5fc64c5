"""`aistack login / token / run / env / status / logout`. Only typer at module level; the rest loads on use."""

from __future__ import annotations

import typer

from aistack.commands.options import ORG, ORG_HELP
from aistack.errors import ExitCode, debug_enabled


def register(app: typer.Typer) -> None:
    @app.command()
    def login(
        org_arg: str = typer.Argument(None, metavar="[ORG]", help=ORG_HELP),
        org: str = ORG,
        device: bool = typer.Option(False, "--device", help="Use the device flow: a code to enter in any browser."),
        browser: bool = typer.Option(False, "--browser", help="Use the browser flow with a loopback redirect."),
        insecure_storage: bool = typer.Option(False, "--insecure-storage",
                                              help="Keep the refresh token in a 0600 file when no OS keyring exists."),
        redirect_port: int = typer.Option(0, "--redirect-port", min=0, max=65535,
                                          help="Fixed loopback port for IdPs that register an exact redirect URI."),
        timeout: float = typer.Option(300, "--timeout", min=1, help="Seconds to wait for the browser."),
    ) -> None:
        """Sign in with your company's identity provider."""
        from aistack.auth.command import load
        from aistack.auth.login import Options
        from aistack.auth.login import login as run_login
        from aistack.errors import UsageError

        if org_arg and org and org_arg != org:
            raise UsageError("give the org once: as ORG or as --org, not both.")
        if device and browser:
            raise UsageError("choose one of --device and --browser.")
        if device and redirect_port:
            raise UsageError("--redirect-port applies to the browser login, not --device.")
        profile, env = load(org_arg or org)
        flow = "device" if device else "browser" if browser else None
        run_login(profile, env, Options(flow=flow, insecure_storage=insecure_storage, redirect_port=redirect_port,
                                        timeout=timeout, debug=debug_enabled()))

    @app.command()
    def token(
        org: str = ORG,
        headers_json: bool = typer.Option(False, "--headers-json",
                                          help="Print a JSON object of HTTP headers (auth header + static headers)."),
        server: str = typer.Option(None, "--server", help="With --headers-json: headers for this MCP server."),
        telemetry: bool = typer.Option(False, "--telemetry",
                                       help="With --headers-json: headers for the OpenTelemetry collector."),
    ) -> None:
        """Print a valid access token (and nothing else); exit 4 when a login is needed."""
        from aistack.auth import command
        from aistack.errors import UsageError

        if (server or telemetry) and not headers_json:
            raise UsageError(f"{'--server' if server else '--telemetry'} goes with --headers-json.")
        if server and telemetry:
            raise UsageError("choose one of --server and --telemetry.")
        from aistack.auth.fast import TELEMETRY

        target = TELEMETRY if telemetry else server
        typer.echo(command.headers_json(org, target) if headers_json else command.token(org))

    @app.command(context_settings={"allow_interspersed_args": False, "ignore_unknown_options": True})
    def run(
        command: list[str] = typer.Argument(..., metavar="CMD [ARGS]...", help="The command to run."),
        org: str = ORG,
    ) -> None:
        """Run CMD with AISTACK_TOKEN set (and, for assistants that take it from the environment: gemini, copilot,
        zed, the gateway's route, through the relay); exits with CMD's exit code."""
        from aistack.relay.run import run as run_command

        try:
            run_command(org, command)
        except SystemExit as done:  # Windows: the child's exit code
            raise typer.Exit(int(done.code or 0)) from None

    @app.command()
    def env(
        org: str = ORG,
        shell: str = typer.Option("sh", "--shell", help="sh (bash, zsh), fish or powershell."),
    ) -> None:
        """Print a shell line exporting AISTACK_TOKEN: eval "$(aistack env)"."""
        from aistack.auth.command import export_line

        typer.echo(export_line(org, shell))

    @app.command()
    def status(
        org: str = ORG,
        as_json: bool = typer.Option(False, "--json", help="Print the status as JSON."),
    ) -> None:
        """Who you are logged in as, where, until when, and where the credentials are kept."""
        from aistack.auth.command import load
        from aistack.auth.report import render
        from aistack.auth.report import status as build

        profile, env = load(org)
        report = build(profile, env)
        typer.echo(render(report, as_json))
        if not report["logged_in"]:
            raise typer.Exit(ExitCode.LOGIN_NEEDED)

    @app.command()
    def logout(org: str = ORG) -> None:
        """Revoke the refresh token at the IdP (best effort) and delete every local credential."""
        from aistack.auth.command import load
        from aistack.auth.report import logout as run_logout

        profile, env = load(org)
        run_logout(profile, env, debug=debug_enabled())
