"""Start, reach and stop the sandbox org (sandbox/org.py) from the tests; its processes are found by SANDBOX_DIR."""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parent.parent.parent
ORG = REPO / "sandbox" / "org.py"
NODE_MODULES = REPO / "tests" / "node" / "node_modules"
CLIENT_ID = "aistack-cli"
SCOPE = "openid email profile offline_access"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def require_peers() -> None:
    if not (NODE_MODULES / "oidc-provider").is_dir():
        pytest.fail("oidc-provider is not installed: run `npm ci --prefix tests/node`")
    if importlib.util.find_spec("litellm") is None:  # found, not imported: importing it takes seconds
        pytest.fail("LiteLLM is not installed: run `pip install -r sandbox/requirements.txt`")


def run_org(*args: str, home: Path, timeout: float = 300, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ORG), *args], capture_output=True, text=True, timeout=timeout,
                          env=org_env(home), **kwargs)


@contextmanager
def running_org(directory: Path, home: Path, *up_args: str):
    """A sandbox org for the duration of a `with`: yields `up --json`'s state, then stops it."""
    require_peers()
    result = run_org("up", "--dir", str(directory), "--json", *up_args, home=home)
    if result.returncode != 0:
        pytest.fail(f"the sandbox org did not start:\n{result.stderr}")
    try:
        yield json.loads(result.stdout)
    finally:
        run_org("down", "--dir", str(directory), home=home)


def org_env(home: Path) -> dict[str, str]:
    env = dict(os.environ, HOME=str(home))
    for var in ("AISTACK_TOKEN", "ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "OPENAI_API_KEY"):
        env.pop(var, None)
    return env


def processes_of(directory: Path) -> list[int]:
    """Every live process started for the sandbox in `directory`, children included (Linux /proc)."""
    marker = f"SANDBOX_DIR={directory.resolve()}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            if (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                continue  # exited, waiting to be reaped: runs nothing
        except OSError:
            continue
        found.append(int(entry.name))
    return found


def discovery(issuer: str) -> dict:
    return httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=10).json()


def device_login(issuer: str) -> dict:
    """RFC 8628 with plain httpx: ask for a code, then poll the token endpoint; nobody approves anything."""
    meta = discovery(issuer)
    start = httpx.post(meta["device_authorization_endpoint"], data={"client_id": CLIENT_ID, "scope": SCOPE}, timeout=10)
    assert start.status_code == 200, start.text
    device_code = start.json()["device_code"]
    for _ in range(20):
        response = httpx.post(meta["token_endpoint"], timeout=10, data={
            "grant_type": DEVICE_GRANT, "device_code": device_code, "client_id": CLIENT_ID})
        if response.status_code == 200:
            return response.json()
        assert response.json()["error"] == "authorization_pending", response.text
    raise AssertionError("the device code was never approved")


def claims(jwt: str) -> dict:
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def forged_token(org) -> str:
    """A JWT with the right issuer, audience and subject, signed by a key the IdP never had."""
    from joserfc import jwt
    from joserfc.jwk import RSAKey

    now = int(time.time())
    return jwt.encode({"alg": "RS256", "kid": "forged"}, {"iss": org["issuer"], "aud": org["audience"], "sub": "demo",
                                                          "iat": now, "exp": now + 600}, RSAKey.generate_key(2048))


def bad_tokens(org, login) -> dict[str, dict[str, str]]:
    header, payload, signature = login["access_token"].split(".")
    other = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    other["sub"] = "mallory"
    tampered = base64.urlsafe_b64encode(json.dumps(other).encode()).rstrip(b"=").decode()
    return {
        "none": {},
        "garbage": {"Authorization": "Bearer not-a-token"},
        "forged": {"Authorization": f"Bearer {forged_token(org)}"},
        "tampered": {"x-api-key": f"{header}.{tampered}.{signature}"},
        "id token (wrong audience)": {"Authorization": f"Bearer {login['id_token']}"},
    }
