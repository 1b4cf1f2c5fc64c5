"""Telemetry edits through the whole setup: written beside the user's own settings, given way to the user's own
telemetry choice, taken out byte for byte by --remove; `aistack token --headers-json --telemetry`."""

from __future__ import annotations

import json

from support import EXAMPLE_ORG

ORG = str(EXAMPLE_ORG)  # [telemetry] with auth = "token"


def test_claude_code_telemetry_is_removed_exactly(cli, fake_home):
    settings = fake_home / ".claude" / "settings.json"
    settings.parent.mkdir(parents=True)
    raw = b'{\n  "model": "opus",\n  "env": {"FOO": "1"}\n}\n'
    settings.write_bytes(raw)
    assert cli("setup", "claude-code", "--org", ORG)[0] == 0
    written = json.loads(settings.read_text())
    assert written["env"]["FOO"] == "1" and written["env"]["OTEL_EXPORTER_OTLP_ENDPOINT"] == "https://otel.example.com"
    assert written["otelHeadersHelper"].endswith("token --headers-json --telemetry")
    assert cli("setup", "claude-code", "--remove")[0] == 0
    assert settings.read_bytes() == raw


def test_the_users_own_telemetry_choice_stays(cli, fake_home):
    settings = fake_home / ".claude" / "settings.json"
    settings.parent.mkdir(parents=True)
    settings.write_text('{"env": {"CLAUDE_CODE_ENABLE_TELEMETRY": "0"}}\n')
    code, _, err = cli("setup", "claude-code", "--org", ORG)
    assert code == 0, err
    written = json.loads(settings.read_text())
    assert written["env"]["CLAUDE_CODE_ENABLE_TELEMETRY"] == "0"
    assert "OTEL_EXPORTER_OTLP_ENDPOINT" not in written["env"] and "otelHeadersHelper" not in written
    assert "telemetry not set up" in err and "to send its telemetry to the org's collector instead" in err
    assert "route it through the gateway" not in err
    assert "apiKeyHelper" in written  # routing is a separate choice, still set up


def test_token_headers_for_the_collector(cli, fake_home, monkeypatch):
    monkeypatch.setenv("AISTACK_TOKEN", "tok")
    code, out, _ = cli("token", "--headers-json", "--telemetry", "--org", ORG)
    assert code == 0 and json.loads(out) == {"Authorization": "Bearer tok"}


def test_token_telemetry_bad_uses(cli, fake_home, tmp_path, monkeypatch):
    monkeypatch.setenv("AISTACK_TOKEN", "tok")
    code, _, err = cli("token", "--telemetry", "--org", ORG)
    assert code == 2 and "--telemetry goes with --headers-json" in err
    code, _, err = cli("token", "--headers-json", "--telemetry", "--server", "docs", "--org", ORG)
    assert code == 2 and "choose one of --server and --telemetry" in err
    bare = tmp_path / "bare.toml"
    bare.write_text('schema = 1\n[org]\nname = "T"\n[auth]\nissuer = "https://idp.example.com"\nclient_id = "c"\n')
    code, _, err = cli("token", "--headers-json", "--telemetry", "--org", str(bare))
    assert code == 2 and "no [telemetry] table" in err and "tok" not in err
