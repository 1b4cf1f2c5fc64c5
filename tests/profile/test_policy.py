"""The `[policy]` and `[telemetry]` tables: what they hold, and every bad value named with its key."""

import pytest

from aistack import profile as prof
from aistack.errors import AistackError
from support import EXAMPLE_ORG

BASE = """schema = 1
[org]
name = "Acme"
[[mcp_servers]]
name = "docs"
url = "https://mcp.acme.example/docs/mcp"
[[mcp_servers]]
name = "git"
command = "uvx"
args = ["mcp-server-git"]
"""


def load(extra: str) -> prof.Profile:
    return prof.parse_text(BASE + extra, "org.toml", "toml")


def test_the_example_profile_has_both_tables():
    p = prof.load(str(EXAMPLE_ORG))
    assert p.policy.servers == "org-and-user" and p.policy.deny_names == ["*-unofficial"]
    assert p.telemetry.endpoint == "https://otel.example.com" and p.telemetry.auth == "token"
    assert p.telemetry.log_prompts is False


def test_both_tables_are_optional():
    p = load("")
    assert p.policy is None and p.telemetry is None


def test_a_full_policy():
    p = load('[policy]\nservers = "org-only"\ndeny_names = ["shady*"]\ndeny_urls = ["https://*.paste.example/*"]\n'
             'deny_commands = ["curl"]\n[policy.tools]\ndocs = ["search", "read_page"]\n')
    assert p.policy.org_only and p.policy.tools == {"docs": ["search", "read_page"]}
    assert "deny_names" in p.policy.denies("Shady-Tools")
    assert "deny_urls" in p.policy.denies("x", url="https://bin.paste.example/mcp")
    assert "deny_commands" in p.policy.denies("x", command="/usr/bin/curl")
    assert "deny_commands" in p.policy.denies("x", command="C:\\tools\\curl.exe")
    assert p.policy.denies("docs", url="https://mcp.acme.example/docs/mcp", command=None) is None


def test_a_full_telemetry_table():
    p = load('[telemetry]\nendpoint = "https://otel.acme.example/"\nprotocol = "grpc"\nauth = "token"\n'
             'log_prompts = true\n[telemetry.headers]\nx-team = "platform"\n')
    t = p.telemetry
    assert (t.endpoint, t.protocol, t.auth, t.log_prompts, t.headers) == (
        "https://otel.acme.example", "grpc", "token", True, {"x-team": "platform"})


@pytest.mark.parametrize("extra, fragment", [
    ('[policy]\nservers = "everyone"\n', "`policy.servers` must be one of"),
    ('[policy]\nallow = ["x"]\n', "unknown key `allow` in `policy`"),
    ('[policy]\ndeny_names = "x"\n', "`policy.deny_names` must be a list of strings"),
    ('[policy]\ndeny_names = ["bad name"]\n', "`policy.deny_names[0]` must be a server name"),
    ('[policy]\ndeny_urls = ["pastebin"]\n', "`policy.deny_urls[0]` must be a URL pattern"),
    ('[policy]\ndeny_commands = [" npx"]\n', "`policy.deny_commands[0]` must be a program name"),
    ('[policy.tools]\nwiki = ["read"]\n', "`policy.tools.wiki` must be the name of one of the profile's"),
    ('[policy.tools]\ndocs = ["has space"]\n', "`policy.tools.docs[0]` must be an MCP tool name"),
    ('[policy]\ndeny_names = ["do*"]\n', "`mcp_servers.docs` must be allowed by the profile's own policy"),
    ('[policy]\ndeny_commands = ["uvx"]\n', "`mcp_servers.git` must be allowed by the profile's own policy"),
    ('[telemetry]\nprotocol = "grpc"\n', "`telemetry.endpoint` must be a non-empty string (it is missing)"),
    ('[telemetry]\nendpoint = "http://otel.acme.example"\n', "`telemetry.endpoint` must be an https:// URL"),
    ('[telemetry]\nendpoint = "https://o.example"\nprotocol = "udp"\n', "`telemetry.protocol` must be one of"),
    ('[telemetry]\nendpoint = "https://o.example"\nlog_prompts = "no"\n', "`telemetry.log_prompts` must be true or false"),
    ('[telemetry]\nendpoint = "https://o.example"\nauth = "oauth"\n', "`telemetry.auth` must be one of"),
    ('[telemetry]\nendpoint = "https://o.example"\n[telemetry.headers]\nAuthorization = "Bearer s3cret"\n',
     "`telemetry.headers.Authorization` must be absent: a credential does not belong"),
    ('[telemetry]\nendpoint = "https://o.example"\ncollector = "x"\n', "unknown key `collector` in `telemetry`"),
])
def test_bad_values_name_their_key(extra, fragment):
    with pytest.raises(AistackError) as caught:
        load(extra)
    assert fragment in str(caught.value)
    assert "org.toml" in str(caught.value)
    assert "s3cret" not in str(caught.value)
