"""`aistack relay serve|start|stop|status`: the loopback forwarder that adds a fresh token to every request."""

from __future__ import annotations

import typer

relay_app = typer.Typer(help="The loopback relay: your assistants' gateway and MCP traffic with a fresh token.",
                        no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(relay_app, name="relay")


PORT = typer.Option(None, "--port", min=1024, max=65535, help="Default: AISTACK_RELAY_PORT, else this user's port.")


@relay_app.command()
def serve(
    port: int = PORT,
    socket_activated: bool = typer.Option(False, "--socket-activated",
                                          help="Take the listening socket from systemd or launchd."),
    idle_exit: float = typer.Option(None, "--idle-exit", min=1, metavar="SECONDS",
                                    help="Exit after this long without a request (with --socket-activated: 900)."),
) -> None:
    """Run the relay in the foreground (the installed service runs this)."""
    from aistack.relay import control

    raise typer.Exit(control.serve(port, socket_activated, idle_exit))


@relay_app.command()
def start(port: int = PORT) -> None:
    """Start the relay in the background unless it already answers; print its URL."""
    from aistack.relay import control

    typer.echo(control.start(port))


@relay_app.command()
def stop(port: int = PORT) -> None:
    """Stop a relay started with `aistack relay start` (a service manager's relay: stop it there)."""
    from aistack.relay import control

    control.stop(port)


@relay_app.command()
def status(
    port: int = PORT,
    as_json: bool = typer.Option(False, "--json", help="Print the status as JSON."),
) -> None:
    """Whether the relay answers, where, for whom, and which routes it serves; exit 1 when it does not answer."""
    from aistack.errors import ExitCode
    from aistack.relay import control

    text, ok = control.status(port, as_json)
    typer.echo(text)
    if not ok:
        raise typer.Exit(ExitCode.PROBLEM)
