"""`aistack policy render`: each assistant's managed documents (structure), the .mobileconfig, the .reg files."""

from __future__ import annotations

import base64
import json
import plistlib
import re
import tomllib

import pytest

from aistack.assistants import claude_code, codex, copilot_cli, gemini_cli, qwen_code, windsurf
from aistack.errors import AistackError
from aistack.policy.render import render, write
from aistack.profile.schema import validate


def profile(servers="org-only", deny_names=("evil", "*-unofficial"), deny_urls=("https://*.paste.example/*",),
            tools=None, **extra):
    return validate({
        "schema": 1, "org": {"name": "Policy Corp"},
        "mcp_servers": [
            {"name": "docs", "url": "https://mcp.policy.example/docs", "transport": "http", "auth": "token"},
            {"name": "events", "url": "https://mcp.policy.example/sse", "transport": "sse"},
            {"name": "git", "command": "uvx", "args": ["mcp-server-git"]},
        ],
        "policy": {"servers": servers, "deny_names": list(deny_names), "deny_urls": list(deny_urls),
                   **({"tools": tools} if tools else {})},
        **extra,
    }, "test")


def test_claude_code_org_only():
    docs = claude_code.managed(profile())
    settings, mcp = docs["managed-settings"], docs["managed-mcp"]
    assert settings["allowManagedMcpServersOnly"] is True
    assert settings["allowedMcpServers"] == [{"serverName": "docs"}, {"serverName": "events"}, {"serverName": "git"}]
    # claude 2.1.332: serverName is compared verbatim (no wildcard), so `*-unofficial` is not rendered
    assert settings["deniedMcpServers"] == [{"serverName": "evil"}, {"serverUrl": "https://*.paste.example/*"}]
    assert all(len(entry) == 1 for entry in settings["deniedMcpServers"] + settings["allowedMcpServers"])
    assert set(mcp["mcpServers"]) == {"docs", "events", "git"}
    assert mcp["mcpServers"]["docs"]["headersHelper"] == "aistack token --headers-json --server docs"
    assert mcp["mcpServers"]["git"] == {"type": "stdio", "command": "uvx", "args": ["mcp-server-git"], "env": {}}


def test_claude_code_org_and_user_denies_only():
    docs = claude_code.managed(profile("org-and-user"))
    assert set(docs) == {"managed-settings"}
    assert set(docs["managed-settings"]) == {"deniedMcpServers"}


def test_codex_allows_by_identity_only_when_org_only():
    assert codex.managed(profile("org-and-user")) == {}
    req = codex.managed(profile())["requirements"]
    assert req == {"mcp_servers": {"docs": {"identity": {"url": "https://mcp.policy.example/docs"}},
                                   "git": {"identity": {"command": "uvx"}}}}  # no SSE in Codex


def test_gemini_and_qwen_system_settings():
    p = profile(tools={"docs": ["search", "read_page"]})
    g = gemini_cli.managed(p)["system-settings"]
    assert g["mcp"] == {"allowed": ["docs", "events", "git"], "excluded": ["evil"]}
    assert g["mcpServers"]["docs"]["includeTools"] == ["search", "read_page"]
    assert g["mcpServers"]["docs"]["command"] == "aistack"  # a token server, machine-wide: through the bridge
    q = qwen_code.managed(p)["system-settings"]
    assert q["mcp"] == {"allowed": ["docs", "events", "git"], "excluded": ["evil", "*-unofficial"]}  # Qwen: globs
    assert q["mcpServers"]["events"] == {"url": "https://mcp.policy.example/sse"}
    assert "mcp" not in gemini_cli.managed(profile("org-and-user", deny_names=()))["system-settings"]


def test_no_layer_and_no_policy():
    assert copilot_cli.managed(profile()) == {}
    bare = validate({"schema": 1, "org": {"name": "X"}}, "t")
    assert all(m.managed(bare) == {} for m in (claude_code, codex, gemini_cli, qwen_code))
    with pytest.raises(AistackError, match=r"no \[policy\] table"):
        render(bare)


def test_bad_policy_input_is_refused_by_name():
    with pytest.raises(AistackError, match="policy.servers"):
        profile("everyone")
    with pytest.raises(AistackError, match=r"policy.deny_urls\[0\]"):
        profile(deny_urls=("not a url",))
    with pytest.raises(AistackError, match="policy.tools.nope"):
        profile(tools={"nope": ["x"]})


