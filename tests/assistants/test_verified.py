"""Each adapter's VERIFIED says how the suite checks it, and that stays true: a client is a pinned peer at that
version (tests/node/package.json, tests/peers), a schema is vendored (tests/configure/test_contract.py holds it to
SOURCES), and the README's "verified" column says the same."""

from __future__ import annotations

import json
import re

import peers
from aistack.assistants import registry
from support import REPO

CLIENT_VERIFIED = {n: v for n in registry.names() for v in registry.get(n).VERIFIED if v.by == "client"}


def test_every_client_named_is_a_pinned_peer_at_that_version():
    pins = json.loads((REPO / "tests" / "node" / "package.json").read_text())
    pinned = {**pins["dependencies"], **pins.get("optionalDependencies", {})}
    assert len(CLIENT_VERIFIED) >= 10
    for name, verified in CLIENT_VERIFIED.items():
        assert peers.VERSIONS[verified.what] == verified.version, name
        assert pinned[peers.PACKAGES[verified.what]] == verified.version, name
        installed = peers.installed_version(verified.what)
        assert installed in (None, verified.version), f"{name}: tests/node has {installed}: run `npm ci`"
        assert verified.what in peers.LIST_ARGS or verified.what == "cn", name  # the suite can read its view


def test_every_client_verified_assistant_is_run_after_a_real_setup():
    e2e = REPO / "tests" / "e2e"
    text = (e2e / "test_setup_real_clients.py").read_text() + (e2e / "test_setup_newer_clients.py").read_text()
    for name in CLIENT_VERIFIED:
        assert f'"{name}"' in text, f"{name}: no test runs its client on what `aistack setup {name}` wrote"


def test_the_readme_says_how_each_assistant_is_verified():
    rows = {}
    section = (REPO / "README.md").read_text().split("### Supported assistants", 1)[1].split("\n#", 1)[0]
    for line in section.splitlines():
        m = re.match(r"^\| .*?\(`([a-z-]+)`[;)].*\| ([^|]+) \|$", line)
        if m:
            rows[m[1]] = m[2].strip()
    assert set(rows) == set(registry.names())
    for name in registry.names():
        first = registry.get(name).VERIFIED[0]
        cell = rows[name]
        expected = {"client": f"client: {first.what} {first.version}", "schema": "schema",
                    "docs": "documentation"}[first.by]
        assert cell.startswith(expected), (name, cell)
        assert ("schema" in cell) == any(v.by == "schema" for v in registry.get(name).VERIFIED), (name, cell)
