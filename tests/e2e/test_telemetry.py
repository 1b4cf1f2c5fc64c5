"""OpenTelemetry from a real assistant, offline: after a real login against the sandbox org and `aistack setup`
with a `[telemetry]` table naming a loopback OTLP/HTTP receiver (`http/json`, so the test reads it without a
protobuf library), one `claude -p` request through the org's gateway exports Claude Code's metrics and logs to the
receiver, each batch carrying the user's own fresh token (Claude Code runs the `otelHeadersHelper` aistack wrote,
`aistack token --headers-json --telemetry`): the collector learns who the user is from the token (the sandbox
user's subject and email in its claims), and no file in the HOME holds the token."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import peers
import pytest
from support.http import Reply
from support.sandbox_peer import claims, running_org

pytestmark = [pytest.mark.peer, pytest.mark.timeout(600)]


def env_for(home: Path, bin_dir: Path, **extra: str) -> dict[str, str]:
    env = peers.env_for("claude", home, {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
                                         "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", **extra})
    for var in ("XDG_RUNTIME_DIR", "DBUS_SESSION_BUS_ADDRESS"):
        env.pop(var, None)
    return env


def aistack(home: Path, bin_dir: Path, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run(["aistack", *args], capture_output=True, text=True, env=env_for(home, bin_dir),
                          cwd=home, stdin=subprocess.DEVNULL, timeout=120)
    assert done.returncode == 0, f"aistack {' '.join(args)}: exit {done.returncode}\n{done.stderr}"
    return done


def resource_attributes(batch: dict, kind: str) -> list[dict[str, object]]:
    """Each resource's attributes in an OTLP/JSON export (`resourceMetrics` or `resourceLogs`)."""
    out = []
    for resource in batch.get(kind) or []:
        attrs = {}
        for attr in (resource.get("resource") or {}).get("attributes") or []:
            value = attr.get("value") or {}
            attrs[attr["key"]] = next(iter(value.values()), None)
        out.append(attrs)
    return out


def metric_names(batch: dict) -> set[str]:
    return {m["name"] for r in batch.get("resourceMetrics") or [] for s in r.get("scopeMetrics") or []
            for m in s.get("metrics") or []}


def test_claude_code_exports_to_the_org_collector_with_the_users_token(tmp_path, serve):
    if not peers.available("claude"):
        pytest.fail(f"{peers.PACKAGES['claude']} is not installed: run `npm ci --prefix tests/node`")
    receiver = serve(lambda seen: Reply(200, {}), token=None)  # checks nothing itself: the test reads what came
    home, bin_dir = tmp_path / "home", tmp_path / "bin"
    (home / "project").mkdir(parents=True)
    bin_dir.mkdir()
    shim = bin_dir / "aistack"  # what setup writes into the helpers: this checkout's aistack
    shim.write_text(f"#!/bin/sh\nexec '{sys.executable}' -m aistack \"$@\"\n")
    shim.chmod(0o755)
    with running_org(tmp_path / "org", home) as org:
        profile = tmp_path / "org.toml"
        profile.write_text(Path(org["org_profile"]).read_text() + (
            f'\n[telemetry]\nendpoint = "{receiver.url}"\nprotocol = "http/json"\nauth = "token"\n'
            '[telemetry.headers]\nx-team = "platform"\n'))
        aistack(home, bin_dir, "login", "--org", str(profile), "--device", "--insecure-storage")
        aistack(home, bin_dir, "setup", "claude-code")
        # Only OTel's own export interval shortened; nothing of the telemetry route comes from the environment.
        env = env_for(home, bin_dir, OTEL_METRIC_EXPORT_INTERVAL="1000", OTEL_LOGS_EXPORT_INTERVAL="1000")
        done = subprocess.run([str(peers.cli_path("claude")), "-p", "say hello"], cwd=home / "project", env=env,
                              capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)
        assert done.returncode == 0, done.stderr + done.stdout
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not any(s.path == "/v1/metrics" for s in receiver.seen):
            time.sleep(0.2)
    sessions = list((home / ".local" / "share" / "aistack" / "auth").glob("session-*.json"))
    assert len(sessions) == 1, sessions
    tokens = {json.loads(p.read_text())["access_token"] for p in sessions}
    metrics = [s for s in receiver.seen if s.path == "/v1/metrics"]
    logs = [s for s in receiver.seen if s.path == "/v1/logs"]
    assert metrics, f"no metrics arrived; the receiver saw {[s.path for s in receiver.seen]}\n{done.stderr}"
    names = set().union(*(metric_names(s.json() or {}) for s in metrics))
    assert "claude_code.session.count" in names, names
    for seen in metrics + logs:
        assert seen.headers.get("content-type", "").startswith("application/json"), seen.headers
        assert seen.headers.get("x-team") == "platform"
        bearer = seen.headers.get("authorization", "")
        assert bearer.startswith("Bearer "), seen.headers
        who = claims(bearer.removeprefix("Bearer "))
        assert who["iss"] == org["issuer"] and who["sub"] == "demo" and who.get("email") == "demo@example.com", who
    assert bearer.removeprefix("Bearer ") in tokens  # the session's current token: `aistack token` gave it
    for attrs in resource_attributes(metrics[0].json(), "resourceMetrics"):
        assert attrs.get("service.name") == "claude-code", attrs
    # No secret at rest: the token is in no file of the HOME but aistack's own 0600 session.
    secret = bearer.removeprefix("Bearer ").encode()
    holders = [p for p in home.rglob("*") if p.is_file() and not p.is_symlink() and secret in p.read_bytes()]
    assert holders == sessions, holders
