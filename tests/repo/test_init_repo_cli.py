"""init-repo end to end on real git repositories: writing, re-running, team text, --check, --dry-run, markers."""

import json
import os

import pytest

from aistack.repo import markers
from support.gitrepo import ECOSYSTEMS, git, identity, make_repo, pkg
from support.http import Reply, Routes


@pytest.fixture(autouse=True)
def _identity(monkeypatch):
    identity(monkeypatch)


def outside_blocks(text: str) -> list[str]:
    """The team's part of a file: everything outside the insides of marker blocks."""
    parts, last = [], 0
    for block in markers.parse(text, "test"):
        parts.append(text[last:block.start])
        last = block.end
    parts.append(text[last:])
    return parts


def snapshot(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and ".git" not in p.relative_to(root).parts}


def test_outside_a_git_repository(cli, tmp_path):
    (tmp_path / "plain").mkdir()
    code, out, err = cli("init-repo", str(tmp_path / "plain"))
    assert code == 1 and "is not inside a git repository" in err and "git init" in err
    assert not (tmp_path / "plain" / "AGENTS.md").exists()


def test_default_is_the_repository_containing_the_cwd(cli, tmp_path, monkeypatch):
    root = make_repo(tmp_path / "r", ECOSYSTEMS["npm"])
    (root / "src").mkdir()
    monkeypatch.chdir(root / "src")
    code, out, err = cli("init-repo")
    assert code == 0, err
    assert (root / "AGENTS.md").is_file() and not (root / "src" / "AGENTS.md").exists()
    assert "npm test" in out and "package.json scripts.test" in out  # provenance on stdout


def test_writes_agents_and_bridges_then_rerun_changes_nothing(cli, tmp_path):
    root = make_repo(tmp_path / "r", ECOSYSTEMS["uv"])
    code, _, err = cli("init-repo", str(root))
    assert code == 0, err
    text = (root / "AGENTS.md").read_text()
    assert "- test: `uv run pytest` (inferred from pyproject.toml [tool.pytest.ini_options])" in text
    assert text.index("- setup: `uv sync`") < text.index("- test: `uv run pytest`") < text.index("- lint: ")
    assert "Always:" in text and "Ask first:" in text and "Never:" in text
    claude = root / "CLAUDE.md"
    assert not claude.is_symlink() and "@AGENTS.md" in claude.read_text().splitlines()
    assert json.loads((root / ".gemini/settings.json").read_text())["context"]["fileName"][0] == "AGENTS.md"
    assert not (root / ".github/copilot-instructions.md").exists() and not (root / ".cursorrules").exists()
    before = snapshot(root)
    code, _, err = cli("init-repo", str(root))
    assert code == 0 and "up to date" in err
    assert snapshot(root) == before


def test_team_text_outside_blocks_is_kept_byte_for_byte(cli, tmp_path):
    root = make_repo(tmp_path / "r", ECOSYSTEMS["npm"])
    cli("init-repo", str(root))
    agents = root / "AGENTS.md"
    text = agents.read_text()
    text = text.replace("## Conventions\n", "## Conventions\n\nUse `fetchJson`, never axios.  \n\t(tabs kept)\n")
    text = "Intro written by the team.\n\n" + text + "\nTrailing note without newline"
    agents.write_text(text)
    team_before = outside_blocks(text)
    (root / "package.json").write_text(pkg("svc", {"test": "vitest", "typecheck": "tsc --noEmit"}))
    git(root, "commit", "-qam", "new scripts")
    code, _, err = cli("init-repo", str(root))
    assert code == 0, err
    after = agents.read_text()
    assert outside_blocks(after) == team_before
    assert "`npm run typecheck`" in after and "`npm run lint`" not in after


