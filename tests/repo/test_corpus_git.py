"""init-repo through the CLI on real repositories rebuilt as git repositories from the corpus: --check ignores a
comment or a reordering in a Makefile, a justfile or a workflow but catches a changed command; .gitignore rules
that hide AGENTS.md are reported; a dirty tree is refused."""

import json
import re

import pytest
import realrepos

from support.gitrepo import git, identity


@pytest.fixture(autouse=True)
def _identity(monkeypatch):
    identity(monkeypatch)


def initialised(cli, tmp_path, name):
    root = realrepos.materialize(name, tmp_path / name)
    code, _, err = cli("init-repo", str(root), "--branch", "ai/agents-md", "--commit")
    assert code == 0, err
    assert cli("init-repo", str(root), "--check")[0] == 0
    return root


def commit(root, message="edit"):
    git(root, "commit", "-qam", message)


def check(cli, root):
    code, out, err = cli("init-repo", str(root), "--check")
    return code, out, err


def test_makefile_comment_and_reordering_are_not_drift_but_a_changed_target_is(cli, tmp_path):
    root = initialised(cli, tmp_path, "requests")
    makefile = root / "Makefile"
    text = makefile.read_text()
    test_rule = "test:\n\tpython -m pytest tests\n\n"
    assert test_rule in text
    makefile.write_text("# Development tasks; see CONTRIBUTING.\n" + text.replace(test_rule, "") + "\n" + test_rule)
    commit(root)
    code, out, err = check(cli, root)
    assert code == 0, out + err
    makefile.write_text(makefile.read_text().replace("\ntest:\n", "\ntests:\n"))
    commit(root)
    code, out, err = check(cli, root)
    assert code == 1 and "stale: AGENTS.md: commands out of date" in err
    assert "-- test: `make test` (Makefile target test)" in out and "+- test: `make tests` (Makefile target tests)" in out


def test_justfile_comment_and_reordering_are_not_drift_but_a_changed_recipe_is(cli, tmp_path):
    root = initialised(cli, tmp_path, "just")
    justfile = root / "justfile"
    text = justfile.read_text()
    fmt = "[group: 'misc']\nfmt:\n  cargo fmt --all\n\n"
    assert fmt in text
    justfile.write_text(fmt + "# recipes, grouped\n" + text.replace(fmt, ""))
    commit(root)
    code, out, err = check(cli, root)
    assert code == 0, out + err
    # a body change that turns a check into a release: the judge reads bodies, so --check sees it
    justfile.write_text(justfile.read_text().replace("  cargo fmt --all\n", "  cargo fmt --all\n  git push origin\n", 1))
    commit(root)
    code, out, err = check(cli, root)
    assert code == 1
    assert "-- format: `just fmt` (justfile recipe fmt)" in out and "`just fmt`" in out.split("Never run", 1)[-1]


def test_workflow_comment_and_reordering_are_not_drift_but_a_changed_step_is(cli, tmp_path):
    root = initialised(cli, tmp_path, "requests")
    workflow = root / ".github/workflows/typecheck.yml"
    text = workflow.read_text()
    install = ("    - name: Install dependencies\n      run: |\n        python -m pip install pip==26.0.1\n"
               "        python -m pip install -e . --group typecheck\n\n")
    check_step = "    - name: Run pyright\n      run: python -m pyright src/requests/\n"
    assert install in text and check_step in text
    reordered = text.replace(install, "").replace(check_step, check_step + "\n" + install)
    workflow.write_text("# Type checking, on every push and pull request.\n" + reordered)
    commit(root)
    code, out, err = check(cli, root)
    assert code == 0, out + err
    workflow.write_text(workflow.read_text().replace("python -m pyright src/requests/", "python -m pyright src/"))
    commit(root)
    code, out, err = check(cli, root)
    assert code == 1 and "AGENTS.md [ci] (in the file)" in out
    assert "+- `python -m pyright src/` (.github/workflows/typecheck.yml job typecheck)" in out


