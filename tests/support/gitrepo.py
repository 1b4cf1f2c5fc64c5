"""Real git repositories in temporary directories, for init-repo tests and benchmarks."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

IDENTITY = {"GIT_AUTHOR_NAME": "Test Author", "GIT_AUTHOR_EMAIL": "author@example.com",
            "GIT_COMMITTER_NAME": "Test Author", "GIT_COMMITTER_EMAIL": "author@example.com"}


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")


def make_repo(root: Path, files: dict[str, str | bytes], commit: bool = True) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    write(root, files)
    if files:
        git(root, "add", "-A")
        if commit:
            git(root, "commit", "-q", "-m", "initial")
    return root


def pkg(name: str, scripts: dict[str, str] | None = None, **extra) -> str:
    return json.dumps({"name": name, "version": "1.0.0", "scripts": scripts or {}, **extra}, indent=2) + "\n"


# One repository per ecosystem the issue lists.
ECOSYSTEMS: dict[str, dict[str, str]] = {
    "pnpm-workspace": {
        "package.json": pkg("mono", {"build": "turbo run build", "test": "turbo run test", "lint": "eslint ."},
                            packageManager="pnpm@9.12.0"),
        "pnpm-workspace.yaml": "packages:\n  - 'apps/*'\n  - 'packages/*'\n  - '!packages/skip-*'\n",
        "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
        "apps/web/package.json": pkg("@mono/web", {"dev": "next dev", "test": "vitest run", "typecheck": "tsc -b"}),
        "apps/web/src/index.ts": "export {}\n",
        "packages/ui/package.json": pkg("@mono/ui", {"build": "tsup", "test": "vitest run"}),
        "packages/ui/src/button.tsx": "export {}\n",
        "packages/skip-me/package.json": pkg("skipped"),
        "apps/web/node_modules/leftpad/package.json": pkg("leftpad", {"test": "should never be read"}),
    },
    "npm": {
        "package.json": pkg("svc", {"test": "jest", "lint": "eslint .", "format": "prettier -w .",
                                    "start": "node index.js", "pretest": "echo pre", "release": "np"},
                            engines={"node": ">=20"}),
        "package-lock.json": "{}\n",
        "index.js": "console.log(1)\n",
    },
    "yarn": {
        "package.json": pkg("app", {"test": "jest", "build": "webpack", "lint:css": "stylelint ."}),
        "yarn.lock": "# yarn lockfile v1\n",
        "src/app.js": "\n",
    },
    "uv": {
        "pyproject.toml": ('[project]\nname = "svc"\nrequires-python = ">=3.11"\n\n'
                           '[dependency-groups]\ndev = ["pytest>=8", "ruff", "mypy"]\n\n'
                           "[tool.pytest.ini_options]\naddopts = \"-q\"\n\n[tool.ruff]\nline-length = 100\n\n"
                           "[tool.ruff.format]\n\n[tool.mypy]\nstrict = true\nfiles = [\"src\"]\n"),
        "uv.lock": 'version = 1\n\n[[package]]\nname = "pytest"\n\n[[package]]\nname = "ruff"\n',
        "src/svc/__init__.py": "",
    },
    "poetry": {
        "pyproject.toml": ('[tool.poetry]\nname = "lib"\nversion = "0.1.0"\n\n'
                           '[tool.poetry.group.dev.dependencies]\npytest = ">=8"\nblack = "*"\n\n'
                           "[tool.black]\nline-length = 88\n\n[tool.pytest.ini_options]\n"),
        "poetry.lock": "# poetry\n",
        "tox.ini": "[tox]\nenvlist = py311, lint\n\n[testenv:lint]\ncommands = flake8\n",
        "lib/__init__.py": "",
    },
    "go-make": {
        "go.mod": "module example.com/svc\n\ngo 1.22\n",
        "main.go": "package main\n",
        "Makefile": (".PHONY: build test lint\n\nbuild:\n\tgo build ./...\n\ntest: build\n\tgo test -race ./...\n\n"
                     "lint:\n\tgolangci-lint run\n\nVERSION := 1.0\n%.o: %.c\n\tcc $<\n"),
        ".golangci.yml": "linters:\n  enable: [govet]\n",
    },
    "rust-workspace": {
        "Cargo.toml": '[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n',
        "crates/core/Cargo.toml": '[package]\nname = "core"\nversion = "0.1.0"\nrust-version = "1.75"\n',
        "crates/core/src/lib.rs": "\n",
        "crates/cli/Cargo.toml": '[package]\nname = "cli"\nversion = "0.1.0"\n',
        "crates/cli/src/main.rs": "fn main() {}\n",
        "rustfmt.toml": "edition = \"2021\"\n",
        "target/debug/Cargo.toml": "[package]\nname = 'never-read'\n",
    },
    "gradle": {
        "settings.gradle.kts": 'rootProject.name = "shop"\ninclude("app", "lib")\n',
        "build.gradle.kts": "plugins { java }\n",
        "app/build.gradle.kts": "plugins { application }\n",
        "lib/build.gradle.kts": "plugins { `java-library` }\n",
        "gradlew": "#!/bin/sh\n",
        "app/src/main/java/App.java": "class App {}\n",
    },
    "make-only": {
        "Makefile": "all: build\n\nbuild:\n\tcc -o app app.c\n\ncheck:\n\t./run-tests.sh\n\nclean:\n\trm -f app\n",
        "app.c": "int main(void){return 0;}\n",
    },
    "polyglot": {
        "package.json": pkg("web", {"test": "vitest", "build": "vite build"}),
        "package-lock.json": "{}\n",
        "pyproject.toml": '[project]\nname = "api"\n\n[dependency-groups]\ntest = ["pytest"]\n\n[tool.pytest.ini_options]\n',
        "go.mod": "module example.com/tool\n\ngo 1.23\n",
        "justfile": "default:\n  just --list\n\ntest:\n  npm test\n  pytest\n",
        ".github/workflows/ci.yml": ("name: CI\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
                                     "    steps:\n      - uses: actions/checkout@v4\n      - run: npm ci\n"
                                     "      - name: tests\n        run: |\n          npm test\n          pytest -q\n"),
        "app.py": "\n", "web.ts": "\n", "tool.go": "package main\n",
    },
    "empty": {},
}


def identity(monkeypatch) -> None:
    """A committer for git in the fake HOME (which has no ~/.gitconfig)."""
    for key, value in IDENTITY.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
