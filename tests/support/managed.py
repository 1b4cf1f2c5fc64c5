"""Managed (admin-owned) files for tests: `place` puts one under the test's AISTACK_MANAGED_ROOT; `root_dir` is a
directory an assistant trusts for its managed layer: Gemini CLI (0.61.0) reads system settings only when the
file and every directory above it belong to root and are not group/other-writable, which no directory under /tmp
(mode 1777) is. Made under the repository (root's, 0755, on CI) and removed after the test; skipped when the tests
do not run as root, since no such file can be made then."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def root_dir():
    if os.name == "nt" or os.geteuid() != 0:
        pytest.skip("a file only root can write needs the tests to run as root (CI does)")
    directory = Path(tempfile.mkdtemp(prefix=".managed-", dir=REPO))
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
