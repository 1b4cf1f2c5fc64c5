"""`aistack setup` and the user's own entries, end to end: exact restores after --force, identical entries,
and gateway routing that gives way to the user's own choice."""

import json

import pytest

from support import EXAMPLE_ORG

ORG = str(EXAMPLE_ORG)


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode())
    return text.encode()


VSCODE_MCP = """{
  "servers": {
    // the docs server I build locally
    "docs": {
      "command": "my-docs", // keep --port
      "args": ["--port", "8080",],
    },
  },
}
"""

CODEX = """model = "o3"

[mcp_servers.git]
command = "git-mcp"  # my fork

[mcp_servers.git.env]
GITHUB_TOKEN = "${GITHUB_TOKEN}"
"""

GOOSE = """extensions:
  docs:
    name: docs
    cmd: my-docs
    args: [--port, "1"]
    enabled: true
    type: stdio
"""


@pytest.mark.parametrize("name, rel, text", [
    ("vscode", ".config/Code/User/mcp.json", VSCODE_MCP),
    ("codex", ".codex/config.toml", CODEX),
    ("goose", ".config/goose/config.yaml", GOOSE),
])
def test_force_then_remove_gives_back_the_same_bytes(cli, fake_home, name, rel, text):
    path = fake_home / rel
    raw = write(path, text)
    code, _, err = cli("setup", name, "--org", ORG)
    assert code == 1 and "conflict" in err
    code, _, err = cli("setup", name, "--force")
    assert code == 0, err
    code, _, err = cli("setup", name, "--remove")
    assert code == 0, err
    assert path.read_bytes() == raw


def test_an_entry_equal_to_aistacks_is_the_users_and_stays(cli, fake_home):
    path = fake_home / ".cursor" / "mcp.json"
    raw = write(path, '{\n  "mcpServers": {\n    "git": {"args": [ "mcp-server-git" ],   "command": "uvx"}\n  }\n}\n')
    code, _, err = cli("setup", "cursor", "--org", ORG)
    assert code == 0, err
    assert "`mcpServers.git` is already there as aistack would write it: yours, left as it is" in err
    assert "conflict" not in err
    code, out, _ = cli("setup", "--list", "--json")
    cursor = next(r for r in json.loads(out) if r["assistant"] == "cursor")
    assert "git" in cursor["servers"] and "git" not in cursor["managed"]
    code, _, err = cli("setup", "cursor", "--remove")
    assert code == 0, err
    assert path.read_bytes() == raw


GEMINI_GOOGLE = """{
  // signed in with my Google account
  "security": { "auth": { "selectedType": "oauth-personal" } },
  "ui": { "theme": "GitHub" }
}
"""


def test_gemini_with_google_sign_in_gets_its_servers_and_keeps_its_sign_in(cli, fake_home):
    path = fake_home / ".gemini" / "settings.json"
    raw = write(path, GEMINI_GOOGLE)
    code, _, err = cli("setup", "gemini-cli", "--org", ORG)
    assert code == 0, err
    settings = path.read_text()
    assert '"selectedType": "oauth-personal"' in settings and "gemini-api-key" not in settings
    assert '"docs"' in settings
    assert 'kept: `security.auth.selectedType` is "oauth-personal"' in err
    assert "aistack setup gemini-cli --force" in err
    code, _, err = cli("setup", "gemini-cli", "--force")
    assert code == 0 and '"selectedType": "gemini-api-key"' in path.read_text()
    assert cli("setup", "gemini-cli", "--remove")[0] == 0
    assert path.read_bytes() == raw


def test_geminis_older_spelling_is_the_same_setting(cli, fake_home):
    path = fake_home / ".gemini" / "settings.json"
    raw = write(path, '{\n  "selectedAuthType": "oauth-personal"\n}\n')
    code, _, err = cli("setup", "gemini-cli", "--org", ORG)
    assert code == 0, err
    assert "selectedType" not in path.read_text(), "no new spelling added beside the user's own"
    assert cli("setup", "gemini-cli", "--remove")[0] == 0
    assert path.read_bytes() == raw


