import json

import pytest

from aistack import profile as prof
from aistack.errors import AistackError
from aistack.paths import Env
from support import EXAMPLE_ORG
from support.http import Reply, Routes

BASE = """schema = 1
[org]
name = "Acme"
"""


def load_text(text, fmt="toml"):
    return prof.parse_text(text, "org.toml", fmt)


def test_example_profile_loads():
    p = prof.load(str(EXAMPLE_ORG))
    assert p.org_name == "Example Corp"
    assert p.auth.client_id == "aistack-cli"
    assert p.gateway.headers == {"cf-aig-collect-log-payload": "false"}
    assert [s.name for s in p.mcp_servers] == ["docs", "tickets", "git"]
    assert [s.kind for s in p.mcp_servers] == ["http", "sse", "stdio"]
    assert p.server("docs").auth == "token"
    assert p.gateway.token_value("t") == "Bearer t"


def test_json_profile_equivalent():
    p = prof.parse_text(json.dumps({"schema": 1, "org": {"name": "Acme"},
                                    "mcp_servers": [{"name": "a", "url": "https://x.example/mcp"}]}), "x.json")
    assert p.mcp_servers[0].url == "https://x.example/mcp"
    assert p.mcp_servers[0].auth == "none"


@pytest.mark.parametrize("text, fragment", [
    ("schema = 1\n[org\nname='x'", "not valid TOML"),
    ("schema = 2\n[org]\nname='x'", "unknown `schema` 2"),
    ("[org]\nname='x'", "`schema`"),
    ("schema = 1", "`org`"),
    (BASE + "[auth]\nclient_id = 'c'\n", "`auth.issuer`"),
    (BASE + "[auth]\nissuer = 'http://idp.example.com'\nclient_id = 'c'\n", "http:// is allowed only"),
    (BASE + "[auth]\nissuer = 'https://idp.example.com'\nclient_id = 5\n", "`auth.client_id` must be a non-empty string, got int"),
    (BASE + "[gateway]\nurl = 'ftp://x'\n", "`gateway.url`"),
    (BASE + "[gateway]\nurl = 'https://x.example'\nusage = 'datadog'\n", "`gateway.usage` must be one of"),
    (BASE + "[gateway]\nurl = 'https://x.example'\nheaders = {a = 1}\n", "`gateway.headers`"),
    (BASE + "[gateway]\nurl = 'https://x.example'\ntoken_header = 'bad header'\n", "token_header"),
    (BASE + "[gateway]\nurl = 'https://x.example'\nproviders = {azure = 'https://a.example'}\n", "unknown key `azure`"),
    (BASE + "[gatway]\nurl = 'https://x.example'\n", "unknown key `gatway`"),
    (BASE + "[[mcp_servers]]\nname = 'a b'\nurl = 'https://x.example'\n", "`mcp_servers[0].name`"),
    (BASE + "[[mcp_servers]]\nname = 'a'\nurl = 'https://x.example'\n[[mcp_servers]]\nname = 'A'\ncommand = 'x'\n",
     "used by another server"),
    (BASE + "[[mcp_servers]]\nname = 'a'\n", "either `url`"),
    (BASE + "[[mcp_servers]]\nname = 'a'\nurl = 'https://x.example'\ncommand = 'x'\n", "either `url`"),
    (BASE + "[[mcp_servers]]\nname = 'a'\nurl = 'https://x.example'\ntransport = 'ws'\n", "transport"),
    (BASE + "[[mcp_servers]]\nname = 'a'\ncommand = 'x'\nargs = 'y'\n", "`mcp_servers.a.args` must be a list"),
    (BASE + "[[mcp_servers]]\nname = 'a'\ncommand = 'x'\nauth = 'oauth'\n", "`mcp_servers.a.auth`"),
    ("mcp_servers = 3\n" + BASE, "`mcp_servers` must be an array"),
])
def test_malformed_profiles_name_the_key(text, fragment):
    with pytest.raises(AistackError) as e:
        load_text(text)
    assert fragment in str(e.value)
    assert "org.toml" in str(e.value)


def test_bad_json_names_line_and_column():
    with pytest.raises(AistackError, match=r"line 1, column \d+"):
        prof.parse_text('{"schema": 1,,}', "p.json", "json")


def test_http_allowed_only_for_loopback():
    p = load_text(BASE + "[gateway]\nurl = 'http://127.0.0.1:4000'\n")
    assert p.gateway.url == "http://127.0.0.1:4000"
    load_text(BASE + "[gateway]\nurl = 'http://[::1]:4000'\n")
    with pytest.raises(AistackError):
        load_text(BASE + "[gateway]\nurl = 'http://10.0.0.1:4000'\n")


def test_missing_file_is_usage_error(tmp_path):
    with pytest.raises(AistackError) as e:
        prof.load(str(tmp_path / "nope.toml"))
    assert e.value.exit_code == 2


def test_directory_profile_is_clear(tmp_path):
    with pytest.raises(AistackError, match="cannot be read"):
        prof.load(str(tmp_path))


def test_remembered_after_use(tmp_path):
    env = Env.current()
    assert prof.resolve(None, env, required=False) is None
    with pytest.raises(AistackError, match="no org profile"):
        prof.resolve(None, env)
    copy = tmp_path / "org.toml"
    copy.write_text(EXAMPLE_ORG.read_text())
    prof.resolve(str(copy), env)
    again = prof.resolve(None, env)
    assert again.org_name == "Example Corp"
    # A local profile that changed is re-read.
    copy.write_text(EXAMPLE_ORG.read_text().replace("Example Corp", "Renamed Corp"))
    assert prof.resolve(None, env).org_name == "Renamed Corp"
    # ...and the remembered copy serves when the file is gone.
    copy.unlink()
    assert prof.resolve(None, env).org_name == "Example Corp"


def test_invalid_profile_is_not_remembered(tmp_path):
    env = Env.current()
    bad = tmp_path / "bad.toml"
    bad.write_text("schema = 9\n")
    with pytest.raises(AistackError):
        prof.resolve(str(bad), env)
    assert not prof.remembered_path(env).exists()


@pytest.fixture
def profile_server(serve):
    """Serves whatever the test puts at /.well-known/aistack (a JSON body, or raw bytes)."""
    routes = Routes()
    return serve(routes, token=None), routes


def test_fetch_well_known(profile_server):
    server, routes = profile_server
    routes["/.well-known/aistack"] = {"schema": 1, "org": {"name": "Served"}}
    p = prof.resolve(server.url, Env.current())
    assert p.org_name == "Served"
    assert server.seen[-1].path == "/.well-known/aistack"
    assert p.source == server.url + "/.well-known/aistack"
    assert prof.resolve(None, Env.current()).org_name == "Served"


def test_fetch_errors(profile_server):
    server, routes = profile_server
    routes["/.well-known/aistack"] = Reply(404, {})
    with pytest.raises(AistackError, match="HTTP 404"):
        prof.load(server.url)
    routes["/.well-known/aistack"] = b"<html>"
    with pytest.raises(AistackError, match="not valid JSON"):
        prof.load(server.url)
    with pytest.raises(AistackError, match="must be an https:// URL"):
        prof.load("http://example.com")