def test_check_fresh_then_stale_with_a_per_block_diff(cli, tmp_path):
    root = make_repo(tmp_path / "r", ECOSYSTEMS["npm"])
    cli("init-repo", str(root))
    code, out, err = cli("init-repo", str(root), "--check")
    assert code == 0 and out == "" and "up to date" in err
    manifest = json.loads((root / "package.json").read_text())
    del manifest["scripts"]["lint"]
    (root / "package.json").write_text(json.dumps(manifest))
    before = snapshot(root)
    code, out, err = cli("init-repo", str(root), "--check")
    assert code == 1
    assert "AGENTS.md [commands] (in the file)" in out
    assert "-- lint: `npm run lint` (package.json scripts.lint)" in out
    assert "about" not in out  # only the stale block is shown
    assert "stale: AGENTS.md: commands out of date" in err
    assert snapshot(root) == before


def test_check_when_agents_md_is_missing_or_unmanaged(cli, tmp_path):
    root = make_repo(tmp_path / "r", ECOSYSTEMS["make-only"])
    code, out, err = cli("init-repo", str(root), "--check", "--bridges", "none")
    assert code == 1 and "AGENTS.md is missing" in err and "+- test: `make check`" in out
    (root / "AGENTS.md").write_text("# Ours\n")
    code, _, err = cli("init-repo", str(root), "--check", "--bridges", "none")
    assert code == 1 and "without aistack markers" in err


def test_check_sees_a_template_change(cli, tmp_path):
    root = make_repo(tmp_path / "r", ECOSYSTEMS["make-only"])
    cli("init-repo", str(root))
    tpl = tmp_path / "org" / "agents.md.j2"
    tpl.parent.mkdir()
    tpl.write_text('{% extends "aistack/AGENTS.md.j2" %}{% block about %}Owned by the payments team.\n{% endblock %}')
    org = tmp_path / "org" / "org.toml"
    org.write_text('schema = 1\n[org]\nname = "Acme"\n[templates]\nagents_md = "agents.md.j2"\n')
    code, out, err = cli("init-repo", str(root), "--check", "--org", str(org))
    assert code == 1 and "+Owned by the payments team." in out and "[about]" in out


def test_dry_run_prints_the_diff_and_writes_nothing(cli, tmp_path):
    root = make_repo(tmp_path / "r", ECOSYSTEMS["go-make"])
    before = snapshot(root)
    code, out, err = cli("init-repo", str(root), "--dry-run")
    assert code == 0
    assert "+++ b/AGENTS.md" in out and "+- test: `make test` (Makefile target test)" in out
    assert "+++ b/CLAUDE.md" in out and "would create" in err
    assert snapshot(root) == before


def test_crlf_file_keeps_its_line_endings(cli, tmp_path):
    root = make_repo(tmp_path / "r", ECOSYSTEMS["npm"])
    original = ("# Team file\r\n\r\nOur words.\r\n\r\n<!-- aistack:begin commands -->\r\nold\r\n"
                "<!-- aistack:end commands -->\r\n\r\nMore of ours.\r\n")
    (root / "AGENTS.md").write_bytes(original.encode())
    code, _, err = cli("init-repo", str(root))
    assert code == 0, err
    raw = (root / "AGENTS.md").read_bytes()
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert raw.startswith(b"# Team file\r\n\r\nOur words.\r\n\r\n<!-- aistack:begin commands -->\r\n## Commands\r\n")
    assert raw.endswith(b"<!-- aistack:end commands -->\r\n\r\nMore of ours.\r\n")
    assert b"- test: `npm test`" in raw and b"old\r\n" not in raw
    code, _, _ = cli("init-repo", str(root), "--check", "--bridges", "none")
    assert code == 0


