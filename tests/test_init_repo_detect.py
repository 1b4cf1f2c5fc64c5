"""Detection per ecosystem, on real git repositories: exact commands, each traced to an existing file and key."""

import json

import pytest

from gitrepo import ECOSYSTEMS, identity, make_repo

EXPECTED = {
    "pnpm-workspace": {("install", "pnpm install --frozen-lockfile", "pnpm-lock.yaml"),
                       ("build", "pnpm run build", "package.json"), ("test", "pnpm test", "package.json"),
                       ("lint", "pnpm run lint", "package.json")},
    "npm": {("install", "npm ci", "package-lock.json"), ("test", "npm test", "package.json"),
            ("lint", "npm run lint", "package.json"), ("format", "npm run format", "package.json"),
            ("dev", "npm run start", "package.json")},
    "yarn": {("install", "yarn install --frozen-lockfile", "yarn.lock"), ("test", "yarn test", "package.json"),
             ("build", "yarn build", "package.json"), ("lint", "yarn lint:css", "package.json")},
    "uv": {("install", "uv sync", "uv.lock"), ("test", "uv run pytest", "pyproject.toml"),
           ("lint", "uv run ruff check .", "pyproject.toml"), ("format", "uv run ruff format .", "pyproject.toml"),
           ("typecheck", "uv run mypy .", "pyproject.toml")},
    "poetry": {("install", "poetry install", "poetry.lock"), ("test", "poetry run pytest", "pyproject.toml"),
               ("format", "poetry run black .", "pyproject.toml"), ("test", "tox -e py311", "tox.ini"),
               ("lint", "tox -e lint", "tox.ini")},
    "go-make": {("build", "make build", "Makefile"), ("test", "make test", "Makefile"), ("lint", "make lint", "Makefile"),
                ("build", "go build ./...", "go.mod"), ("test", "go test ./...", "go.mod"),
                ("lint", "go vet ./...", "go.mod"), ("lint", "golangci-lint run", ".golangci.yml")},
    "rust-workspace": {("build", "cargo build --workspace", "Cargo.toml"), ("test", "cargo test --workspace", "Cargo.toml"),
                       ("format", "cargo fmt --all", "rustfmt.toml")},
    "gradle": {("build", "./gradlew build", "gradlew"), ("test", "./gradlew test", "gradlew"),
               ("lint", "./gradlew check", "gradlew")},
    "make-only": {("build", "make build", "Makefile"), ("test", "make check", "Makefile")},
    "polyglot": {("test", "just test", "justfile"), ("install", "npm ci", "package-lock.json"),
                 ("test", "npm test", "package.json"), ("build", "npm run build", "package.json"),
                 ("test", "pytest", "pyproject.toml"), ("build", "go build ./...", "go.mod"),
                 ("test", "go test ./...", "go.mod"), ("lint", "go vet ./...", "go.mod"),
                 ("ci", "npm ci", ".github/workflows/ci.yml"), ("ci", "npm test", ".github/workflows/ci.yml"),
                 ("ci", "pytest -q", ".github/workflows/ci.yml")},
    "empty": set(),
}
PACKAGES = {
    "pnpm-workspace": {"apps/web", "packages/ui"},
    "rust-workspace": {"crates/cli", "crates/core"},
    "gradle": {"app", "lib"},
}


@pytest.fixture(autouse=True)
def _identity(monkeypatch):
    identity(monkeypatch)


