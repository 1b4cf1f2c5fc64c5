"""Keyring backends for tests: in memory (unit tests), and one that never answers (the timeout path).

The real Secret Service keyring is exercised in tests/auth/test_keyring.py under gnome-keyring.
"""

from __future__ import annotations

import threading

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    priority = 1  # counts as a secure backend for aistack's check

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.entries.get((service, username))

    def set_password(self, service, username, password):
        self.entries[(service, username)] = password

    def delete_password(self, service, username):
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")


class BlockingKeyring(KeyringBackend):
    """A keyring that hangs, as a locked keychain or a WSL D-Bus autolaunch does (cannot be produced here)."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def get_password(self, service, username):
        self.release.wait(60)

    def set_password(self, service, username, password):
        self.release.wait(60)

    def delete_password(self, service, username):
        self.release.wait(60)
