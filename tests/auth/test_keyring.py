"""Where the refresh token lives: a real Secret Service keyring, the size limit, a keyring that hangs."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from aistack.auth import keystore, store
from support import aistack_cmd, subprocess_env
from support.keyrings_fake import BlockingKeyring, MemoryKeyring
from support.oidc_peer import browser_env, read_session, session_files


@pytest.fixture
def blocking_keyring(monkeypatch):
    import keyring
    from keyring.backends import fail

    backend = BlockingKeyring()
    keyring.set_keyring(backend)
    monkeypatch.setenv("AISTACK_KEYRING_TIMEOUT", "0.3")
    yield backend
    backend.release.set()
    keyring.set_keyring(fail.Keyring())


@pytest.mark.peer
def test_hanging_keyring_fails_fast_before_any_flow(cli, provider, user, blocking_keyring, tmp_path):
    started = time.monotonic()
    code, _, err = cli("login", str(provider.profile(tmp_path)), "--device")
    assert code == 1 and time.monotonic() - started < 5
    assert "the OS keyring did not answer within 0.3 s" in err and "AISTACK_KEYRING_TIMEOUT" in err
    assert "--insecure-storage" in err and "enter the code" not in err


@pytest.mark.peer
def test_hanging_keyring_during_refresh_is_bounded(cli, provider, user, memory_keyring, tmp_path, monkeypatch):
    import keyring

    assert cli("login", str(provider.profile(tmp_path)), "--device")[0] == 0
    path = session_files()[0]
    data = json.loads(path.read_text())
    data["expires_at"] = time.time() - 1
    path.write_text(json.dumps(data))
    hanging = BlockingKeyring()
    keyring.set_keyring(hanging)
    monkeypatch.setenv("AISTACK_KEYRING_TIMEOUT", "0.3")
    try:
        code, out, err = cli("token")
    finally:
        hanging.release.set()
    assert code == 1 and out == "" and "did not answer within 0.3 s (reading the refresh token)" in err


def test_long_refresh_token_is_sealed_under_the_windows_limit():
    """Entra-sized refresh tokens exceed a Windows credential: the keyring keeps a key, the file the ciphertext."""
    import keyring
    from keyring.backends import fail

    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    try:
        keys = keystore.Keystore()
        long_token = "0." + "A" * 3000
        data = {"issuer": "https://idp", "client_id": "c", "storage": "keyring", "has_refresh_token": True}
        store.put_refresh_token(data, long_token, keys)
        [entry] = memory.entries.values()
        assert len(entry) <= keystore.MAX_ENTRY and "sealed_refresh_token" in data
        assert long_token not in json.dumps(data) and "A" * 100 not in json.dumps(data)
        assert store.get_refresh_token(data, keys) == long_token
        short = "short-token"
        store.put_refresh_token(data, short, keys)
        assert "sealed_refresh_token" not in data and list(memory.entries.values()) == [short]
        assert store.get_refresh_token(data, keys) == short
    finally:
        keyring.set_keyring(fail.Keyring())


# -- a real Secret Service: gnome-keyring on a private D-Bus session --------------------------------------

@pytest.fixture
def secret_service(tmp_path):
    missing = [b for b in ("dbus-run-session", "gnome-keyring-daemon") if not shutil.which(b)]
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the real keyring test, but {missing} are missing (.ci/run installs them)")
        pytest.skip(f"needs {', '.join(missing)} (Debian packages gnome-keyring and dbus-x11; .ci/run installs them)")
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime))
    script = ('printf %s test-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null && '
              'echo "$DBUS_SESSION_BUS_ADDRESS" && exec sleep 300')
    proc = subprocess.Popen(["dbus-run-session", "--", "sh", "-c", script], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=env, start_new_session=True)
    address = proc.stdout.readline().strip()
    if not address:
        os.killpg(proc.pid, signal.SIGTERM)
        pytest.fail("gnome-keyring did not start on the private D-Bus session")
    yield {"DBUS_SESSION_BUS_ADDRESS": address, "XDG_RUNTIME_DIR": str(runtime)}
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(10)


def secret_service_get(env: dict, user_name: str) -> str | None:
    code = ("import sys; from keyring.backends.SecretService import Keyring; "
            "v = Keyring().get_password('aistack', sys.argv[1]); print('' if v is None else v)")
    done = subprocess.run([sys.executable, "-c", code, user_name], capture_output=True, text=True, env=env,
                          timeout=60, check=True)
    return done.stdout.strip() or None


def in_no_file(root, secret: str) -> None:
    files = [p for p in root.rglob("*") if p.is_file()]
    assert any(p.name.endswith(".keyring") for p in files)  # gnome-keyring's own (encrypted) store is among them
    assert [p for p in files if secret.encode() in p.read_bytes()] == []


@pytest.mark.peer
def test_real_secret_service_keyring_end_to_end(provider, secret_service, tmp_path):
    env = subprocess_env(**secret_service, **browser_env(tmp_path))
    env.pop("PYTHON_KEYRING_BACKEND")  # let keyring find the Secret Service like on a desktop
    org = provider.profile(tmp_path)

    def aistack(*args):
        return subprocess.run([*aistack_cmd(), *args], capture_output=True, text=True, env=env, timeout=120)

    done = aistack("login", str(org), "--device")
    assert done.returncode == 0, done.stderr
    assert "OS keyring (SecretService Keyring)" in done.stderr
    user_name = store.keyring_user(provider.issuer, "aistack-cli")
    refresh = secret_service_get(env, user_name)
    assert refresh  # stored in the Secret Service
    session = read_session()
    assert session["storage"] == "keyring" and session["keyring_backend"] == "SecretService Keyring"
    # The refresh token sits in no file under HOME or aistack's directories (gnome-keyring's file is encrypted).
    in_no_file(tmp_path, refresh)
    assert not (tmp_path / "home" / ".local" / "share" / "python_keyring").exists()
    # A refresh reads the token from the keyring and writes the rotated one back there.
    data = json.loads(session_files()[0].read_text())
    data["expires_at"] = time.time() - 1
    session_files()[0].write_text(json.dumps(data))
    done = aistack("token")
    assert done.returncode == 0, done.stderr
    assert provider.userinfo(done.stdout.strip()).status_code == 200
    rotated = secret_service_get(env, user_name)
    assert rotated and rotated != refresh
    in_no_file(tmp_path, rotated)
    done = aistack("status", "--json")
    assert json.loads(done.stdout)["refresh_token_stored"] is True
    done = aistack("logout")
    assert done.returncode == 0 and "Revoked the refresh token" in done.stderr
    assert secret_service_get(env, user_name) is None and session_files() == []
    assert provider.refresh(rotated).status_code == 400
