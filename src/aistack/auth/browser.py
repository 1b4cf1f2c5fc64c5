"""Whether a browser can be opened here, and opening one without ever blocking the login."""

from __future__ import annotations

import os
import shlex
import subprocess
import threading
from typing import Mapping


def can_open(environ: Mapping[str, str], platform: str) -> bool:
    """False on SSH, Codespaces and display-less Linux, where a browser would open elsewhere or in the terminal."""
    if environ.get("BROWSER"):
        return True  # the user named one
    if environ.get("SSH_CONNECTION") or environ.get("SSH_TTY") or environ.get("SSH_CLIENT"):
        return False
    if environ.get("CODESPACES") == "true":
        return False
    if platform == "linux":
        return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))
    return True


def _run_browser_var(command: str, url: str) -> None:
    # $BROWSER is a list of commands separated by os.pathsep; %s marks where the URL goes.
    first = command.split(os.pathsep)[0]
    args = shlex.split(first) if " " in first else [first]
    args = [a.replace("%s", url) for a in args] if any("%s" in a for a in args) else args + [url]
    subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def open_url(url: str, environ: Mapping[str, str], platform: str) -> bool:
    """Start opening `url` in a background thread; True when a browser is being tried."""
    if not can_open(environ, platform):
        return False
    command = environ.get("BROWSER")

    def launch() -> None:
        try:
            if command:
                _run_browser_var(command, url)
            else:
                import webbrowser

                webbrowser.open(url)
        except Exception:  # a browser that fails to start is not fatal: the URL is printed too
            pass

    threading.Thread(target=launch, name="aistack-browser", daemon=True).start()
    return True
