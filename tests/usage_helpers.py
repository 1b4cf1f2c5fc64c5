"""Fixtures shared by the usage tests: loopback servers closed after each test, org profiles pointing at them."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from usage_servers import TOKEN, Loopback


def jwt(claims: dict) -> str:
    """An unsigned JWT-shaped token (the servers compare it verbatim; aistack only reads its claims)."""
    enc = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()  # noqa: E731
    return f"{enc({'alg': 'none'})}.{enc(claims)}.sig"


@pytest.fixture
def serve():
    servers: list[Loopback] = []

    def start(app, token: str | None = TOKEN, header: str = "Authorization") -> Loopback:
        srv = Loopback(app, token=token, header=header)
        servers.append(srv)
        return srv

    yield start
    for srv in servers:
        srv.close()


def write_profile(tmp_path: Path, usage: str, usage_url: str, options: dict | None = None,
                  token_header: str = "Authorization") -> Path:
    lines = ["schema = 1", "[org]", 'name = "Example Corp"', "[gateway]", 'url = "https://ai.example.com"',
             f'usage = "{usage}"', f'usage_url = "{usage_url}"', f'token_header = "{token_header}"']
    if options:
        lines.append("[gateway.usage_options]")
        lines += [f"{k} = {json.dumps(v)}" for k, v in options.items()]
    path = tmp_path / "org.toml"
    path.write_text("\n".join(lines) + "\n")
    return path
