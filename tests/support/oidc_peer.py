"""The real OpenID provider (oidc-provider v9 on Node) and the scripted browser user, for the auth tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from support import REPO

NODE_DIR = REPO / "tests" / "node"
SCRIPT = REPO / "sandbox" / "idp.mjs"  # the sandbox org's IdP, with the provider's own pages
BROWSER_USER = REPO / "tests" / "peers" / "browser_user.py"
CLIENT_ID = "aistack-cli"


class Provider:
    def __init__(self, **options):
        if not (NODE_DIR / "node_modules" / "oidc-provider").is_dir():
            pytest.fail("oidc-provider is not installed: run `npm ci --prefix tests/node`")
        options = {"interactions": "pages", "testRoutes": True, "accessTokenTTL": 600, **options}
        self.proc = subprocess.Popen(["node", str(SCRIPT), json.dumps(options)], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, cwd=NODE_DIR)
        line = self.proc.stdout.readline()
        if not line:
            self.proc.kill()
            pytest.fail("the OpenID provider did not start")
        self.issuer = json.loads(line)["issuer"]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()

    def test_route(self, name: str, **params) -> dict:
        response = httpx.get(f"{self.issuer}/__test__/{name}", params=params, timeout=10)
        response.raise_for_status()
        return response.json()

    def userinfo(self, access_token: str) -> httpx.Response:
        return httpx.get(f"{self.issuer}/me", headers={"Authorization": f"Bearer {access_token}"}, timeout=10)

    def refresh(self, refresh_token: str) -> httpx.Response:
        return httpx.post(f"{self.issuer}/token", timeout=10, data={
            "grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": CLIENT_ID})

    def profile(self, tmp_path: Path, *, issuer: str | None = None, client_id: str = CLIENT_ID,
                name: str = "org.toml", extra: str = "") -> Path:
        path = tmp_path / name
        path.write_text(f"""schema = 1
[org]
name = "Test Org"
[auth]
issuer = "{issuer or self.issuer}"
client_id = "{client_id}"
scopes = ["openid", "email", "profile", "offline_access"]
[gateway]
url = "https://ai.example.com"
token_header = "cf-access-token"
[gateway.headers]
cf-aig-collect-log-payload = "false"
[[mcp_servers]]
name = "docs"
url = "https://mcp.example.com/docs/mcp"
auth = "token"
headers = {{ X-Team = "platform" }}
[[mcp_servers]]
name = "public"
url = "https://mcp.example.com/public/mcp"
headers = {{ X-Public = "1" }}
{extra}""")
        return path


def start_provider(**options):
    provider = Provider(**options)
    try:
        yield provider
    finally:
        provider.stop()


@pytest.fixture(scope="session")
def provider():
    """One provider for the run; device responses advertise interval=1 so logins take about a second."""
    yield from start_provider(interval=1)


def browser_env(tmp_path: Path, action: str = "approve", login: str = "alice") -> dict[str, str]:
    """Environment that makes aistack's browser the scripted user."""
    wrapper = tmp_path / "browser"
    if not wrapper.exists():
        wrapper.write_text(f"#!/bin/sh\nexec '{sys.executable}' '{BROWSER_USER}' \"$@\"\n")
        wrapper.chmod(0o755)
    return {"BROWSER": str(wrapper), "AISTACK_TEST_USER_ACTION": action, "AISTACK_TEST_USER_LOGIN": login,
            "AISTACK_TEST_BROWSER_LOG": str(tmp_path / "browser.log")}


@pytest.fixture
def user(tmp_path, monkeypatch):
    """The scripted browser user for in-process runs: `user("deny")` changes what they do."""
    def set_action(action: str = "approve", login: str = "alice") -> dict[str, str]:
        env = browser_env(tmp_path, action, login)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        return env

    set_action()
    return set_action


def wait_for(predicate, timeout: float = 10.0, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("condition not met in time")


def session_files(env_dir: str | None = None) -> list[Path]:
    base = Path(env_dir or os.environ["AISTACK_DATA_DIR"]) / "auth"
    return sorted(base.glob("session-*.json"))


def read_session() -> dict:
    files = session_files()
    assert len(files) == 1, files
    return json.loads(files[0].read_text())
