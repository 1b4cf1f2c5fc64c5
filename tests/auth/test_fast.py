"""The hot `aistack token` path: what it imports, what it serves, and when it hands over to the full CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import PurePosixPath, PureWindowsPath

import pytest

from aistack.auth import fast
from aistack.paths import Env
from support import subprocess_env
from support.oidc_peer import read_session, session_files

HEAVY = ("typer", "click", "rich", "httpx", "keyring", "filelock", "joserfc", "truststore", "aistack.cli",
         "aistack.profile", "aistack.paths", "aistack.auth.tokens")
PROBE = ("import sys; from aistack.__main__ import main; code = main(sys.argv[1:]); "
         "sys.stderr.write(json.dumps([code, sorted(m for m in {heavy} if m in sys.modules)]))")


def run_probe(*args: str) -> tuple[str, int, list[str]]:
    code = "import json; " + PROBE.format(heavy=repr(set(HEAVY)))
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env=subprocess_env(), timeout=60)
    rc, loaded = json.loads(done.stderr.strip().splitlines()[-1])
    return done.stdout, rc, loaded


@pytest.mark.peer
def test_cached_token_path_imports_nothing_heavy(cli, provider, user, tmp_path):
    assert cli("login", str(provider.profile(tmp_path)), "--device", "--insecure-storage")[0] == 0
    token = read_session()["access_token"]
    out, rc, loaded = run_probe("token")
    assert (out, rc, loaded) == (token + "\n", 0, [])
    out, rc, loaded = run_probe("token", "--headers-json", "--server", "docs")
    assert rc == 0 and loaded == [] and json.loads(out) == {"cf-access-token": token, "X-Team": "platform"}
    # A token inside the refresh margin goes the full way (and is refreshed there).
    path = session_files()[0]
    data = json.loads(path.read_text())
    data["expires_at"] = time.time() + 30
    path.write_text(json.dumps(data))
    out, rc, loaded = run_probe("token")
    assert rc == 0 and "httpx" in loaded and out.strip() != token
    assert provider.userinfo(out.strip()).status_code == 200


@pytest.mark.peer
def test_changed_profile_file_is_reread(cli, provider, user, tmp_path):
    org = provider.profile(tmp_path)
    assert cli("login", str(org), "--device", "--insecure-storage")[0] == 0
    token = read_session()["access_token"]
    text = org.read_text().replace('X-Team = "platform"', 'X-Team = "changed"')
    org.write_text(text)
    future = time.time() + 5
    os.utime(org, (future, future))
    out, rc, loaded = run_probe("token", "--headers-json", "--server", "docs")
    assert rc == 0 and "typer" in loaded and json.loads(out)["X-Team"] == "changed"
    out, rc, loaded = run_probe("token", "--headers-json", "--server", "docs")  # remembered again: fast once more
    assert loaded == [] and json.loads(out) == {"cf-access-token": token, "X-Team": "changed"}


def test_env_token_needs_no_files():
    done = subprocess.run([sys.executable, "-m", "aistack", "token"], capture_output=True, text=True,
                          env=subprocess_env(AISTACK_TOKEN="from-env"), timeout=60)
    assert (done.returncode, done.stdout) == (0, "from-env\n")


@pytest.mark.parametrize("args, expected", [
    ([], (False, None)),
    (["--headers-json"], (True, None)),
    (["--headers-json", "--server", "docs"], (True, "docs")),
    (["--server=docs", "--headers-json"], (True, "docs")),
    (["--headers-json", "--telemetry"], (True, fast.TELEMETRY)),
    (["--telemetry"], None),  # a usage error: the full CLI says so
    (["--headers-json", "--telemetry", "--server", "docs"], None),
    (["--server", "docs"], None),  # a usage error: the full CLI says so
    (["--org", "x"], None),
    (["--headers-json", "--headers-json"], None),
    (["--server", "--headers-json"], None),
    (["-h"], None),
])
def test_parse_args(args, expected):
    assert fast.parse_args(args) == expected


@pytest.mark.parametrize("platform, home, environ", [
    ("linux", "/home/a", {}),
    ("linux", "/home/a", {"XDG_CONFIG_HOME": "/x/c", "XDG_DATA_HOME": "/x/d"}),
    ("linux", "/home/a", {"AISTACK_CONFIG_DIR": "/o/c", "AISTACK_DATA_DIR": "/o/d", "XDG_DATA_HOME": ""}),
    ("darwin", "/Users/a", {}),
    ("win32", "C:\\Users\\a", {}),
    ("win32", "C:\\Users\\a", {"APPDATA": "D:\\roam", "LOCALAPPDATA": "D:\\local"}),
])
def test_directories_match_paths_module(platform, home, environ):
    pure = PureWindowsPath if platform == "win32" else PurePosixPath
    env = Env(home=pure(home), environ=environ, platform=platform)
    join = __import__("ntpath" if platform == "win32" else "posixpath").join
    real_join = os.path.join
    try:
        os.path.join = join
        assert pure(fast.config_dir(environ, platform, home)) == env.config_dir()
        assert pure(fast.data_dir(environ, platform, home)) == env.data_dir()
    finally:
        os.path.join = real_join


def test_headers_builder():
    assert fast.build_headers("Authorization", "t", {"X-A": "1"}) == {"Authorization": "Bearer t", "X-A": "1"}
    assert fast.build_headers("cf-access-token", "t", {"CF-Access-Token": "static"}) == {"cf-access-token": "t"}
    assert fast.build_headers("Authorization", None, {"X-A": "1"}) == {"X-A": "1"}
    profile = {"mcp_servers": [{"name": "Docs", "auth": "token", "headers": {"X-B": "2"}}]}
    assert fast.headers_for(profile, "t", "docs") == {"Authorization": "Bearer t", "X-B": "2"}
    assert fast.headers_for(profile, "t", "other") is None
    assert fast.headers_for({}, "t", None) == {"Authorization": "Bearer t"}


def test_cached_token_respects_margin_and_owner():
    now = 1000.0
    session = {"issuer": "https://i", "client_id": "c", "access_token": "t", "expires_at": now + 61}
    assert fast.cached_token(session, "https://i", "c", now) == "t"
    assert fast.cached_token(session, "https://i", "c", now + 2) is None
    assert fast.cached_token(session, "https://other", "c", now) is None
    assert fast.cached_token({**session, "access_token": ""}, "https://i", "c", now) is None


def test_headers_for_the_telemetry_collector():
    gateway = {"gateway": {"url": "https://gw", "token_header": "x-api-key", "headers": {"X-G": "1"}}}
    with_token = {**gateway, "telemetry": {"endpoint": "https://otel", "auth": "token", "headers": {"x-team": "p"}}}
    # Always a bearer to the collector, never the gateway's token header or its static headers.
    assert fast.headers_for(with_token, "t", fast.TELEMETRY) == {"Authorization": "Bearer t", "x-team": "p"}
    assert fast.server_needs_token(with_token, fast.TELEMETRY)
    without = {"telemetry": {"endpoint": "https://otel"}}
    assert fast.headers_for(without, "t", fast.TELEMETRY) == {}
    assert not fast.server_needs_token(without, fast.TELEMETRY)
    assert fast.headers_for(gateway, "t", fast.TELEMETRY) is None  # no [telemetry]: the full CLI says so
