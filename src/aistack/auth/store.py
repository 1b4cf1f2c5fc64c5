"""A login on disk: the 0600 session file (who, endpoints, the cached access token) and the refresh token.

The refresh token lives in the OS keyring (storage "keyring") or, only with --insecure-storage, in the
session file (storage "file"). The session file never holds it in the clear otherwise.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from aistack.auth import keystore
from aistack.auth.fast import session_name
from aistack.errors import AistackError
from aistack.paths import Env, private_dir

VERSION = 1


def session_path(env: Env, issuer: str, client_id: str) -> Path:
    return Path(env.data_dir()) / "auth" / session_name(issuer, client_id)


def keyring_user(issuer: str, client_id: str) -> str:
    return f"{client_id}@{issuer.rstrip('/')}"


def load(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        raise AistackError(f"the login record {path} is damaged.",
                           hint="Run `aistack logout`, then `aistack login`.") from None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise AistackError(f"the login record {path} is damaged or from another aistack version.",
                           hint="Run `aistack logout`, then `aistack login`.")
    return data


def save(path: Path, data: dict[str, Any]) -> None:
    from aistack.engine.files import atomic_write

    private_dir(path.parent.parent, path.parent.name)  # the data dir and auth/: 0700 whatever the umask
    atomic_write(path, json.dumps(data, indent=2) + "\n", mode=0o600)
    if os.name != "nt":
        os.chmod(path, 0o600)


def put_refresh_token(data: dict[str, Any], token: str | None, keys: keystore.Keystore | None) -> None:
    """Record the (new) refresh token in `data` and, for keyring storage, in the keyring first."""
    data.pop("refresh_token", None)
    data.pop("sealed_refresh_token", None)
    if token is None:
        return
    if data["storage"] == "file":
        data["refresh_token"] = token
        return
    assert keys is not None
    user = keyring_user(data["issuer"], data["client_id"])
    if len(token) <= keystore.MAX_ENTRY:
        keys.set(user, token)
    else:
        key, sealed = keystore.seal(token)
        keys.set(user, key)
        data["sealed_refresh_token"] = sealed


def get_refresh_token(data: dict[str, Any], keys: keystore.Keystore | None) -> str | None:
    if data.get("storage") == "file":
        token = data.get("refresh_token")
        return token if isinstance(token, str) and token else None
    if not data.get("has_refresh_token"):
        return None
    assert keys is not None
    secret = keys.get(keyring_user(data["issuer"], data["client_id"]))
    if secret is None:
        return None
    sealed = data.get("sealed_refresh_token")
    return keystore.unseal(secret, sealed) if isinstance(sealed, str) else secret


def delete(path: Path, data: dict[str, Any] | None, keys: keystore.Keystore | None) -> None:
    """Every local credential of this login: the keyring entry, then the session file."""
    if data is not None and data.get("storage") == "keyring" and keys is not None:
        keys.delete(keyring_user(data["issuer"], data["client_id"]))
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def storage_label(data: dict[str, Any], path: Path) -> str:
    if data.get("storage") == "file":
        return f"file {path} (insecure storage: mode 0600, not encrypted)"
    return f"OS keyring ({data.get('keyring_backend', 'unknown backend')})"
