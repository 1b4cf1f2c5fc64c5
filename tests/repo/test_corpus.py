"""init-repo on 20 real public repositories (tests/repo/corpus/SOURCES): for each, the commands its maintainers
document are listed (corpus_expected.py), nothing listed is a release or destructive command or a shell fragment,
and the file is short."""

import re

import pytest
import realrepos
from corpus_expected import EXPECTED, LABEL

generated = realrepos.generated


def pairs(text: str) -> set[tuple[str, str]]:
    return {(LABEL.get(label, label), run) for label, run in realrepos.listed_pairs(text)}


def test_the_corpus_covers_every_ecosystem():
    assert len(realrepos.NAMES) >= 15 and set(realrepos.NAMES) == set(EXPECTED)
    markers = {"pnpm-workspace.yaml": "vite", ".yarnrc.yml": "jest", "hatch.toml": "hatch", "noxfile.py": "pip",
               "tox.ini": "pytest", "poetry.lock": "poetry", "uv.lock": "pydantic", "justfile": "just",
               "Taskfile.yml": "task", "pdm.lock": "pdm", "go.mod": "gh-cli", "mvnw": "jackson-databind",
               "pom.xml": "gson", "gradlew": "okhttp", "Makefile": "requests", "AGENTS.md": "pydantic-ai"}
    for marker, name in markers.items():
        assert marker in realrepos.tracked(name), (marker, name)
    assert any(p.startswith("node_modules/") for p in realrepos.tracked("npm-cli"))  # committed dependencies
    assert "[workspace]" in (realrepos.CORPUS / "ripgrep" / "Cargo.toml").read_text()
    for name, (repo, commit) in realrepos.SOURCES.items():
        assert repo.startswith("https://github.com/") and re.fullmatch(r"[0-9a-f]{40}", commit), name


@pytest.mark.parametrize("name", realrepos.NAMES)
def test_the_commands_its_maintainers_list(name):
    text, new = generated(name)
    want = EXPECTED[name]
    listed = pairs(new)
    assert want["must"] <= listed, f"missing: {want['must'] - listed}"
    assert listed <= want["must"] | want["also"], f"not reviewed for {name}: {listed - want['must'] - want['also']}"
    offered = realrepos.offered(new)
    assert not want["never"] & set(offered)
    assert want.get("release", set()) <= set(realrepos.never_run(new))


@pytest.mark.parametrize("name", realrepos.NAMES)
def test_nothing_offered_is_destructive_or_a_fragment(name):
    _, new = generated(name)
    for command in realrepos.offered(new):
        assert realrepos.destructive(command) is None, (command, realrepos.destructive(command))
        assert realrepos.fragment(command) is None, (command, realrepos.fragment(command))
    for line in new.splitlines():  # sources are names: no line numbers, no step indices
        assert not re.search(r"\(line \d+\)|steps\[\d+\]|\bline \d+\b", line), line


@pytest.mark.parametrize("name", realrepos.NAMES)
def test_short_and_ranked(name):
    text, new = generated(name)
    size = len(new.encode())
    assert size < 8 * 1024
    if text != new and new:  # a team-written AGENTS.md: a compact block, never past what Codex reads
        assert size < 3 * 1024 and "## Packages" not in new and "aistack:begin about" not in new
        assert len(text.encode()) <= 32 * 1024
    labels = [LABEL.get(label, label) for label, _ in realrepos.listed_pairs(new)]
    order = ["install", "test", "lint", "format", "typecheck", "gate", "build", "dev"]
    assert labels == sorted(labels, key=order.index)  # setup, the inner loop and the gate come first


def test_past_32_kib_the_team_file_is_left_alone_with_a_reason():
    from aistack.repo.plan import plan_repo
    from aistack.repo.render import Renderer

    plan = plan_repo(realrepos.view("openai-agents-python"), Renderer(), adopt=True, bridges=())
    change = plan.changes[0]
    assert change.status == "skip" and change.new is None
    assert "past the 32 KiB Codex reads" in change.reason and "nothing was written" in change.reason
    assert any("32 KiB" in w for w in plan.warnings)


def test_instruction_files_the_team_wrote_are_linked():
    text, _ = generated("jest")  # CLAUDE.md imports .github/copilot-instructions.md
    assert "- `.github/copilot-instructions.md`: imported by CLAUDE.md" in text
    text, _ = generated("vite")
    assert "- `.github/copilot-instructions.md`: GitHub Copilot's instructions" in text


def test_the_package_table_collapses_fixtures_and_playgrounds():
    text, _ = generated("vite")  # 271 workspace packages, most of them playgrounds and test fixtures
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert len(rows) <= 25
    assert "| `playground/` | 232 fixtures, examples or playgrounds | node |" in rows
    assert "| `packages/vite` | vite | node |" in rows
    text, _ = generated("jest")  # 70 packages: capped, the rest counted
    assert re.search(r"^\d+ more of the 70 packages are not listed", text, re.M)
    assert "| `examples/` | 14 fixtures, examples or playgrounds | node |" in text


@pytest.mark.parametrize("name", ["vite", "jest", "npm-cli", "okhttp", "ripgrep", "pydantic"])
def test_nested_files_only_where_a_package_has_something_to_say(name):
    from aistack.repo.context import package_scope, root_scope

    plan = realrepos.render(name, nested=True)
    view = realrepos.view(name)
    root = root_scope(view)
    written = {c.path.rpartition("/")[0] for c in plan.changes[1:] if c.path.endswith("AGENTS.md")}
    fixtures = re.compile(r"(^|/)(__tests__|tests?|fixtures?|examples?|samples?|playgrounds?)(/|$)")
    for package in root.packages:
        scope = package_scope(view, package, root.findings)
        wanted = scope.has_content and not fixtures.search(package.path)
        assert (package.path in written) == wanted, package.path
    for change in plan.changes[1:]:
        text = change.new or ""
        assert len(text.encode()) < 8 * 1024
        assert "this repository" not in text and "the repository's" not in text
        for command in realrepos.offered(text):
            assert realrepos.destructive(command) is None and realrepos.fragment(command) is None, command


def test_the_readme_shows_what_init_repo_writes_for_requests():
    readme = (realrepos.CORPUS.parents[2] / "README.md").read_text()
    shown = readme.split("This is the AGENTS.md it writes for [psf/requests]", 1)[1]
    shown = shown.split("```markdown\n", 1)[1].split("\n```\n", 1)[0] + "\n"
    assert shown == generated("requests")[0]
    assert realrepos.SOURCES["requests"][1].startswith("1f6589e")
