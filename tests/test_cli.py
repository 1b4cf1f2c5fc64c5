import subprocess
import sys

from conftest import subprocess_env


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