def detect_json(cli, root):
    code, out, err = cli("init-repo", str(root), "--dry-run", "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.mark.parametrize("name", sorted(ECOSYSTEMS))
def test_ecosystem_commands(cli, tmp_path, name):
    root = make_repo(tmp_path / name, ECOSYSTEMS[name])
    result = detect_json(cli, root)
    found = {(c["kind"], c["run"], c["file"]) for c in result["commands"]}
    assert found == EXPECTED[name]
    assert {p["path"] for p in result["packages"]} == PACKAGES.get(name, set())
    assert result["warnings"] == []


@pytest.mark.parametrize("name", sorted(ECOSYSTEMS))
def test_every_command_traces_to_its_source(cli, tmp_path, name):
    root = make_repo(tmp_path / name, ECOSYSTEMS[name])
    for c in detect_json(cli, root)["commands"]:
        assert (root / c["file"]).is_file(), c
        if c["key"].startswith("scripts."):
            scripts = json.loads((root / c["file"]).read_text())["scripts"]
            assert c["key"].removeprefix("scripts.") in scripts and c["run"].endswith(c["key"][8:])
        if c["key"].startswith("target "):
            target = c["key"].split()[1]
            line = int(c["key"].rsplit("line ", 1)[1].rstrip(")"))
            assert (root / c["file"]).read_text().splitlines()[line - 1].startswith(target)
        if c["kind"] == "ci":
            assert c["run"] in (root / c["file"]).read_text()


def test_excluded_directories_are_never_read(cli, tmp_path):
    """node_modules, .venv, target and vendor are tracked here with broken manifests; none is even opened."""
    files = dict(ECOSYSTEMS["npm"])
    for d in ("node_modules/x", ".venv/lib", "target/y", "vendor/z", "web/node_modules/deep"):
        files[f"{d}/package.json"] = "{ not json"
        files[f"{d}/pyproject.toml"] = "[[ not toml"
    root = make_repo(tmp_path / "r", files)
    result = detect_json(cli, root)
    assert result["warnings"] == []
    assert all(not c["file"].startswith(("node_modules", ".venv", "target", "vendor")) for c in result["commands"])


def test_only_tracked_files_count(cli, tmp_path):
    root = make_repo(tmp_path / "r", {"README.md": "hi\n"})
    (root / "package.json").write_text('{"scripts": {"test": "jest"}}')  # not added to git
    assert detect_json(cli, root)["commands"] == []
    from gitrepo import git
    git(root, "add", "package.json")
    assert ("test", "npm test") in {(c["kind"], c["run"]) for c in detect_json(cli, root)["commands"]}


def test_malformed_package_json_warns_and_the_rest_still_works(cli, tmp_path):
    root = make_repo(tmp_path / "r", {"package.json": '{"scripts": {"test": "jest",}',
                                      "pyproject.toml": "[tool.pytest.ini_options]\n",
                                      "Makefile": "lint:\n\techo\n"})
    code, out, err = cli("init-repo", str(root))
    assert code == 0
    assert "warning: package.json: not valid JSON" in err and "line 1" in err
    text = (root / "AGENTS.md").read_text()
    assert "`pytest`" in text and "`make lint`" in text and "jest" not in text


def test_malformed_pyproject_warns_and_the_rest_still_works(cli, tmp_path):
    root = make_repo(tmp_path / "r", {"pyproject.toml": "[project\nname = 'x'\n",
                                      "package.json": '{"scripts": {"test": "jest"}}'})
    code, _, err = cli("init-repo", str(root))
    assert code == 0 and "warning: pyproject.toml: not valid TOML" in err
    assert "`npm test`" in (root / "AGENTS.md").read_text()


def test_unreadable_package_json_warns(cli, tmp_path):
    """package.json is tracked but the working tree holds a directory there: reading it fails even as root."""
    import shutil
    root = make_repo(tmp_path / "r", {"package.json": '{"scripts": {"test": "jest"}}', "go.mod": "module x\n"})
    (root / "package.json").unlink()
    (root / "package.json").mkdir()
    code, _, err = cli("init-repo", str(root))
    assert code == 0 and "warning: package.json: cannot be read (IsADirectoryError)" in err
    assert "`go test ./...`" in (root / "AGENTS.md").read_text()
    shutil.rmtree(root / "package.json")


def test_hatch_as_build_backend_is_not_an_environment_manager(cli, tmp_path):
    root = make_repo(tmp_path / "r", {"pyproject.toml": "[tool.hatch.build]\n\n[tool.pytest.ini_options]\n"})
    runs = {c["run"] for c in detect_json(cli, root)["commands"]}
    assert runs == {"pytest"}
    (root / "pyproject.toml").write_text("[tool.hatch.envs.default.scripts]\ntest = 'pytest'\ncov = 'x'\n")
    runs = {c["run"] for c in detect_json(cli, root)["commands"]}
    assert runs == {"hatch run test", "hatch run cov"}


def test_go_work_and_uv_workspace_members(cli, tmp_path):
    root = make_repo(tmp_path / "r", {
        "go.work": "go 1.22\n\nuse (\n\t./svc\n\t./lib // shared\n)\n",
        "svc/go.mod": "module example.com/svc\n", "lib/go.mod": "module example.com/lib\n",
        "py/pyproject.toml": '[tool.uv.workspace]\nmembers = ["pkgs/*"]\n',
        "py/pkgs/a/pyproject.toml": '[project]\nname = "a"\n',
    })
    result = detect_json(cli, root)
    assert {(p["path"], p["name"]) for p in result["packages"]} == {("svc", "example.com/svc"), ("lib", "example.com/lib")}
    # a uv workspace below the root is a package's concern, found with --nested from its own directory
    from aistack.repo.detect import detect
    from aistack.repo.index import RepoView
    found = detect(RepoView.open(root), "py")
    assert [(p.path, p.name) for p in found.packages] == [("py/pkgs/a", "a")]


def test_nox_gitlab_taskfile_maven(cli, tmp_path):
    root = make_repo(tmp_path / "r", {
        "noxfile.py": 'import nox\n\n@nox.session\ndef tests(session):\n    pass\n\n'
                      '@nox.session(name="lint", python="3.12")\ndef _lint(session):\n    pass\n',
        ".gitlab-ci.yml": "stages: [test]\ntest-job:\n  script:\n    - make test\n.hidden:\n  script: [echo no]\n",
        "Taskfile.yml": "version: '3'\ntasks:\n  build:\n    cmds: [go build]\n",
        "pom.xml": "<project><modules><module>core</module></modules></project>",
        "core/pom.xml": "<project/>", "mvnw": "#!/bin/sh\n",
    })
    result = detect_json(cli, root)
    found = {(c["kind"], c["run"], c["file"]) for c in result["commands"]}
    assert {("test", "nox -s tests", "noxfile.py"), ("lint", "nox -s lint", "noxfile.py"),
            ("ci", "make test", ".gitlab-ci.yml"), ("build", "task build", "Taskfile.yml"),
            ("build", "./mvnw -B package", "mvnw"), ("test", "./mvnw -B test", "mvnw")} <= found
    assert ("ci", "echo no", ".gitlab-ci.yml") not in found
    assert [p["path"] for p in result["packages"]] == ["core"]
