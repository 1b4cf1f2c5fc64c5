"""OpenTelemetry from the real assistants, offline: after a real login against the sandbox org and `aistack setup`
with a `[telemetry]` table naming a loopback OTLP/HTTP receiver (`http/json`, so the test reads it without a
protobuf library; `auth = "token"` and a static header), one request through the org's gateway makes the real
`claude -p`, `codex exec` and `qwen -p` export their metrics and logs to the receiver, each batch carrying the
user's own fresh token: Claude Code runs the `otelHeadersHelper`, Codex the `otel.headers_helper` aistack wrote
(`aistack token --headers-json --telemetry`), Qwen Code sends to the relay, which adds it. The collector learns who
the user is from that token (the sandbox user's subject and email in its claims, from the org's issuer), and no
file in the HOME but aistack's 0600 session holds the token."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import peers
from support.http import Loopback, Reply
from support.sandbox_peer import claims, running_org

pytestmark = [pytest.mark.peer, pytest.mark.timeout(600)]

USER = {"sub": "demo", "email": "demo@example.com"}  # the sandbox org's demo user


def env_for(world: dict, name: str, **extra: str) -> dict[str, str]:
    env = peers.env_for(name, world["home"], {"PATH": f"{world['bin']}{os.pathsep}{os.environ['PATH']}",
                                              "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", **extra})
    for var in ("XDG_RUNTIME_DIR", "DBUS_SESSION_BUS_ADDRESS"):
        env.pop(var, None)
    return env


def aistack(world: dict, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run(["aistack", *args], capture_output=True, text=True, env=env_for(world, "claude"),
                          cwd=world["home"], stdin=subprocess.DEVNULL, timeout=120)
    assert done.returncode == 0, f"aistack {' '.join(args)}: exit {done.returncode}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    for name in ("claude", "codex"):
        if not peers.available(name):
            pytest.fail(f"{peers.PACKAGES[name]} is not installed: run `npm ci --prefix tests/node`")
    root = tmp_path_factory.mktemp("telemetry")
    home, bin_dir = root / "home", root / "bin"
    (home / "project").mkdir(parents=True)
    bin_dir.mkdir()
    shim = bin_dir / "aistack"  # what setup writes into the helpers: this checkout's aistack
    shim.write_text(f"#!/bin/sh\nexec '{sys.executable}' -m aistack \"$@\"\n")
    shim.chmod(0o755)
    receiver = Loopback(lambda seen: Reply(200, {}), token=None)  # checks nothing itself: the test reads it
    try:
        with running_org(root / "org", home) as org:
            profile = root / "org.toml"
            profile.write_text(Path(org["org_profile"]).read_text() + (
                f'\n[telemetry]\nendpoint = "{receiver.url}"\nprotocol = "http/json"\nauth = "token"\n'
                '[telemetry.headers]\nx-team = "platform"\n'))
            world = {"root": root, "home": home, "bin": bin_dir, "org": org, "receiver": receiver}
            aistack(world, "login", "--org", str(profile), "--device", "--insecure-storage")
            aistack(world, "setup", "claude-code", "codex")
            yield world
    finally:
        receiver.close()


def run_and_collect(world: dict, argv: list[str], name: str, agent: str, **extra: str) -> list:
    """Run one CLI request; the OTLP batches its exporter sent (by its user agent: Claude Code's is OpenTelemetry
    JavaScript's, Codex's OpenTelemetry Rust's), once its metrics arrived."""
    receiver = world["receiver"]
    mine = lambda: [s for s in receiver.seen if agent in s.headers.get("user-agent", "")]  # noqa: E731
    done = subprocess.run(argv, cwd=world["home"] / "project", env=env_for(world, name, **extra),
                          capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr + done.stdout
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not any(s.path == "/v1/metrics" for s in mine()):
        time.sleep(0.2)
    batches = mine()
    assert any(s.path == "/v1/metrics" for s in batches), (
        f"no metrics arrived; the receiver saw {[(s.path, s.headers.get('user-agent')) for s in receiver.seen]}\n"
        f"{done.stderr}")
    return batches


def resource_attributes(batch: dict, kind: str) -> list[dict[str, object]]:
    """Each resource's attributes in an OTLP/JSON export (`resourceMetrics` or `resourceLogs`)."""
    out = []
    for resource in batch.get(kind) or []:
        attrs = {}
        for attr in (resource.get("resource") or {}).get("attributes") or []:
            attrs[attr["key"]] = next(iter((attr.get("value") or {}).values()), None)
        out.append(attrs)
    return out


def metric_names(batch: dict) -> set[str]:
    return {m["name"] for r in batch.get("resourceMetrics") or [] for s in r.get("scopeMetrics") or []
            for m in s.get("metrics") or []}


def check_identity_and_no_secret(world: dict, batches: list) -> None:
    home = world["home"]
    sessions = list((home / ".local" / "share" / "aistack" / "auth").glob("session-*.json"))
    assert len(sessions) == 1, sessions
    token = json.loads(sessions[0].read_text())["access_token"]
    for seen in batches:
        assert seen.path in ("/v1/metrics", "/v1/logs", "/v1/traces"), seen.path
        assert seen.headers.get("content-type", "").startswith("application/json"), seen.headers
        assert seen.json() is not None, "an OTLP/JSON body"
        assert seen.headers.get("x-team") == "platform"  # the profile's static header, from the helper
        assert seen.headers.get("authorization") == f"Bearer {token}", seen.headers.get("authorization")
    who = claims(token)
    assert who["iss"] == world["org"]["issuer"] and {k: who.get(k) for k in USER} == USER, who
    # No secret at rest: the token is in no file of the HOME but aistack's own 0600 session.
    holders = [p for p in home.rglob("*") if p.is_file() and not p.is_symlink() and token.encode() in p.read_bytes()]
    assert holders == sessions, holders


def test_claude_code_exports_to_the_org_collector_with_the_users_token(world):
    # Only OTel's own export intervals shortened; nothing of the telemetry route comes from the environment.
    batches = run_and_collect(world, [str(peers.cli_path("claude")), "-p", "say hello"], "claude",
                              "OTel-OTLP-Exporter-JavaScript",
                              OTEL_METRIC_EXPORT_INTERVAL="1000", OTEL_LOGS_EXPORT_INTERVAL="1000")
    names = set().union(*(metric_names(s.json() or {}) for s in batches if s.path == "/v1/metrics"))
    assert "claude_code.session.count" in names, names
    check_identity_and_no_secret(world, batches)


def test_codex_exports_to_the_org_collector_with_the_users_token(world):
    batches = run_and_collect(world, [str(peers.cli_path("codex")), "exec", "--skip-git-repo-check", "say hello"],
                              "codex", "OTel-OTLP-Exporter-Rust")
    names = set().union(*(metric_names(s.json() or {}) for s in batches if s.path == "/v1/metrics"))
    assert any(n.startswith("codex.") for n in names), names
    assert any(s.path == "/v1/logs" for s in batches)
    check_identity_and_no_secret(world, batches)


def test_qwen_code_exports_through_the_relay_with_the_users_token(world, tmp_path):
    """Qwen Code (Gemini CLI's telemetry block) takes no OTLP headers from its settings: aistack points it at the
    relay, which forwards its OTLP/JSON (its `http` exporter is OpenTelemetry JS's exporter-*-otlp-http) to the
    collector with the user's fresh token and the static headers; its model traffic goes through the relay too."""
    from support.relay import free_port, running_relay

    home, receiver = world["home"], world["receiver"]
    port = free_port()
    dirs = {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"), "XDG_DATA_HOME": str(home / ".local" / "share"),
            "AISTACK_CONFIG_DIR": str(home / ".config" / "aistack"),
            "AISTACK_DATA_DIR": str(home / ".local" / "share" / "aistack"), "AISTACK_TOKEN": ""}
    done = subprocess.run(["aistack", "setup", "qwen-code"], capture_output=True, text=True,
                          env=env_for(world, "qwen", AISTACK_RELAY_PORT=str(port), AISTACK_RELAY_SERVICE="off"),
                          cwd=home, stdin=subprocess.DEVNULL, timeout=120)
    assert done.returncode == 0, done.stderr
    relay = f"http://127.0.0.1:{port}"
    assert json.loads((home / ".qwen" / "settings.json").read_text())["telemetry"]["otlpEndpoint"] == f"{relay}/otel"
    with running_relay(tmp_path / "relay.log", port, **dirs):
        env = env_for(world, "qwen", AISTACK_RELAY_PORT=str(port))
        env.pop("QWEN_TELEMETRY_ENABLED")  # the suite's offline default, which would override the settings
        before = len(receiver.seen)
        ran = subprocess.run([str(peers.cli_path("qwen")), "-p", "say hello"], cwd=home / "project", env=env,
                             capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)
        assert ran.returncode == 0, ran.stderr + ran.stdout
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not any(s.path == "/v1/metrics" for s in receiver.seen[before:]):
            time.sleep(0.2)
    batches = receiver.seen[before:]
    assert any(s.path == "/v1/metrics" for s in batches), (
        f"no metrics arrived; the receiver saw {[s.path for s in batches]}\n{ran.stderr}\n"
        f"{(tmp_path / 'relay.log').read_text(errors='replace')}")
    services = {a.get("service.name") for s in batches if s.path == "/v1/metrics"
                for a in resource_attributes(s.json() or {}, "resourceMetrics")}
    assert services == {"qwen-code"}, services
    check_identity_and_no_secret(world, batches)
