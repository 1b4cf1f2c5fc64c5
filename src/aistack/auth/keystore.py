"""The OS keyring, every call bounded in time, never silently replaced by a plaintext backend.

keyring can hang (D-Bus autolaunch on WSL, a locked macOS keychain), so each call runs in a daemon
thread with a timeout. Windows credentials hold about 1,280 characters, so a longer secret is sealed
(AES-GCM) with a random key that lives in the keyring while the ciphertext lives in the 0600 session file.
"""

from __future__ import annotations

import base64
import os
import secrets
import threading
from typing import Any, Callable

from aistack.errors import AistackError

SERVICE = "aistack"
MAX_ENTRY = 1200  # characters per keyring entry (Windows: 2,560 bytes of UTF-16)
DEFAULT_TIMEOUT = 10.0
INSECURE_HINT = ("Unlock or start a keyring and try again, or run `aistack login --insecure-storage` to keep the "
                 "refresh token in a file only you can read (`aistack status` will say so).")


def timeout() -> float:
    try:
        return max(0.1, float(os.environ.get("AISTACK_KEYRING_TIMEOUT", DEFAULT_TIMEOUT)))
    except ValueError:
        return DEFAULT_TIMEOUT


def _bounded(fn: Callable[[], Any], what: str) -> Any:
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = fn()
        except BaseException as e:  # handed to the caller's thread
            result["error"] = e

    limit = timeout()
    worker = threading.Thread(target=target, name="aistack-keyring", daemon=True)
    worker.start()
    worker.join(limit)
    if worker.is_alive():
        raise AistackError(
            f"the OS keyring did not answer within {limit:g} s ({what}); keyrings can hang on WSL or while a "
            "keychain is locked.",
            hint="Unlock the keyring, or set AISTACK_KEYRING_TIMEOUT to wait longer, or use "
                 "`aistack login --insecure-storage`.")
    if "error" in result:
        raise _translate(result["error"], what)
    return result.get("value")


def _translate(error: BaseException, what: str) -> BaseException:
    if isinstance(error, AistackError):
        return error
    try:
        from keyring.errors import KeyringError, NoKeyringError
    except ImportError:  # pragma: no cover - keyring is a dependency
        return error
    if isinstance(error, NoKeyringError):
        return AistackError(f"no OS keyring is available ({what}).", hint=INSECURE_HINT)
    if isinstance(error, KeyringError):
        return AistackError(f"the OS keyring failed ({what}): {error.__class__.__name__}.", hint=INSECURE_HINT)
    return error


def _resolve_backend() -> Any:
    import keyring
    from keyring.backends.chainer import ChainerBackend

    backend = keyring.get_keyring()
    if isinstance(backend, ChainerBackend):
        # Writes go to the first chained backend and reads fall through to the others (a plaintext
        # file among them): use the first one directly so nothing lands anywhere else.
        chained = list(backend.backends)
        backend = chained[0] if chained else backend
    return backend


def describe(backend: Any) -> str:
    name = getattr(backend, "name", None) or type(backend).__name__
    return str(name)


class Keystore:
    """get/set/delete of aistack's entries in the one OS keyring backend, each call bounded in time."""

    def __init__(self) -> None:
        self._backend = None

    @property
    def backend(self) -> Any:
        if self._backend is None:
            self._backend = _bounded(_resolve_backend, "finding the keyring backend")
        return self._backend

    def require_secure(self) -> str:
        """The backend's name when it is a secure one; an explanation with --insecure-storage otherwise."""
        backend = self.backend
        module = type(backend).__module__
        priority = getattr(backend, "priority", 0)
        if module.startswith("keyrings.alt"):
            why = (f"the only keyring backend found is {describe(backend)} from keyrings.alt, which keeps secrets "
                   "in a plain file")
        elif module.startswith(("keyring.backends.fail", "keyring.backends.null")) or priority < 1:
            why = ("no secure OS keyring is available (on Linux that is a Secret Service such as GNOME Keyring or "
                   "KWallet on a D-Bus session, which headless, container and SSH sessions usually lack)")
        else:
            return describe(backend)
        raise AistackError(f"aistack will not store your refresh token: {why}.", hint=INSECURE_HINT)

    def get(self, user: str) -> str | None:
        value: str | None = _bounded(lambda: self.backend.get_password(SERVICE, user), "reading the refresh token")
        return value

    def set(self, user: str, secret: str) -> None:
        _bounded(lambda: self.backend.set_password(SERVICE, user, secret), "storing the refresh token")

    def delete(self, user: str) -> bool:
        def remove() -> bool:
            from keyring.errors import PasswordDeleteError

            try:
                self.backend.delete_password(SERVICE, user)
            except PasswordDeleteError:
                return False
            return True

        return bool(_bounded(remove, "deleting the refresh token"))


def seal(secret: str) -> tuple[str, str]:
    """(key for the keyring, ciphertext for the file) for a secret too long for one keyring entry."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    key = AESGCM.generate_key(bit_length=256)
    nonce = secrets.token_bytes(12)
    sealed = nonce + AESGCM(key).encrypt(nonce, secret.encode(), SERVICE.encode())
    return base64.b64encode(key).decode(), base64.b64encode(sealed).decode()


def unseal(key: str, sealed: str) -> str | None:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        raw = base64.b64decode(sealed)
        return AESGCM(base64.b64decode(key)).decrypt(raw[:12], raw[12:], SERVICE.encode()).decode()
    except (InvalidTag, ValueError):
        return None
