"""What many tests share, importable from any test as `support` (pyproject's pytest `pythonpath` puts tests/ on
sys.path): running this checkout's aistack, and the modules beside this one (the OpenID provider, git
repositories, an in-memory keyring, the sandbox org, the usage backends' servers)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_ORG = REPO / "examples" / "org.toml"


def aistack_cmd() -> list[str]:
    """The command that runs this checkout's aistack in a subprocess."""
    return [sys.executable, "-m", "aistack"]


def subprocess_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO / "src") + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def backup_of(path: Path) -> Path:
    """Where aistack keeps its one backup of a user's file: its data dir, named after the file's real path."""
    from aistack.engine.files import backup_path, resolve_target

    return backup_path(resolve_target(Path(path)), Path(os.environ["AISTACK_DATA_DIR"]))
