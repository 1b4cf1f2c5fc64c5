"""What a user installs (`pipx install .`, a wheel): the console script, the templates, and nothing of the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(REPO)],
                   check=True, capture_output=True, timeout=300)
    [built] = out.glob("aistack-*.whl")
    return built


def test_the_wheel_holds_the_package_and_its_templates(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"aistack/__main__.py", "aistack/templates/AGENTS.md.j2", "aistack/templates/CLAUDE.md.j2"} <= names
    assert not any(n.startswith(("tests/", "sandbox/", "bench/")) for n in names)
    [entry_points] = [n for n in names if n.endswith("entry_points.txt")]
    assert "aistack = aistack.__main__:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_the_installed_command_runs(wheel, tmp_path):
    """Installed from the wheel alone (its dependencies from this environment), `aistack` answers as typed."""
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    env = dict(os.environ, PYTHONPATH=str(site), HOME=str(tmp_path))
    script = site / "bin" / "aistack"
    done = subprocess.run([sys.executable, str(script), "--version"], capture_output=True, text=True, env=env,
                          cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.startswith("aistack "), done.stderr
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "Makefile").write_text("test:\n\tpytest -q\n")
    subprocess.run(["git", "-C", str(repo), "add", "Makefile"], check=True)
    done = subprocess.run([sys.executable, str(script), "init-repo", "--dry-run", str(repo)], capture_output=True,
                          text=True, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "AGENTS.md" in done.stdout and "make test" in done.stdout
    assert str(site) in subprocess.run([sys.executable, "-c", "import aistack; print(aistack.__file__)"],
                                       capture_output=True, text=True, env=env).stdout
