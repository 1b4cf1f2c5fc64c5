"""Under umask 000 every directory and file aistack keeps for itself (the login, the remembered org profile, the
usage cache) is still the user's alone: directories 0700, files 0600, set explicitly rather than left to the
umask. A real login against oidc-provider and a real `aistack usage` against a loopback gateway."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

import pytest

from support.http import TOKEN
from support.usage import litellm_app, metrics, write_profile

pytestmark = pytest.mark.peer


@pytest.fixture
def umask_000():
    old = os.umask(0)
    yield
    os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_login_and_remembered_profile_are_private_under_umask_000(provider, user, memory_keyring, tmp_path, cli,
                                                                  umask_000):
    org = tmp_path / "org.toml"
    org.write_text(f'schema = 1\n[org]\nname = "Acme"\n[auth]\nissuer = "{provider.issuer}"\n'
                   'client_id = "aistack-cli"\n')
    code, _, err = cli("login", "--org", str(org), "--device")
    assert code == 0, err
    config, data = Path(os.environ["AISTACK_CONFIG_DIR"]), Path(os.environ["AISTACK_DATA_DIR"])
    assert (mode(config), mode(config / "org.json")) == (0o700, 0o600)
    assert (mode(data), mode(data / "auth")) == (0o700, 0o700)
    sessions = list((data / "auth").glob("session-*.json"))
    assert sessions and all(mode(s) == 0o600 for s in sessions)


def test_usage_cache_is_private_under_umask_000(serve, tmp_path, cli, monkeypatch, umask_000):
    monkeypatch.setenv("AISTACK_TOKEN", TOKEN)
    gateway = serve(litellm_app([(date.today().isoformat(), "m", metrics(10, 1, 0, 0, 1, 0.1))]))
    org = write_profile(tmp_path, "litellm", gateway.url)
    code, _, err = cli("usage", "--org", str(org), "--json")
    assert code == 0, err
    cache = Path(os.environ["AISTACK_CACHE_DIR"])
    assert (mode(cache), mode(cache / "usage")) == (0o700, 0o700)
    files = list((cache / "usage").glob("*.json"))
    assert files and all(mode(f) == 0o600 for f in files)