def test_claude_code_with_its_own_base_url_gets_no_routing_at_all(cli, fake_home):
    settings = fake_home / ".claude" / "settings.json"
    write(settings, '{\n  "env": {\n    "ANTHROPIC_BASE_URL": "https://llm-proxy.internal.example"\n  }\n}\n')
    code, _, err = cli("setup", "claude-code", "--org", ORG)
    assert code == 0, err
    written = json.loads(settings.read_text())  # no apiKeyHelper either: the token would go to the user's proxy
    assert "apiKeyHelper" not in written and written["env"]["ANTHROPIC_BASE_URL"] == "https://llm-proxy.internal.example"
    assert {k for k in written["env"] if k.startswith("ANTHROPIC")} == {"ANTHROPIC_BASE_URL"}
    assert written["env"]["CLAUDE_CODE_ENABLE_TELEMETRY"] == "1"  # telemetry is not routing: it is set up
    assert "aistack setup claude-code --force" in err
    assert json.loads((fake_home / ".claude.json").read_text())["mcpServers"]["docs"]


def test_codex_with_its_own_provider_keeps_it(cli, fake_home):
    path = fake_home / ".codex" / "config.toml"
    raw = write(path, 'model_provider = "azure"\n\n[model_providers.azure]\nbase_url = "https://x.openai.azure.com"\n')
    code, _, err = cli("setup", "codex", "--org", ORG)
    assert code == 0, err
    text = path.read_text()
    assert text.startswith(raw.decode()) and "model_providers.aistack" not in text and "[mcp_servers.docs]" in text
    assert cli("setup", "codex", "--remove")[0] == 0
    assert path.read_bytes() == raw


@pytest.mark.parametrize("name, rel, text", [
    ("cursor", ".cursor/mcp.json", '{"mcpServers": {"docs": {"command": "x", "timeout": 1e400}}}\n'),
    ("cursor", ".cursor/mcp.json", '{"mcpServers": {"docs": {"command": "x", "note": "\\udc00"}}}\n'),
    ("codex", ".codex/config.toml", '[mcp_servers.git]\ncommand = "x"\nsince = 2024-05-01\nn = 0x10\n'),
    ("codex", ".codex/config.toml", 'mcp_servers.git = {command = "x", n = 0x10, f = 1e3}\n'),
    ("goose", ".config/goose/config.yaml",
     '%YAML 1.2\n---\nextensions:\n  docs: {cmd: x, n: 0x10, f: 1e3, e: ~}\n...\n'),
])
def test_force_over_values_no_json_record_can_hold(cli, fake_home, name, rel, text):
    path = fake_home / rel
    raw = write(path, text)
    code, _, err = cli("setup", name, "--org", ORG, "--force")
    assert code == 0, err
    code, _, err = cli("setup", name, "--remove")
    assert code == 0, err
    assert path.read_bytes() == raw


def test_goose_with_an_empty_extensions_map_before_a_blank_line(cli, fake_home):
    """Issue case: `extensions: {}`, a blank line, another key: setup, then --remove, gives the bytes back."""
    path = fake_home / ".config" / "goose" / "config.yaml"
    raw = write(path, "extensions: {}\n\nGOOSE_MODEL: gpt-4o\n")
    code, _, err = cli("setup", "goose", "--org", ORG)
    assert code == 0, err
    assert path.read_text().endswith("\n\nGOOSE_MODEL: gpt-4o\n")
    code, _, err = cli("setup", "goose", "--remove")
    assert code == 0, err
    assert path.read_bytes() == raw


def test_goose_extensions_through_an_alias_are_left_alone(cli, fake_home):
    path = fake_home / ".config" / "goose" / "config.yaml"
    raw = write(path, "defaults: &d\n  developer: {type: builtin}\nextensions: *d\n")
    code, _, err = cli("setup", "goose", "--org", ORG)
    assert code == 1 and "shared with other places" in err
    assert path.read_bytes() == raw