def test_render_tree(tmp_path):
    out = render(profile())
    write(out, tmp_path)
    linux = tmp_path / "linux"
    assert json.loads((linux / "etc/claude-code/managed-settings.json").read_text())["allowManagedMcpServersOnly"]
    assert tomllib.loads((linux / "etc/codex/requirements.toml").read_text()) == codex.managed(profile())["requirements"]
    assert (linux / "etc/gemini-cli/settings.json").exists() and (linux / "etc/qwen-code/settings.json").exists()
    assert (tmp_path / "darwin/Library/Application Support/ClaudeCode/managed-mcp.json").exists()
    assert (tmp_path / "win32/ProgramData/gemini-cli/settings.json").exists()
    readme = (linux / "README.md").read_text()
    assert "`etc/codex/requirements.toml` -> `/etc/codex/requirements.toml`" in readme
    assert "GEMINI_CLI_SYSTEM_SETTINGS_PATH" in readme
    assert "reg import claude-code-managed-settings.reg" in (tmp_path / "win32/README.md").read_text()
    steps = (tmp_path / "DASHBOARDS.md").read_text()
    assert "## Windsurf" in steps and "## Cursor" in steps and "## Devin" in steps


def test_windsurf_steps_are_anchored_regexes():
    steps = windsurf.admin_steps(profile())
    assert any(r"command regex `^uvx$`, arguments regex `^mcp\-server\-git$`" in s for s in steps)
    assert any(r"server URL regex `^https://mcp\.policy\.example/docs$`" in s for s in steps)
    for s in steps:
        for regex in re.findall(r"regex `([^`]*)`", s):
            assert re.compile(regex)


def test_mobileconfig_is_a_profile_with_each_domain():
    data = render(profile()).files["darwin/aistack-policy.mobileconfig"]
    top = plistlib.loads(data)
    for key in ("PayloadContent", "PayloadIdentifier", "PayloadUUID", "PayloadType", "PayloadVersion"):
        assert key in top
    assert top["PayloadType"] == "Configuration" and top["PayloadVersion"] == 1
    by_type = {p["PayloadType"]: p for p in top["PayloadContent"]}
    assert set(by_type) == {"com.anthropic.claudecode", "com.openai.codex"}
    for payload in by_type.values():
        for key in ("PayloadIdentifier", "PayloadUUID", "PayloadVersion"):
            assert key in payload
        assert re.fullmatch(r"[0-9A-F-]{36}", payload["PayloadUUID"])
    claude = by_type["com.anthropic.claudecode"]
    assert claude["allowedMcpServers"] == [{"serverName": "docs"}, {"serverName": "events"}, {"serverName": "git"}]
    toml_text = base64.b64decode(by_type["com.openai.codex"]["requirements_toml_base64"]).decode()
    assert tomllib.loads(toml_text)["mcp_servers"]["docs"]["identity"]["url"] == "https://mcp.policy.example/docs"
    assert render(profile()).files["darwin/aistack-policy.mobileconfig"] == data  # stable UUIDs: same bytes


def parse_reg(data: bytes) -> dict[str, dict[str, str]]:
    """A strict reader of the .reg format regedit writes: a UTF-16LE BOM, the version header, then [KEY] lines
    and "name"="string" values (escaped \\\\ and \\"), CRLF line ends."""
    assert data[:2] == b"\xff\xfe", "regedit's files start with a UTF-16LE byte order mark"
    text = data[2:].decode("utf-16-le")
    assert "\n" not in text.replace("\r\n", ""), "lines end in CRLF"
    lines = text.split("\r\n")
    assert lines[0] == "Windows Registry Editor Version 5.00" and lines[1] == ""
    keys: dict[str, dict[str, str]] = {}
    current = None
    value = re.compile(r'^"((?:[^"\\]|\\.)*)"="((?:[^"\\]|\\.)*)"$')
    for line in lines[2:]:
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            current = keys.setdefault(line[1:-1], {})
            continue
        m = value.match(line)
        assert m and current is not None, f"not a key or a string value: {line!r}"
        unescape = lambda s: re.sub(r"\\(.)", r"\1", s)  # noqa: E731
        current[unescape(m[1])] = unescape(m[2])
    return keys


def test_reg_file_holds_the_managed_settings():
    files = render(profile()).files
    keys = parse_reg(files["win32/claude-code-managed-settings.reg"])
    assert list(keys) == ["HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\ClaudeCode"]
    settings = json.loads(keys["HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\ClaudeCode"]["Settings"])
    assert settings == claude_code.managed(profile())["managed-settings"]


def test_reg_parser_rejects_what_regedit_would_not_write():
    good = render(profile()).files["win32/claude-code-managed-settings.reg"]
    with pytest.raises(AssertionError):
        parse_reg(good[2:])  # no BOM
    with pytest.raises(AssertionError):
        parse_reg(good.decode("utf-16").encode("utf-8"))  # not UTF-16
    with pytest.raises(AssertionError):
        parse_reg(("\ufeffWindows Registry Editor Version 5.00\r\n\r\n[K]\r\n\"a\"=\"b\"c\"\r\n").encode("utf-16-le"))