def test_gitignore_hiding_agents_md_is_reported_on_dry_run_and_commit_leaves_it_out(cli, tmp_path):
    root = realrepos.materialize("npm-cli", tmp_path / "npm-cli")  # its .gitignore ignores the whole root: `/*`
    code, out, err = cli("init-repo", str(root), "--dry-run")
    assert code == 0
    assert re.search(r"warning: AGENTS\.md is ignored by \.gitignore:\d+ `/\*`: git will not track it", err)
    assert "warning: CLAUDE.md is ignored by .gitignore" in err and "Add `!AGENTS.md` to .gitignore" in err
    assert not (root / "AGENTS.md").exists()
    base = git(root, "rev-parse", "HEAD").strip()
    code, out, err = cli("init-repo", str(root), "--branch", "ai/agents-md", "--commit", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["status"] == "written" and (root / "AGENTS.md").is_file()
    assert "--commit: nothing was committed; every file written is ignored by git." in err
    assert git(root, "rev-parse", "HEAD").strip() == base
    # the team un-ignores AGENTS.md: the next commit carries it, and the rest stay out
    (root / ".gitignore").write_text((root / ".gitignore").read_text() + "!/AGENTS.md\n")
    commit(root, "track AGENTS.md")
    (root / "AGENTS.md").unlink()
    code, out, err = cli("init-repo", str(root), "--branch", "ai/agents-md-2", "--commit")
    assert code == 0, err
    assert git(root, "diff", "--name-only", "HEAD~1", "HEAD").split() == ["AGENTS.md"]
    assert "AGENTS.md is ignored" not in err


def test_a_dirty_tree_is_refused_without_branch_too(cli, tmp_path):
    root = realrepos.materialize("requests", tmp_path / "requests")
    (root / "Makefile").write_text((root / "Makefile").read_text() + "\nlint:\n\tpre-commit run --all-files\n")
    code, _, err = cli("init-repo", str(root))
    assert code == 1 and "uncommitted changes (Makefile); refusing to write into a dirty tree" in err
    assert "--allow-dirty" in err and not (root / "AGENTS.md").exists()
    code, out, err = cli("init-repo", str(root), "--dry-run")  # reading is always fine
    assert code == 0 and "+- lint: `make lint` (Makefile target lint)" in out
    code, _, err = cli("init-repo", str(root), "--allow-dirty")
    assert code == 0, err
    assert "- lint: `make lint` (Makefile target lint)" in (root / "AGENTS.md").read_text()
    git(root, "checkout", "--", "Makefile")
    # its own files do not make the tree dirty: a team edit to AGENTS.md, then a rerun
    git(root, "add", "AGENTS.md", "CLAUDE.md", ".gemini/settings.json")
    commit(root, "AGENTS.md")
    agents = root / "AGENTS.md"
    agents.write_text(agents.read_text().replace("## Gotchas\n", "## Gotchas\n\nThe httpbin tests need network.\n"))
    code, _, err = cli("init-repo", str(root))
    assert code == 0, err
    assert "The httpbin tests need network." in agents.read_text()


def test_adopt_refuses_to_grow_a_team_file_past_32_kib(cli, tmp_path):
    root = realrepos.materialize("openai-agents-python", tmp_path / "oa")
    before = (root / "AGENTS.md").read_bytes()
    code, _, err = cli("init-repo", str(root), "--adopt")
    assert code == 1 and "past the 32 KiB Codex reads" in err and "nothing was written" in err
    assert (root / "AGENTS.md").read_bytes() == before and not (root / ".gemini").exists()


def test_adopt_adds_a_compact_block_to_a_team_file(cli, tmp_path):
    root = realrepos.materialize("pydantic-ai", tmp_path / "pa")
    before = (root / "AGENTS.md").read_text()
    code, _, err = cli("init-repo", str(root), "--adopt", "--bridges", "none")
    assert code == 0, err
    after = (root / "AGENTS.md").read_text()
    assert after.startswith(before) and len(after.encode()) - len(before.encode()) < 3 * 1024
    assert "aistack:begin about" not in after and "aistack:begin packages" not in after
    assert "- before a pull request: `make` (CONTRIBUTING.md" in after
    git(root, "add", "AGENTS.md")
    commit(root, "adopt")
    assert cli("init-repo", str(root), "--check", "--bridges", "none")[0] == 0
