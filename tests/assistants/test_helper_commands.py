"""The command lines assistants run to get a token are quoted for the shell that runs them: `sh -c` on POSIX and
`cmd.exe /c` on Windows (what Claude Code and Codex do; the real CLIs run them in tests/e2e/test_helper_paths.py).
Windows itself cannot run here, so its lines are checked as text."""

import subprocess

import pytest

from aistack.assistants import registry
from aistack.assistants.base import Context
from aistack.assistants.common import helper_command
from aistack.paths import Env
from aistack.profile import load
from support import EXAMPLE_ORG

LINUX = Env(home="/home/u", environ={}, platform="linux")
WIN = Env(home="C:\\Users\\u", environ={"APPDATA": "C:\\Users\\u\\AppData\\Roaming"}, platform="win32")


def helpers(env, aistack):
    org = load(str(EXAMPLE_ORG))
    ctx = Context(env=env, aistack=aistack)
    claude = {(e.file, e.path): e.value for e in registry.get("claude-code").plan(org, ctx).edits}
    codex = {(e.file, e.path): e.value for e in registry.get("codex").plan(org, ctx).edits}
    return (claude[("settings", ("apiKeyHelper",))], claude[("mcp", ("mcpServers", "docs"))]["headersHelper"],
            codex[("config", ("mcp_servers", "docs"))]["http_headers_helper"])


def test_posix_path_with_a_space_is_quoted_for_sh():
    api_key, headers, codex = helpers(LINUX, "/opt/with space/bin/aistack")
    assert api_key == "'/opt/with space/bin/aistack' token"
    assert headers == codex == "'/opt/with space/bin/aistack' token --headers-json --server docs"


def test_windows_path_with_a_space_is_double_quoted_for_cmd():
    api_key, headers, codex = helpers(WIN, "C:\\Program Files\\aistack\\aistack.exe")
    assert api_key == '"C:\\Program Files\\aistack\\aistack.exe" token'
    assert headers == codex == '"C:\\Program Files\\aistack\\aistack.exe" token --headers-json --server docs'


def test_plain_paths_stay_as_they_were():
    assert helpers(LINUX, "/opt/aistack/bin/aistack")[0] == "/opt/aistack/bin/aistack token"
    assert helpers(WIN, "C:\\Users\\u\\.local\\bin\\aistack.exe")[0] == "C:\\Users\\u\\.local\\bin\\aistack.exe token"
    assert helpers(LINUX, "aistack")[1] == "aistack token --headers-json --server docs"


@pytest.mark.parametrize("path", ["/tmp/with space/aistack", "/tmp/it's/aistack", "/tmp/$HOME;rm -rf x/aistack",
                                  "/tmp/`id`/a\"b/aistack"])
def test_sh_sees_exactly_the_path(path):
    line = helper_command(Context(env=LINUX, aistack=path), "token")
    words = subprocess.run(["sh", "-c", f"set -- {line}; printf '%s\\n' \"$@\""], capture_output=True,
                           text=True, check=True).stdout.splitlines()
    assert words == [path, "token"]
