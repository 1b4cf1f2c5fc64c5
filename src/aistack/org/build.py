"""`aistack org build`: one org profile -> the static files a platform team publishes on the org's web host.

- `.well-known/aistack`: the profile as JSON, what `aistack login https://ORG` and `--org https://ORG` read. It is
  validated again here as a profile served from the org's URL (`--url`). A `templates.agents_md` that is a file
  beside the profile is published as `templates/NAME` and named by its URL there, since a profile served over the
  network may name only a template on its own origin.
- `.well-known/opencode`: what `opencode auth login https://ORG` reads (OpenCode 1.18: `auth.command` is run and its
  stdout kept as the token under the name `auth.env`; `config` is merged below every user's own config on each
  start). The command is `aistack token`; the config names the org's MCP servers the way `aistack setup --project`
  does (token-protected ones through `aistack mcp-bridge`, which fetches a fresh token per connection), so no
  token OpenCode stored at login is ever needed, or left to expire, in a request.
- `v0.1/servers/...`: a static subregistry in the shape of the MCP Registry's generic API (v0.1): the list at
  `v0.1/servers/index.json`, each server at `v0.1/servers/NAMESPACE/NAME/versions/latest/index.json` (and under its
  version), and its `server.json` (schema 2025-12-11) at `servers/NAME/server.json`. A token-protected server declares
  its token header as required and secret, with no value.

Pure: profile in, {relative path: bytes} out. Writing them is `aistack.org.write`.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from aistack.errors import AistackError
from aistack.profile import WELL_KNOWN, McpServer, Profile, validate

SERVER_SCHEMA = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"
OFFICIAL = "io.modelcontextprotocol.registry/official"
PUBLISHER = "io.modelcontextprotocol.registry/publisher-provided"
OPENCODE_SCHEMA = "https://opencode.ai/config.json"
OPENCODE_TOKEN_ENV = "AISTACK_OPENCODE_TOKEN"  # the name OpenCode keeps `auth.command`'s output under
DEFAULT_VERSION = "1.0.0"
TRANSPORTS = {"http": "streamable-http", "sse": "sse"}


def _json(data) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def namespace(profile: Profile, url: str | None) -> str:
    """The reverse-DNS namespace of the org's server names: the published URL's host, else the gateway's, else the
    IdP's (`ai.example.com` -> `com.example.ai`)."""
    for candidate in (url, profile.gateway.url if profile.gateway else None,
                      profile.auth.issuer if profile.auth else None):
        host = urlsplit(candidate).hostname if candidate else None
        if host:
            return ".".join(reversed(host.split(".")))
    raise AistackError(f"org profile {profile.source}: no host to name the org's MCP servers after.",
                       hint="Pass --url https://ORG (where the files are published).", exit_code=2)


def server_json(server: McpServer, profile: Profile, ns: str, version: str) -> dict:
    """The MCP Registry's server.json for one remote server of the profile; never a secret."""
    headers = [{"name": k, "value": v, "isRequired": True, "isSecret": False} for k, v in server.headers.items()]
    if server.auth == "token":
        header = profile.gateway.token_header if profile.gateway else "Authorization"
        scheme = "a bearer token (`Authorization: Bearer <token>`)" if header.lower() == "authorization" \
            else f"the bare token in {header}"
        headers.append({"name": header, "isRequired": True, "isSecret": True,
                        "description": f"{profile.org_name} sign-in: {scheme} from `aistack token`."})
    remote: dict = {"type": TRANSPORTS[server.transport], "url": server.url}
    if headers:
        remote["headers"] = headers
    description = f"{profile.org_name}: the org's MCP server {server.name}"
    return {
        "$schema": SERVER_SCHEMA,
        "name": f"{ns}/{server.name}",
        "description": description[:100],
        "version": version,
        "remotes": [remote],
        "_meta": {PUBLISHER: {"dev.aistack": {"org": profile.org_name, "server": server.name,
                                              "auth": server.auth}}},
    }


