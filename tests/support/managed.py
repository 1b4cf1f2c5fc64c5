"""Managed (admin-owned) files for tests: `place` puts one under the test's AISTACK_MANAGED_ROOT; `root_dir` is a
directory an assistant trusts for its managed layer: Gemini CLI (0.61.0) reads system settings only when the
file and every directory above it belong to root and are not group/other-writable, which no directory under /tmp
(mode 1777) is. Made under the checkout or root's home, and removed after the test; skipped when the tests
do not run as root, since no such file can be made then."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _roots_alone(path: Path) -> bool:
    """`path` and every directory above it owned by root and not writable by group or others (Gemini's rule)."""
    for p in (path, *path.parents):
        st = p.stat()
        if st.st_uid != 0 or st.st_mode & 0o022:
            return False
    return True


@pytest.fixture
def root_dir():
    """A fresh directory Gemini trusts: under the checkout when its ancestry is root's alone, else under root's
    home (a checkout under /tmp, mode 1777, is not); skipped when neither is."""
    if os.name == "nt" or os.geteuid() != 0:
        pytest.skip("a file only root can write needs the tests to run as root (CI does)")
    import pwd

    home = Path(pwd.getpwuid(0).pw_dir)  # root's own, not the test's HOME
    parent = next((p for p in (REPO, home) if p.is_dir() and _roots_alone(p)), None)
    if parent is None:
        pytest.skip(f"neither {REPO} nor {home} is root's alone, as Gemini CLI wants of its system settings")
    directory = Path(tempfile.mkdtemp(prefix=".aistack-managed-", dir=parent))
    os.chmod(directory, 0o755)
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def place(tmp_path: Path, absolute: str, text: str) -> Path:
    """The managed file `absolute` (as the assistant names it) under tests/conftest.py's AISTACK_MANAGED_ROOT."""
    path = tmp_path / "managed-root" / absolute.lstrip("/")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path
