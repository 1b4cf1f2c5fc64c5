"""Detection per ecosystem, on real git repositories: exact commands, each traced to an existing file and key."""

import json

import pytest

from support.gitrepo import ECOSYSTEMS, identity, make_repo

# (kind, command, file, origin): "read" when the repository names the task, "inferred" when built from a manifest.
EXPECTED = {
    "pnpm-workspace": {("install", "pnpm install --frozen-lockfile", "pnpm-lock.yaml", "inferred"),
                       ("build", "pnpm run build", "package.json", "read"), ("test", "pnpm test", "package.json", "read"),
                       ("lint", "pnpm run lint", "package.json", "read")},
    "npm": {("install", "npm ci", "package-lock.json", "inferred"), ("test", "npm test", "package.json", "read"),
            ("lint", "npm run lint", "package.json", "read"), ("format", "npm run format", "package.json", "read"),
            ("dev", "npm run start", "package.json", "read")},
    "yarn": {("install", "yarn install --frozen-lockfile", "yarn.lock", "inferred"),
             ("test", "yarn test", "package.json", "read"), ("build", "yarn build", "package.json", "read"),
             ("lint", "yarn lint:css", "package.json", "read")},
    "uv": {("install", "uv sync", "uv.lock", "inferred"), ("test", "uv run pytest", "pyproject.toml", "inferred"),
           ("lint", "uv run ruff check", "pyproject.toml", "inferred"),
           ("format", "uv run ruff format", "pyproject.toml", "inferred"),
           ("typecheck", "uv run mypy", "pyproject.toml", "inferred")},
    "poetry": {("install", "poetry install", "poetry.lock", "inferred"),
               ("test", "poetry run pytest", "pyproject.toml", "inferred"),
               ("test", "tox -e py", "tox.ini", "read"), ("lint", "tox -e lint", "tox.ini", "read")},
    "go-make": {("build", "make build", "Makefile", "read"), ("test", "make test", "Makefile", "read"),
                ("lint", "make lint", "Makefile", "read"), ("build", "go build ./...", "go.mod", "inferred"),
                ("test", "go test ./...", "go.mod", "inferred"),
                ("lint", "golangci-lint run", ".golangci.yml", "inferred")},
    "rust-workspace": {("build", "cargo build --workspace", "Cargo.toml", "inferred"),
                       ("test", "cargo test --workspace", "Cargo.toml", "inferred"),
                       ("format", "cargo fmt --all", "rustfmt.toml", "inferred")},
    "gradle": {("build", "./gradlew build", "gradlew", "inferred"), ("test", "./gradlew test", "gradlew", "inferred"),
               ("gate", "./gradlew check", "gradlew", "inferred")},
    "make-only": {("build", "make all", "Makefile", "read"), ("build", "make build", "Makefile", "read"),
                  ("test", "make check", "Makefile", "read")},
    "polyglot": {("test", "just test", "justfile", "read"), ("install", "npm ci", "package-lock.json", "inferred"),
                 ("test", "npm test", "package.json", "read"), ("build", "npm run build", "package.json", "read"),
                 ("build", "go build ./...", "go.mod", "inferred"), ("test", "go test ./...", "go.mod", "inferred"),
                 ("test", "pytest", "pyproject.toml", "inferred")},
    "empty": set(),
}
CI = {"polyglot": {("install", "npm ci"), ("test", "npm test && pytest -q")}}
RELEASE = {"npm": {"npm run release"}}
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
    found = {(c["kind"], c["run"], c["file"], c["origin"]) for c in result["commands"]}
    assert found == EXPECTED[name]
    assert {(c["kind"], c["run"]) for c in result["ci"]} == CI.get(name, set())
    assert {c["run"] for c in result["release"]} == RELEASE.get(name, set())
    assert {p["path"] for p in result["packages"]} == PACKAGES.get(name, set())
    assert result["warnings"] == []


@pytest.mark.parametrize("name", sorted(ECOSYSTEMS))
def test_every_command_traces_to_its_source(cli, tmp_path, name):
    root = make_repo(tmp_path / name, ECOSYSTEMS[name])
    result = detect_json(cli, root)
    for c in result["commands"]:
        assert (root / c["file"]).is_file(), c
        if c["key"].startswith("scripts."):
            scripts = json.loads((root / c["file"]).read_text())["scripts"]
            assert c["key"].removeprefix("scripts.") in scripts and c["run"].endswith(c["key"][8:])
        if c["key"].startswith("target "):
            target = c["key"].split()[1]
            assert c["key"] == f"target {target}" and c["run"] == f"make {target}"  # a name, never a line number
            assert any(line.startswith(target) for line in (root / c["file"]).read_text().splitlines())
    for c in result["ci"]:
        assert c["key"].startswith("job ") and "[" not in c["key"]  # a job's name, never a step index
        text = (root / c["file"]).read_text()
        assert all(part in text for part in c["run"].split(" && "))


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
    from support.gitrepo import git
    git(root, "add", "package.json")
    assert ("test", "npm test") in {(c["kind"], c["run"]) for c in detect_json(cli, root)["commands"]}


def test_malformed_package_json_warns_and_the_rest_still_works(cli, tmp_path):
    root = make_repo(tmp_path / "r", {"package.json": '{"scripts": {"test": "jest",}',
                                      "pyproject.toml": '[project]\ndependencies = ["pytest"]\n[tool.pytest.ini_options]\n',
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
    code, _, err = cli("init-repo", str(root), "--allow-dirty")
    assert code == 0 and "warning: package.json: cannot be read (IsADirectoryError)" in err
    assert "`go test ./...`" in (root / "AGENTS.md").read_text()
    shutil.rmtree(root / "package.json")


def test_hatch_as_build_backend_is_not_an_environment_manager(cli, tmp_path):
    root = make_repo(tmp_path / "r", {"pyproject.toml": '[project]\ndependencies = ["pytest"]\n[tool.hatch.build]\n\n'
                                                        "[tool.pytest.ini_options]\n"})
    runs = {c["run"] for c in detect_json(cli, root)["commands"]}
    assert runs == {"pytest"}
    (root / "pyproject.toml").write_text("[tool.hatch.envs.default.scripts]\ntest = 'pytest'\ncov = 'x'\n")
    commands = {(c["run"], c["origin"]) for c in detect_json(cli, root)["commands"]}
    # its env scripts, and hatch's own `test` and `fmt` (built in since hatch 1.10)
    assert commands == {("hatch run test", "read"), ("hatch run cov", "read"), ("hatch test", "inferred"),
                        ("hatch fmt", "inferred")}


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
            ("build", "task build", "Taskfile.yml"), ("gate", "./mvnw verify", "mvnw"),
            ("test", "./mvnw test", "mvnw")} <= found
    assert [(c["kind"], c["run"], c["key"]) for c in result["ci"]] == [("test", "make test", "job test-job")]
    assert [p["path"] for p in result["packages"]] == ["core"]
