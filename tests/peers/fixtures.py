"""Pytest fixtures for tests against real peers: a real MCP server and a recording gateway.

Use them with `from peers.fixtures import gateway, mcp_server, mcp_server_factory, protected_mcp_server, token`
(all five: fixtures find each other by name in the test module; `answering_gateway` too where a prompt must run) in a test module, or
`pytest_plugins = ["peers.fixtures"]` in the top-level conftest. (Not a conftest.py of its own:
a second `conftest` module would shadow the top-level one that tests import from.)
"""

from __future__ import annotations

import secrets

import pytest

from . import gateway as _gateway
from . import mcp_server as _mcp_server


@pytest.fixture
def mcp_server_factory():
    """Start real MCP servers (streamable HTTP at /mcp, SSE at /sse); all stopped at teardown.

    `factory(verify=None)`: with `verify(token) -> bool` the server answers 401 unless the request
    carries `Authorization: Bearer <token>` that `verify` accepts.
    """
    started = []

    def factory(verify=None):
        server = _mcp_server.start(verify=verify)
        started.append(server)
        return server

    yield factory
    for server in started:
        server.stop()


@pytest.fixture
def mcp_server(mcp_server_factory):
    """An open MCP server."""
    return mcp_server_factory()


@pytest.fixture
def token():
    """A fresh token for this test (what `aistack token` will hand out)."""
    return "tok-" + secrets.token_hex(12)


@pytest.fixture
def protected_mcp_server(mcp_server_factory, token):
    """An MCP server that only answers `Authorization: Bearer <token>` (a fixed token for now)."""
    return mcp_server_factory(verify=lambda presented: secrets.compare_digest(presented, token))


@pytest.fixture
def gateway():
    gw = _gateway.start()
    yield gw
    gw.stop()


@pytest.fixture
def answering_gateway():
    """A recording gateway that answers chat completions (for cn and Cline, which connect only to run a prompt)."""
    gw = _gateway.start(answer=True)
    yield gw
    gw.stop()