def test_existing_file_without_markers_needs_adopt(cli, tmp_path):
    root = make_repo(tmp_path / "r", ECOSYSTEMS["npm"])
    ours = "# Our AGENTS.md\n\nHand written.\n"
    (root / "AGENTS.md").write_text(ours)
    code, _, err = cli("init-repo", str(root))
    assert code == 1 and "without aistack markers" in err and "--adopt" in err and "Nothing was written" in err
    assert (root / "AGENTS.md").read_text() == ours
    assert not (root / "CLAUDE.md").exists() and not (root / ".gemini").exists()
    code, _, err = cli("init-repo", str(root), "--adopt", "--bridges", "none")
    assert code == 0, err
    text = (root / "AGENTS.md").read_text()
    # the team's file gets the compact block only: no about or package table, no empty CI block
    assert text.startswith(ours + "\n<!-- aistack:begin commands -->")
    assert [b.name for b in markers.parse(text, "t")] == ["commands"]
    assert len(text.encode()) - len(ours) < 3 * 1024
    code, _, _ = cli("init-repo", str(root), "--bridges", "none")
    assert code == 0 and (root / "AGENTS.md").read_text() == text


BAD_MARKERS = {
    "nested": ("<!-- aistack:begin a -->\n<!-- aistack:begin b -->\n<!-- aistack:end b -->\n<!-- aistack:end a -->\n",
               "line 2: block 'b' begins inside block 'a'"),
    "duplicated": ("<!-- aistack:begin a -->\n<!-- aistack:end a -->\n<!-- aistack:begin a -->\n<!-- aistack:end a -->\n",
                   "line 3: block 'a' appears twice"),
    "unclosed": ("x\n<!-- aistack:begin commands -->\nstuff\n", "line 2: block 'commands' is never closed"),
    "unmatched end": ("<!-- aistack:end a -->\n", "line 1: `aistack:end a` without a matching begin"),
    "mismatched": ("<!-- aistack:begin a -->\n<!-- aistack:end b -->\n", "`aistack:end b` closes block 'a'"),
    "malformed": ("<!-- aistack:begin -->\n", "line 1: malformed aistack marker"),
}


@pytest.mark.parametrize("case", sorted(BAD_MARKERS))
def test_bad_markers_are_a_clear_error_and_nothing_is_written(cli, tmp_path, case):
    text, message = BAD_MARKERS[case]
    root = make_repo(tmp_path / "r", ECOSYSTEMS["npm"])
    (root / "AGENTS.md").write_text(text)
    before = snapshot(root)
    code, _, err = cli("init-repo", str(root), "--adopt")
    assert code == 1 and message in err and "nothing was written" in err and str(root / "AGENTS.md") in err
    assert snapshot(root) == before


def test_claude_bridge_in_an_existing_claude_md(cli, tmp_path):
    root = make_repo(tmp_path / "r", ECOSYSTEMS["npm"])
    ours = "# Claude notes\n\nPrefer small diffs.\n"
    (root / "CLAUDE.md").write_text(ours)
    code, _, err = cli("init-repo", str(root))
    assert code == 0, err
    text = (root / "CLAUDE.md").read_text()
    assert text.endswith("\n" + ours) and "@AGENTS.md\n" in text
    assert markers.contents(text, "t") == {"agents-md": "@AGENTS.md\n"}
    code, _, err = cli("init-repo", str(root))
    assert (root / "CLAUDE.md").read_text() == text


def test_claude_md_that_already_imports_is_left_alone(cli, tmp_path):
    root = make_repo(tmp_path / "r", ECOSYSTEMS["npm"])
    ours = "Read this:\n@AGENTS.md\n"
    (root / "CLAUDE.md").write_text(ours)
    cli("init-repo", str(root))
    assert (root / "CLAUDE.md").read_text() == ours


def test_claude_symlink_becomes_a_regular_file(cli, tmp_path):
    root = make_repo(tmp_path / "r", ECOSYSTEMS["npm"])
    os.symlink("AGENTS.md", root / "CLAUDE.md")
    code, _, err = cli("init-repo", str(root))
    assert code == 0, err
    assert not (root / "CLAUDE.md").is_symlink()
    assert "@AGENTS.md" in (root / "CLAUDE.md").read_text().splitlines()
    assert "replaced the symlink" in err
    assert "## Commands" in (root / "AGENTS.md").read_text()


