"""What each adapter writes from the profile's [telemetry] table: Claude Code's env and otelHeadersHelper, Codex's
[otel] table, Gemini CLI's and Qwen Code's telemetry block; skipped with the reason where an assistant cannot send
the collector what it wants without a secret at rest."""

from __future__ import annotations

import json

import pytest

from aistack.assistants import registry
from aistack.assistants.base import Context
from aistack.paths import Env
from aistack.profile import load

LINUX = Env(home="/home/u", environ={}, platform="linux")
BASE = 'schema = 1\n[org]\nname = "T"\n[auth]\nissuer = "https://idp.example.com"\nclient_id = "c"\n'


def profile(tmp_path, telemetry: str):
    path = tmp_path / "org.toml"
    path.write_text(BASE + "[telemetry]\n" + telemetry)
    return load(str(path))


RELAY = "http://127.0.0.1:24123"


def plan(name, org, relay=None):
    p = registry.get(name).plan(org, Context(env=LINUX, aistack="/opt/aistack/bin/aistack", relay=relay))
    return {e.path: (e.value, e.soft) for e in p.edits}, p


def test_claude_code_gets_otlp_env_and_a_headers_helper_for_the_token(tmp_path):
    org = profile(tmp_path, 'endpoint = "https://otel.example.com/"\nprotocol = "grpc"\nauth = "token"\n'
                            'log_prompts = true\n')
    edits, _ = plan("claude-code", org)
    assert edits[("env", "CLAUDE_CODE_ENABLE_TELEMETRY")] == ("1", "telemetry")
    assert edits[("env", "OTEL_EXPORTER_OTLP_ENDPOINT")][0] == "https://otel.example.com"
    assert edits[("env", "OTEL_EXPORTER_OTLP_PROTOCOL")][0] == "grpc"
    assert edits[("env", "OTEL_METRICS_EXPORTER")][0] == edits[("env", "OTEL_LOGS_EXPORTER")][0] == "otlp"
    assert edits[("env", "OTEL_LOG_USER_PROMPTS")][0] == "1"
    assert edits[("otelHeadersHelper",)] == ("/opt/aistack/bin/aistack token --headers-json --telemetry", "telemetry")


def test_claude_code_without_token_or_headers_needs_no_helper_and_logs_no_prompts(tmp_path):
    edits, _ = plan("claude-code", profile(tmp_path, 'endpoint = "https://otel.example.com"\n'))
    assert ("otelHeadersHelper",) not in edits and ("env", "OTEL_LOG_USER_PROMPTS") not in edits
    assert edits[("env", "OTEL_EXPORTER_OTLP_PROTOCOL")][0] == "http/protobuf"


def test_no_telemetry_table_writes_no_telemetry(tmp_path):
    path = tmp_path / "org.toml"
    path.write_text(BASE)
    org = load(str(path))
    for name in registry.names():
        edits, _ = plan(name, org)
        assert not any(soft == "telemetry" for _, soft in edits.values()), name


@pytest.mark.parametrize("protocol, kind, wire", [("http/protobuf", "otlp-http", "binary"),
                                                  ("http/json", "otlp-http", "json"), ("grpc", "otlp-grpc", None)])
def test_codex_otel_table(tmp_path, protocol, kind, wire):
    org = profile(tmp_path, f'endpoint = "https://otel.example.com"\nprotocol = "{protocol}"\n'
                            '[telemetry.headers]\nx-team = "platform"\n')
    edits, _ = plan("codex", org)
    otel, soft = edits[("otel",)]
    assert soft == "telemetry"
    logs, metrics = otel["exporter"], otel["metrics_exporter"]
    assert list(logs) == [kind] and logs[kind]["headers"] == {"x-team": "platform"}
    if wire:
        assert logs[kind]["endpoint"] == "https://otel.example.com/v1/logs" and logs[kind]["protocol"] == wire
        assert metrics[kind]["endpoint"] == "https://otel.example.com/v1/metrics"
    else:
        assert logs[kind]["endpoint"] == "https://otel.example.com" and "protocol" not in logs[kind]
    assert otel["log_user_prompt"] is False and "headers_helper" not in otel


def test_codex_sends_the_token_through_its_headers_helper(tmp_path):
    org = profile(tmp_path, 'endpoint = "https://otel.example.com"\nauth = "token"\n[telemetry.headers]\nx-team = "p"\n')
    edits, _ = plan("codex", org)
    otel = edits[("otel",)][0]
    assert otel["headers_helper"] == "/opt/aistack/bin/aistack token --headers-json --telemetry"
    assert otel["headers_helper_refresh_interval_ms"] == 60000
    assert "headers" not in otel["exporter"]["otlp-http"]  # the helper prints the static ones too


@pytest.mark.parametrize("name", ["gemini-cli", "qwen-code"])
def test_gemini_and_qwen_telemetry_block(tmp_path, name):
    edits, _ = plan(name, profile(tmp_path, 'endpoint = "https://otel.example.com"\nprotocol = "http/json"\n'
                                            'log_prompts = true\n'))
    block = {path[1]: value for path, (value, soft) in edits.items() if path[0] == "telemetry"}
    assert block == {"enabled": True, "target": "local", "otlpEndpoint": "https://otel.example.com",
                     "otlpProtocol": "http", "logPrompts": True}


@pytest.mark.parametrize("name", ["gemini-cli", "qwen-code"])
def test_gemini_and_qwen_send_the_token_through_the_relay(tmp_path, name):
    org = profile(tmp_path, 'endpoint = "https://otel.example.com"\nprotocol = "http/json"\nauth = "token"\n')
    edits, p = plan(name, org, relay=RELAY)
    assert edits[("telemetry", "otlpEndpoint")] == (f"{RELAY}/otel", "telemetry")
    assert edits[("telemetry", "otlpProtocol")][0] == "http" and not [s for s in p.skipped if "telemetry" in s]
    grpc = profile(tmp_path, 'endpoint = "https://otel.example.com"\nprotocol = "grpc"\nauth = "token"\n')
    edits, p = plan(name, grpc, relay=RELAY)
    assert ("telemetry", "otlpEndpoint") not in edits and any("not gRPC" in s for s in p.skipped), p.skipped


@pytest.mark.parametrize("name, telemetry, reason", [
    ("gemini-cli", 'protocol = "http/json"\nauth = "token"\n', "takes no OpenTelemetry headers"),  # no relay
    ("qwen-code", 'protocol = "http/json"\n[telemetry.headers]\nx-team = "p"\n', "takes no OpenTelemetry headers"),
    ("gemini-cli", 'protocol = "http/protobuf"\n', "not `http/protobuf`"),
    ("qwen-code", '', "not `http/protobuf`"),  # the profile's default protocol
])
def test_what_an_assistant_cannot_send_is_skipped_with_the_reason(tmp_path, name, telemetry, reason):
    edits, p = plan(name, profile(tmp_path, 'endpoint = "https://otel.example.com"\n' + telemetry))
    assert not any(soft == "telemetry" for _, soft in edits.values())
    assert any(s.startswith("telemetry:") and reason in s for s in p.skipped), p.skipped


def test_no_adapter_writes_a_credential_for_telemetry(tmp_path):
    org = profile(tmp_path, 'endpoint = "https://otel.example.com"\nauth = "token"\n')
    for name in registry.names():
        edits, _ = plan(name, org)
        text = json.dumps([v for v, soft in edits.values() if soft == "telemetry"])
        assert "Bearer" not in text and "Authorization" not in text, name
