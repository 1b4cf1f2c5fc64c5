"""The judge reads a command's text: what is dangerous to run, what never exits, what is not a whole command."""

import pytest

from aistack.repo import judge, kinds
from aistack.repo.detect.taskgraph import Graph
from aistack.repo.detect.tasks import parse_just, parse_make
from aistack.repo.model import Findings, Source

DANGEROUS = [
    ".publishenv/bin/python -m twine upload --skip-existing dist/*", "npm publish --access public",
    "git push --force origin main", "git push origin $VERSION", "git tag -a v1.2 -m release", "gh release create v1",
    "gh pr close $PRNUM", "gh issue close $ISSUE_URL --reason completed", "git checkout -- .", "git reset --hard HEAD",
    "choco push pkg.nupkg", "./gradlew publish", "./mvnw -B -q -ff -DskipTests -ntp source:jar deploy",
    "cargo publish", "mike deploy --update-aliases dev", "git clean -fdx", "node scripts/publish.js",
    "./script/release --local v1 --platform macos", "crowdin upload sources", "sudo make install", "np",
]
SAFE = ["make test", "pre-commit run --all-files", "twine check --strict dist/*", "git diff --exit-code",
        "go test ./...", "npm run lint", "cargo build --release", "tag=1 make", "pnpm format && git diff --exit-code",
        "./gradlew android-test-app:assembleRelease", "python -m pytest tests --junitxml=report.xml"]
FRAGMENTS = ["fi", "else", "done", "@{", "}", "make \\", "cmd |", "a &&", "if [ -f x ]; then",
             "echo ${{ matrix.os }}", 'echo "$GITHUB_OUTPUT"', "for f in *; do", "cd docs", "export X=1",
             "X=1", "cat <<EOF", "echo 'unbalanced", "$env:PATH = 'x'", "nox -s test-<version>"]
WHOLE = ["go test ./...", "cargo fmt --all -- --check", "make", "python -m nox -s test-3.10 -- tests/unit",
         "pnpm format && git diff --exit-code", "tox run -e py310 --installpkg `find dist/*.tar.gz`"]


@pytest.mark.parametrize("line", DANGEROUS)
def test_dangerous(line):
    assert judge.danger(line), line


@pytest.mark.parametrize("line", SAFE)
def test_safe(line):
    assert judge.danger(line) is None, (line, judge.danger(line))


@pytest.mark.parametrize("line", FRAGMENTS)
def test_fragments(line):
    assert judge.fragment(line), line


@pytest.mark.parametrize("line", WHOLE)
def test_whole_commands(line):
    assert judge.fragment(line) is None, (line, judge.fragment(line))


@pytest.mark.parametrize("line", ["cargo watch --clear --exec test", "jest --watch", "vite", "next dev",
                                  "mkdocs serve --strict", "zensical serve", "docker compose up", "pytest --pdb",
                                  "bash --init-file just.bash", "man man/just.1"])
def test_loops_that_never_exit(line):
    assert judge.is_watch(line)


@pytest.mark.parametrize("line", ["gotestsum -tags 'signals watch' ./...", "pnpm run test-serve", "vite build",
                                  "prettier -w .", "yarn build:js"])
def test_not_loops(line):
    assert not judge.is_watch(line)


def test_continuations_join_and_comments_go():
    assert judge.logical_lines("# setup\nmake \\\n  test\n\nnpm ci # deps\n") == ["make test", "npm ci # deps"]
    assert judge.logical_lines("make \\")[-1].endswith("\\")


@pytest.mark.parametrize("line, kind", [
    ("uv run pytest -q", "test"), ("python -m mypy src", "typecheck"), ("npx eslint .", "lint"),
    ("ruff format --check .", "lint"), ("ruff format", "format"), ("cargo clippy --all-targets", "lint"),
    ("./gradlew check", "gate"), ("./gradlew test allTests", "test"), ("mvn -B verify", "gate"),
    ("mvn deploy", "release"), ("go vet ./...", "lint"), ("yarn --immutable", "install"),
    ("python -m pip install -e .", "install"), ("pre-commit run --all-files", "lint"), ("hatch fmt --check", "lint"),
    ("tox -e lint,py", "gate"), ("python -m pip install pre-commit && pre-commit run --all-files", "lint"),
])
def test_the_kind_of_a_command(line, kind):
    assert kinds.command_kind(line, lambda runner, name: None) == kind