def test_large_file_warns(cli, tmp_path):
    root = make_repo(tmp_path / "r", ECOSYSTEMS["npm"])
    cli("init-repo", str(root))
    with open(root / "AGENTS.md", "a") as fh:
        fh.write("Team lore. " * 900)
    code, _, err = cli("init-repo", str(root))
    assert code == 0 and "keep it under 8 KiB" in err
    with open(root / "AGENTS.md", "a") as fh:
        fh.write("More lore. " * 2500)
    code, _, err = cli("init-repo", str(root))
    assert "Codex stops reading the whole AGENTS.md chain at 32 KiB" in err


def test_nested_writes_one_file_per_package(cli, tmp_path):
    root = make_repo(tmp_path / "r", ECOSYSTEMS["pnpm-workspace"])
    code, _, err = cli("init-repo", str(root), "--nested")
    assert code == 0, err
    top = (root / "AGENTS.md").read_text()
    assert "| `apps/web` | @mono/web | node | [AGENTS.md](apps/web/AGENTS.md) |" in top
    web = (root / "apps/web/AGENTS.md").read_text()
    assert "- dev loop: `pnpm run dev` (apps/web/package.json scripts.dev; keeps running (a watcher or server))" in web
    assert "- typecheck: `pnpm run typecheck` (apps/web/package.json scripts.typecheck)" in web
    assert "pnpm install" not in web and "Package manager" not in web  # only what differs from the root
    assert "Run the commands below from `apps/web/`" in web
    assert "@AGENTS.md" in (root / "apps/web/CLAUDE.md").read_text()
    assert (root / "packages/ui/AGENTS.md").is_file()
    assert not (root / "packages/skip-me/AGENTS.md").exists()
    assert not (root / "apps/web/.gemini").exists()
    before = snapshot(root)
    assert cli("init-repo", str(root), "--nested", "--check")[0] == 0
    assert snapshot(root) == before


def test_nested_leaves_a_package_s_hand_written_agents_md_alone(cli, tmp_path):
    files = dict(ECOSYSTEMS["pnpm-workspace"])
    files["apps/web/AGENTS.md"] = "# web, by its team\n"
    root = make_repo(tmp_path / "r", files)
    code, _, err = cli("init-repo", str(root), "--nested")
    assert code == 0, err
    assert (root / "apps/web/AGENTS.md").read_text() == "# web, by its team\n"
    assert not (root / "apps/web/CLAUDE.md").exists()
    assert (root / "packages/ui/AGENTS.md").is_file() and (root / "AGENTS.md").is_file()
    assert "apps/web/AGENTS.md: skipped" in err
    assert cli("init-repo", str(root), "--nested", "--check")[0] == 0


def test_empty_repository(cli, tmp_path):
    root = make_repo(tmp_path / "r", {})
    code, out, err = cli("init-repo", str(root))
    assert code == 0, err
    assert "No build, test or lint commands were found" in (root / "AGENTS.md").read_text()
    assert out == "no commands found\n"


def test_org_template_from_a_path(cli, tmp_path):
    root = make_repo(tmp_path / "r", ECOSYSTEMS["npm"])
    org = tmp_path / "org"
    org.mkdir()
    (org / "agents.md.j2").write_text(
        '{% extends "aistack/AGENTS.md.j2" %}\n'
        "{% block team %}\n## Boundaries\n\n- Never: call production from a laptop ({{ org }} policy).\n{% endblock %}\n")
    (org / "org.toml").write_text('schema = 1\n[org]\nname = "Acme"\n[templates]\nagents_md = "agents.md.j2"\n')
    code, _, err = cli("init-repo", str(root), "--org", str(org / "org.toml"))
    assert code == 0, err
    text = (root / "AGENTS.md").read_text()
    assert "- Never: call production from a laptop (Acme policy)." in text and "`npm test`" in text


