"""The typer app. Thin: each command lives in aistack.commands.<name> and imports its logic lazily."""

from __future__ import annotations

import os
import sys

import typer

from aistack import __version__
from aistack.commands import auth as _auth
from aistack.commands import bridge as _bridge
from aistack.commands import doctor as _doctor
from aistack.commands import init_repo as _init_repo
from aistack.commands import org as _org
from aistack.commands import policy as _policy
from aistack.commands import relay as _relay
from aistack.commands import setup as _setup
from aistack.commands import usage as _usage
from aistack.errors import DEBUG_VAR

app = typer.Typer(
    name="aistack",
    help="Join your company's AI engineering stack: login, assistant setup, AGENTS.md, usage.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"aistack {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", "-V", callback=_version, is_eager=True, help="Print the version."),
    debug: bool = typer.Option(False, "--debug", help="Log each HTTP request's method, URL and status (never a token) "
                               "and show the traceback of an unexpected error. Also AISTACK_DEBUG=1."),
) -> None:
    if debug:
        os.environ[DEBUG_VAR] = "1"


_auth.register(app)
_setup.register(app)
_init_repo.register(app)
_usage.register(app)
_bridge.register(app)
_relay.register(app)
_doctor.register(app)
_policy.register(app)
_org.register(app)


def run(argv: list[str]) -> int:
    try:  # typer >= 0.28 carries its own copy of click
        from typer._click import exceptions as click_errors
    except ImportError:  # pragma: no cover - older typer
        from click import exceptions as click_errors  # type: ignore[no-redef]

    from aistack.errors import AistackError, ExitCode, render

    try:
        result = int(app(args=argv, prog_name="aistack", standalone_mode=False) or 0)
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
    except Exception as e:  # a bug: one line, unless --debug asks for the traceback
        return _unexpected(e)


def _unexpected(error: Exception) -> int:
    from aistack.errors import ExitCode, debug_enabled

    if debug_enabled():
        import traceback

        traceback.print_exc()
    else:
        detail = (str(error).strip().splitlines() or [""])[0][:200]
        sys.stderr.write(f"error: unexpected {type(error).__name__}{': ' + detail if detail else ''}\n"
                         "hint: this is a bug in aistack; run the command again with --debug (`aistack --debug ...`) "
                         "for the traceback and report it.\n")
    return ExitCode.PROBLEM
