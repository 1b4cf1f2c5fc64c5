"""Every user path is redirected into tmp_path; no test touches the real HOME or credentials."""

from __future__ import annotations

import pytest

# The OpenID provider and scripted-browser fixtures; `serve`, the loopback HTTP server.
pytest_plugins = ["support.oidc_peer", "support.http", "support.managed"]


@pytest.fixture(autouse=True)
def fake_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USERPROFILE", str(home))
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "APPDATA", "LOCALAPPDATA",
                "AISTACK_TOKEN", "CODEX_HOME", "CLAUDE_CONFIG_DIR", "OPENCODE_CONFIG", "OPENCODE_CONFIG_CONTENT",
                "GEMINI_CLI_HOME", "ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "OPENAI_API_KEY", "GEMINI_API_KEY",
                "NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AISTACK_CONFIG_DIR", str(tmp_path / "aistack-config"))
    monkeypatch.setenv("AISTACK_DATA_DIR", str(tmp_path / "aistack-data"))
    monkeypatch.setenv("AISTACK_CACHE_DIR", str(tmp_path / "aistack-cache"))
    # Assistants' admin-owned files (/etc/claude-code, /etc/codex, /etc/gemini-cli) are read under this root.
    monkeypatch.setenv("AISTACK_MANAGED_ROOT", str(tmp_path / "managed-root"))
    monkeypatch.delenv("GEMINI_CLI_SYSTEM_SETTINGS_PATH", raising=False)
    monkeypatch.delenv("GEMINI_CLI_SYSTEM_DEFAULTS_PATH", raising=False)
    # No test may tell the real service manager (systemctl --user, launchctl) about a relay service.
    monkeypatch.setenv("AISTACK_RELAY_SERVICE", "off")
    monkeypatch.delenv("AISTACK_RELAY_PORT", raising=False)
    # No test may reach the real keyring; tests that need one install their own backend.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    for var in ("BROWSER", "DISPLAY", "WAYLAND_DISPLAY", "SSH_CONNECTION", "SSH_TTY", "SSH_CLIENT",
                "DBUS_SESSION_BUS_ADDRESS", "AISTACK_KEYRING_TIMEOUT", "AISTACK_DEBUG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)
    return home


@pytest.fixture
def cli(capsys):
    """Run the CLI in-process: returns (exit_code, stdout, stderr)."""
    from aistack.__main__ import main

    def invoke(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    return invoke


@pytest.fixture
def memory_keyring():
    """An in-memory keyring for in-process tests; the real one is never touched."""
    import keyring
    from keyring.backends import fail

    from support.keyrings_fake import MemoryKeyring

    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(fail.Keyring())