def test_org_template_that_breaks_markers_is_refused(cli, tmp_path):
    root = make_repo(tmp_path / "r", ECOSYSTEMS["npm"])
    (tmp_path / "t.j2").write_text("<!-- aistack:begin x -->\nno end\n")
    (tmp_path / "org.toml").write_text('schema = 1\n[org]\nname = "Acme"\n[templates]\nagents_md = "t.j2"\n')
    code, _, err = cli("init-repo", str(root), "--org", str(tmp_path / "org.toml"))
    assert code == 1 and "template" in err and "never closed" in err
    assert not (root / "AGENTS.md").exists()


def test_org_template_with_an_undefined_variable(cli, tmp_path):
    root = make_repo(tmp_path / "r", ECOSYSTEMS["npm"])
    (tmp_path / "t.j2").write_text("{{ nonsense.field }}\n")
    (tmp_path / "org.toml").write_text('schema = 1\n[org]\nname = "Acme"\n[templates]\nagents_md = "t.j2"\n')
    code, _, err = cli("init-repo", str(root), "--org", str(tmp_path / "org.toml"))
    assert code == 1 and "UndefinedError" in err and "nonsense" in err


def test_usage_errors(cli, tmp_path):
    assert cli("init-repo", "--commit")[0] == 2
    assert cli("init-repo", "a", "b")[0] == 2
    assert cli("init-repo", "--check", "--dry-run")[0] == 2
    code, _, err = cli("init-repo", "--bridges", "copilot")
    assert code == 2 and "copilot" in err


@pytest.fixture
def template_server(serve):
    """A real HTTP server on 127.0.0.1 serving org templates from a dict."""
    pages = Routes(missing=Reply(404, "not found"))
    return pages, serve(pages, token=None).url


def test_org_template_from_a_url(cli, tmp_path, template_server):
    pages, base = template_server
    pages["/agents.md.j2"] = (b'{% extends "aistack/AGENTS.md.j2" %}{% block title %}# {{ repo.name }} at {{ org }}\n\n'
                              b"{% endblock %}")
    root = make_repo(tmp_path / "r", ECOSYSTEMS["npm"])
    org = tmp_path / "org.toml"
    org.write_text(f'schema = 1\n[org]\nname = "Acme"\n[templates]\nagents_md = "{base}/agents.md.j2"\n')
    code, _, err = cli("init-repo", str(root), "--org", str(org))
    assert code == 0, err
    assert (root / "AGENTS.md").read_text().startswith("# r at Acme\n\n<!-- aistack:begin about -->")
    # remembered: later runs use the same org template without --org
    pages["/agents.md.j2"] = b"{% extends 'aistack/AGENTS.md.j2' %}{% block about %}Changed upstream.\n{% endblock %}"
    code, out, _ = cli("init-repo", str(root), "--check")
    assert code == 1 and "+Changed upstream." in out


def test_org_template_url_that_fails(cli, tmp_path, template_server):
    _, base = template_server
    root = make_repo(tmp_path / "r", ECOSYSTEMS["npm"])
    org = tmp_path / "org.toml"
    org.write_text(f'schema = 1\n[org]\nname = "Acme"\n[templates]\nagents_md = "{base}/missing.j2"\n')
    code, _, err = cli("init-repo", str(root), "--org", str(org))
    assert code == 1 and f"{base}/missing.j2: HTTP 404" in err
    assert not (root / "AGENTS.md").exists()


def test_the_example_org_template_renders(cli, tmp_path):
    from support import EXAMPLE_ORG

    root = make_repo(tmp_path / "r", ECOSYSTEMS["npm"])
    code, _, err = cli("init-repo", str(root), "--org", str(EXAMPLE_ORG))
    assert code == 0, err
    text = (root / "AGENTS.md").read_text()
    assert "## Boundaries (Example Corp)" in text and "`npm test`" in text
    assert [b.name for b in markers.parse(text, "t")] == ["about", "commands", "ci", "packages", "org-boundaries"]