def opencode_document(profile: Profile) -> dict:
    """`/.well-known/opencode`: the login command and the org's MCP servers as OpenCode's config."""
    from aistack.assistants import opencode
    from aistack.assistants.base import Context
    from aistack.paths import Env

    # No relay (a file every engineer shares), the bare `aistack` on PATH, and the same entries for every OS (never
    # this machine's Windows `cmd /c` wrapping): what `aistack setup --project` writes.
    ctx = Context(env=Env(home=PurePosixPath("/"), platform="linux", commands={}), aistack="aistack")
    mcp = {s.name: opencode.server_entry(s, profile, ctx) for s in profile.mcp_servers}
    config: dict = {"$schema": OPENCODE_SCHEMA}
    if mcp:
        config["mcp"] = mcp
    return {"auth": {"command": ["aistack", "token"], "env": OPENCODE_TOKEN_ENV}, "config": config}


def published_profile(profile: Profile, url: str | None) -> tuple[dict, dict[str, bytes]]:
    """The profile as it is served, and the files it needs beside it: a template that is a file next to the profile
    is published under `templates/` and named by its URL. Validated again as a profile read from the org's URL."""
    from aistack.profile import agents_template

    raw, extra = dict(profile.raw), {}
    template = profile.templates.get("agents_md")
    if template and url is None:
        raise AistackError(
            f"org profile {profile.source}: `templates.agents_md` must be a URL on the org's own origin once"
            " published, and no --url says which origin that is.",
            hint="Pass --url https://ORG (where the files are published); nothing was written.", exit_code=2)
    if template and url is not None and "://" not in template:
        local = agents_template(profile)
        assert local is not None  # the profile names a template file
        path = Path(local)  # inside the profile's directory, or refused with the reason
        try:
            extra[f"templates/{path.name}"] = path.read_bytes()
        except OSError as e:
            raise AistackError(f"org profile {profile.source}: `templates.agents_md` {str(path)!r} cannot be read"
                               f" ({e.strerror or e.__class__.__name__}).",
                               hint="Fix the path in the profile; nothing was written.") from None
        raw["templates"] = {**raw["templates"], "agents_md": f"{url.rstrip('/')}/templates/{path.name}"}
    source = (url.rstrip("/") if url else "https://ORG") + WELL_KNOWN
    validate(raw, source)  # raises with the key, as aistack's loader will for every engineer
    return raw, extra


def build(profile: Profile, *, url: str | None = None, version: str = DEFAULT_VERSION) -> dict[str, bytes]:
    """Every file to publish, by its path relative to the web root."""
    raw, extra = published_profile(profile, url)
    files: dict[str, bytes] = {
        ".well-known/aistack": _json(raw),
        ".well-known/opencode": _json(opencode_document(profile)),
        **extra,
    }
    remote = [s for s in profile.mcp_servers if s.kind != "stdio"]
    ns = namespace(profile, url) if remote else ""
    entries = []
    for server in remote:
        doc = server_json(server, profile, ns, version)
        entry = {"server": doc, "_meta": {OFFICIAL: {"status": "active", "isLatest": True}}}
        entries.append(entry)
        files[f"servers/{server.name}/server.json"] = _json(doc)
        base = f"v0.1/servers/{doc['name']}/versions"
        files[f"{base}/latest/index.json"] = _json(entry)
        files[f"{base}/{version}/index.json"] = _json(entry)
        files[f"{base}/index.json"] = _json({"servers": [entry], "metadata": {"count": 1}})
    files["v0.1/servers/index.json"] = _json({"servers": entries, "metadata": {"count": len(entries)}})
    return files


def left_out(profile: Profile) -> list[str]:
    """What the registry cannot carry, for the command to say."""
    return [f"stdio server {s.name!r} is not in the registry (server.json describes packages and remote URLs, not a"
            f" command); it is in .well-known/aistack and .well-known/opencode"
            for s in profile.mcp_servers if s.kind == "stdio"]
