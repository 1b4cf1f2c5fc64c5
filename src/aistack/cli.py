"""The typer app. Thin: each command lives in aistack.commands.<name> and imports its logic lazily."""

from __future__ import annotations

import sys

import typer

from aistack import __version__
from aistack.commands import auth as _auth
from aistack.commands import bridge as _bridge
from aistack.commands import doctor as _doctor
from aistack.commands import init_repo as _init_repo
from aistack.commands import setup as _setup
from aistack.commands import usage as _usage


app = typer.Typer(
    name="aistack",
    help="Join your company's AI engineering stack: login, assistant setup, AGENTS.md, usage.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

DEBUG = {"on": False}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"aistack {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", "-V", callback=_version, is_eager=True, help="Print the version."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for unexpected errors (never secrets)."),
) -> None:
    DEBUG["on"] = debug


_auth.register(app)
_setup.register(app)
_init_repo.register(app)
_usage.register(app)
_bridge.register(app)
_doctor.register(app)




# Options whose value may be left out: `--project` alone means the current directory.
OPTIONAL_VALUES = {"--project": "."}


def _fill_optional_values(argv: list[str]) -> list[str]:
    out = []
    for i, arg in enumerate(argv):
        out.append(arg)
        if arg in OPTIONAL_VALUES and (i + 1 == len(argv) or argv[i + 1].startswith("-")):
            out.append(OPTIONAL_VALUES[arg])
    return out


def run(argv: list[str]) -> int:
    try:  # typer >= 0.29 carries its own copy of click
        from typer._click import exceptions as click_errors
    except ImportError:  # pragma: no cover - older typer
        from click import exceptions as click_errors

    from aistack.errors import AistackError, ExitCode, render

    try:
        result = int(app(args=_fill_optional_values(argv), prog_name="aistack", standalone_mode=False) or 0)
        if result == ExitCode.INTERRUPTED:  # typer turns Ctrl-C into exit code 130 without a word
            sys.stderr.write("Interrupted.\n")
        return result
    except AistackError as e:
        sys.stderr.write(render(e) + "\n")
        return e.exit_code
    except typer.Exit as e:
        return e.exit_code
    except typer.Abort:
        sys.stderr.write("Aborted.\n")
        return ExitCode.INTERRUPTED
    except click_errors.ClickException as e:
        e.show()
        return ExitCode.USAGE if isinstance(e, click_errors.UsageError) else e.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        return ExitCode.OK
