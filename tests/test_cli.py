import subprocess
import sys

from support import subprocess_env


def test_version(cli):
    code, out, err = cli("--version")
    assert code == 0 and out.startswith("aistack ")


def test_help_lists_commands(cli):
    code, out, _ = cli("--help")
    assert code == 0 and "Usage" in out


def test_unknown_command_is_usage_error(cli):
    code, _, err = cli("no-such-command")
    assert code == 2 and "no-such-command" in err


def test_cli_import_stays_light():
    """Starting the CLI must not pay for httpx, keyring, git or rich tables."""
    code = ("import sys, aistack.cli; bad = [m for m in ('httpx', 'keyring', 'git', 'rich.table', 'mcp', 'jinja2')"
            " if m in sys.modules]; print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=subprocess_env(), check=True)
    assert out.stdout.strip() == ""


def test_ctrl_c_exits_130(capsys):
    import aistack.cli as cli_module

    @cli_module.app.command("interrupt-me")
    def interrupt_me():
        raise KeyboardInterrupt

    try:
        assert cli_module.run(["interrupt-me"]) == 130
        err = capsys.readouterr().err
        assert err == "Interrupted.\n"
    finally:
        cli_module.app.registered_commands.pop()


def _with_command(func):
    """Register `func` as a throwaway command for one test."""
    import aistack.cli as cli_module

    cli_module.app.command("throwaway")(func)
    return cli_module


def test_a_bug_is_one_line_and_exit_1(capsys, monkeypatch):
    monkeypatch.delenv("AISTACK_DEBUG", raising=False)

    def broken():
        raise ValueError("bad state\nsecond line")

    cli_module = _with_command(broken)
    try:
        assert cli_module.run(["throwaway"]) == 1
        err = capsys.readouterr().err
        assert err.splitlines()[0] == "error: unexpected ValueError: bad state"
        assert "Traceback" not in err and "second line" not in err and "--debug" in err
    finally:
        cli_module.app.registered_commands.pop()


def test_debug_shows_the_traceback(capsys, monkeypatch):
    monkeypatch.delenv("AISTACK_DEBUG", raising=False)

    def broken():
        raise ValueError("bad state")

    cli_module = _with_command(broken)
    try:
        assert cli_module.run(["--debug", "throwaway"]) == 1
        err = capsys.readouterr().err
        assert "Traceback (most recent call last)" in err and "ValueError: bad state" in err
    finally:
        cli_module.app.registered_commands.pop()
        monkeypatch.delenv("AISTACK_DEBUG", raising=False)


def test_options_after_the_command_of_run_are_its_own(tmp_path):
    """`aistack run CMD ARGS` passes ARGS untouched, even ones that look like aistack's options."""
    done = subprocess.run([sys.executable, "-m", "aistack", "run", "echo", "hello", "--project", "--org", "x"],
                          capture_output=True, text=True, env=subprocess_env(AISTACK_TOKEN="t"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "hello --project --org x\n"


def test_project_needs_its_directory(cli):
    code, _, err = cli("setup", "claude-code", "--project")
    assert code == 2 and "--project" in err