def graph(parse, text, runner):
    tasks, default = parse(text, "F")[:2]
    out = Findings()
    g = Graph(runner, tasks)
    g.add_to(out, default)
    return out, g


def test_make_targets_are_judged_by_their_recipes_and_prerequisites():
    text = (".DEFAULT_GOAL := all\nPY ?= python\nTWINE = $(PY) -m twine\n\n.PHONY: all test\n"
            "all: lint test\n\ntest:\n\t$(PY) -m pytest\n\nlint:\n\truff check\n\n"
            "dist:\n\t$(PY) -m build\n\nship: dist\n\t$(TWINE) upload dist/*\n\n"  # `ship` says nothing; its body does
            "check: dist\n\t$(MAKE) ship\n\n"  # `make check` pulls in the upload
            "install:\n\tinstall -m755 bin/app $(DESTDIR)$(prefix)/bin/\n\n"
            "codestyle:\n\tblack .\n\tisort .\n")
    out, g = graph(parse_make, text, "make")
    kinds_ = {c.run: c.kind for c in out.commands}
    assert kinds_["make test"] == "test" and kinds_["make lint"] == "lint"
    assert out.targets["make"][""] == "gate" and out.defaults["make"] == "all"
    assert {c.run for c in out.release} == {"make ship", "make check"}
    assert "make install" not in kinds_  # copies the built program into the system: not setup
    assert kinds_["make codestyle"] == "format"  # known from its body alone
    assert all(c.source.key == f"target {c.run.split()[1]}" for c in out.commands)


def test_just_recipes_with_watch_dependencies_groups_and_parameters():
    text = ("alias t := test\n\n[group: 'dev']\nwatch +args='check':\n  cargo watch --exec '{{ args }}'\n\n"
            "test: (watch 'test --all')\n\nci: test lint\n  cargo fmt --all -- --check\n\n"
            "lint:\n  cargo clippy --all-targets\n\nfilter PATTERN:\n  cargo test {{PATTERN}}\n\n"
            "[group: 'release']\nchangelog:\n  git log --oneline >> CHANGELOG.md\n\n"
            "publish:\n  #!/usr/bin/env bash\n  git tag -a $V\n  git push origin $V\n\n_private:\n  true\n")
    tasks, default, aliases = parse_just(text, "justfile")
    assert default == "watch" and aliases == {"t": "test"}
    assert tasks["filter"].needs_args and tasks["_private"].hidden and tasks["test"].deps == ["watch"]
    out = Findings()
    Graph("just", tasks).add_to(out, default)
    listed = {c.run: (c.kind, c.note) for c in out.commands}
    assert listed["just test"][0] == "dev"  # a watch loop, whatever its name says
    assert listed["just ci"][0] == "gate" and "keeps running" in listed["just ci"][1]
    assert listed["just lint"] == ("lint", "")
    assert "just filter" not in listed
    assert {c.run for c in out.release} == {"just publish", "just changelog"}


def test_npm_scripts_follow_references_and_hooks():
    from aistack.repo.detect.node import scripts_graph

    scripts = {"test": "npm run lint && jest", "lint": "eslint .", "release": "np", "prerelease": "npm test",
               "deploy:docs": "gh-pages -d site", "dev": "vite", "postinstall": "husky", "ci-publish": "tsx p.ts",
               "build": "tsc -b && vite build", "serve": "vite preview"}
    out = Findings()
    scripts_graph(scripts, "package.json", "pnpm").add_to(out)
    listed = {c.run: c.kind for c in out.commands}
    assert listed == {"pnpm test": "test", "pnpm run lint": "lint", "pnpm run dev": "dev",
                      "pnpm run build": "build", "pnpm run serve": "dev"}
    assert {c.run for c in out.release} == {"pnpm run release", "pnpm run deploy:docs", "pnpm run ci-publish"}
    assert Source("package.json", "scripts.test") in {c.source for c in out.commands}