def test_ci_lines_are_listed_once(cli, tmp_path):
    workflow = ("on: push\njobs:\n" + "".join(
        f"  {job}:\n    runs-on: x\n    steps:\n      - run: npm ci\n      - run: npm run {job}\n"
        for job in ("lint", "test")))
    root = make_repo(tmp_path / "r", {**ECOSYSTEMS["npm"], ".github/workflows/ci.yml": workflow})
    cli("init-repo", str(root))
    ci = markers.contents((root / "AGENTS.md").read_text(), "t")["ci"]
    assert [line for line in ci.splitlines() if line.startswith("- ")] == [
        "- `npm run lint` (.github/workflows/ci.yml job lint)",
        "- `npm ci` (.github/workflows/ci.yml job lint)",
        "- `npm run test` (.github/workflows/ci.yml job test)",
    ]


def test_json_result_carries_provenance_and_file_status(cli, tmp_path):
    root = make_repo(tmp_path / "r", ECOSYSTEMS["go-make"])
    code, out, _ = cli("init-repo", str(root), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["status"] == "written" and data["root"] == str(root)
    assert {"kind": "test", "run": "make test", "file": "Makefile", "key": "target test",
            "origin": "read"} in data["commands"]
    assert {"label": "Go", "value": "1.22", "file": "go.mod", "key": "go"} in data["facts"]
    assert {c["path"]: c["status"] for c in data["changes"]} == {
        "AGENTS.md": "create", "CLAUDE.md": "create", ".gemini/settings.json": "create"}
    code, out, _ = cli("init-repo", str(root), "--json")
    assert json.loads(out)["status"] == "unchanged"


def test_nested_jvm_subprojects_use_the_root_wrapper(cli, tmp_path):
    files = {**ECOSYSTEMS["gradle"], "svc/pom.xml": "<project/>", "pom.xml": "<project><modules><module>svc</module>"
             "</modules></project>", "mvnw": "#!/bin/sh\n", "app/Makefile": "lint:\n\t../gradlew :app:lint\n"}
    root = make_repo(tmp_path / "r", files)
    code, _, err = cli("init-repo", str(root), "--nested", "--bridges", "none")
    assert code == 0, err
    app = (root / "app/AGENTS.md").read_text()
    assert "- lint: `make lint` (app/Makefile target lint)" in app
    assert "- test: `../gradlew test` (inferred from app/build.gradle.kts (root gradlew))" in app
    # lib and svc have nothing the root AGENTS.md does not already say: no file for them
    assert not (root / "lib/AGENTS.md").exists() and not (root / "svc/AGENTS.md").exists()
    top = (root / "AGENTS.md").read_text()
    assert "| `app` | app | jvm | [AGENTS.md](app/AGENTS.md) |" in top and "| `svc` | svc | jvm |  |" in top


def test_blocks_the_team_removed_or_added_are_respected(cli, tmp_path):
    workflow = "on: push\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: npm test\n"
    root = make_repo(tmp_path / "r", {**ECOSYSTEMS["npm"], ".github/workflows/ci.yml": workflow})
    text = ("# svc\n\n<!-- aistack:begin commands -->\nold\n<!-- aistack:end commands -->\n\n"
            "<!-- aistack:begin legacy -->\nkept as is\n<!-- aistack:end legacy -->\n")
    (root / "AGENTS.md").write_text(text)
    code, _, err = cli("init-repo", str(root), "--bridges", "none")
    assert code == 0, err
    after = (root / "AGENTS.md").read_text()
    assert set(markers.contents(after, "t")) == {"commands", "legacy"}
    assert markers.contents(after, "t")["legacy"] == "kept as is\n"
    assert "block 'legacy' is no longer produced by the template" in err
    assert "block(s) ci are not in the file; --adopt adds them" in err  # a team's file: no about, no packages
    assert cli("init-repo", str(root), "--check", "--bridges", "none")[0] == 0
    code, _, _ = cli("init-repo", str(root), "--adopt", "--bridges", "none")
    assert set(markers.contents((root / "AGENTS.md").read_text(), "t")) == {"commands", "legacy", "ci"}
