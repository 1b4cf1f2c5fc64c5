"""--branch/--commit with real git: the expected commit, a dirty tree refused, never a push."""

import pytest

from support.gitrepo import ECOSYSTEMS, git, identity, make_repo

WRITTEN = {"AGENTS.md", "CLAUDE.md", ".gemini/settings.json"}


@pytest.fixture(autouse=True)
def _identity(monkeypatch):
    identity(monkeypatch)


def test_branch_and_commit_produce_the_expected_commit(cli, tmp_path):
    root = make_repo(tmp_path / "r", ECOSYSTEMS["uv"])
    base = git(root, "rev-parse", "HEAD").strip()
    code, _, err = cli("init-repo", str(root), "--branch", "ai/agents-md", "--commit")
    assert code == 0, err
    assert git(root, "branch", "--show-current").strip() == "ai/agents-md"
    assert git(root, "rev-parse", "HEAD~1").strip() == base
    assert git(root, "rev-parse", "main").strip() == base  # main untouched
    assert set(git(root, "diff", "--name-only", "HEAD~1", "HEAD").split()) == WRITTEN
    assert git(root, "log", "-1", "--format=%s%n%an").splitlines() == ["Add AGENTS.md from aistack init-repo",
                                                                       "Test Author"]
    assert git(root, "status", "--porcelain") == ""
    sha = git(root, "rev-parse", "HEAD").strip()
    assert f"committed {sha[:12]} on branch ai/agents-md" in err
    assert git(root, "show", "HEAD:AGENTS.md") == (root / "AGENTS.md").read_text()
    assert git(root, "remote") == ""  # nothing to push to, and nothing was attempted


def test_a_dirty_tree_is_refused(cli, tmp_path):
    root = make_repo(tmp_path / "r", ECOSYSTEMS["npm"])
    (root / "index.js").write_text("changed\n")
    code, _, err = cli("init-repo", str(root), "--branch", "ai/agents-md", "--commit")
    assert code == 1 and "uncommitted changes" in err and "--allow-dirty" in err
    assert "ai/agents-md" not in git(root, "branch")
    assert not (root / "AGENTS.md").exists()


def test_allow_dirty_commits_only_aistack_files(cli, tmp_path):
    root = make_repo(tmp_path / "r", ECOSYSTEMS["npm"])
    (root / "index.js").write_text("changed\n")
    git(root, "add", "index.js")  # even a staged change stays out of the commit
    (root / "notes.txt").write_text("untracked\n")
    code, _, err = cli("init-repo", str(root), "--branch", "ai/agents-md", "--commit", "--allow-dirty")
    assert code == 0, err
    assert set(git(root, "diff", "--name-only", "HEAD~1", "HEAD").split()) == WRITTEN
    status = git(root, "status", "--porcelain").splitlines()
    assert "M  index.js" in status and "?? notes.txt" in status


def test_branch_without_commit_leaves_the_files_uncommitted(cli, tmp_path):
    root = make_repo(tmp_path / "r", ECOSYSTEMS["npm"])
    code, _, err = cli("init-repo", str(root), "--branch", "ai/agents-md")
    assert code == 0, err
    assert git(root, "branch", "--show-current").strip() == "ai/agents-md"
    assert "?? AGENTS.md" in git(root, "status", "--porcelain").splitlines()
    assert git(root, "rev-list", "--count", "HEAD").strip() == "1"


def test_an_existing_branch_is_not_reused(cli, tmp_path):
    root = make_repo(tmp_path / "r", ECOSYSTEMS["npm"])
    git(root, "branch", "ai/agents-md")
    code, _, err = cli("init-repo", str(root), "--branch", "ai/agents-md", "--commit")
    assert code == 1 and "already exists" in err
    assert git(root, "branch", "--show-current").strip() == "main" and not (root / "AGENTS.md").exists()


def test_nothing_to_change_creates_no_branch(cli, tmp_path):
    root = make_repo(tmp_path / "r", ECOSYSTEMS["npm"])
    cli("init-repo", str(root), "--branch", "first", "--commit")
    code, _, err = cli("init-repo", str(root), "--branch", "second", "--commit")
    assert code == 0 and "up to date" in err
    assert "second" not in git(root, "branch")


def test_repository_without_commits(cli, tmp_path):
    root = make_repo(tmp_path / "r", ECOSYSTEMS["go-make"], commit=False)
    git(root, "reset", "-q")  # tracked nothing yet: an empty index
    code, _, err = cli("init-repo", str(root), "--branch", "ai/agents-md", "--commit", "--allow-dirty")
    assert code == 0, err
    assert git(root, "rev-list", "--count", "HEAD").strip() == "1"
    assert set(git(root, "show", "--name-only", "--format=", "HEAD").split()) == WRITTEN


def test_invalid_branch_name(cli, tmp_path):
    root = make_repo(tmp_path / "r", ECOSYSTEMS["npm"])
    code, _, err = cli("init-repo", str(root), "--branch", "bad..name", "--commit")
    assert code == 1 and "cannot create branch 'bad..name'" in err
    assert not (root / "AGENTS.md").exists()


def test_missing_git_identity_is_explained(cli, tmp_path, monkeypatch):
    root = make_repo(tmp_path / "r", ECOSYSTEMS["npm"])
    for key in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(key)
    monkeypatch.setenv("EMAIL", "")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "empty-gitconfig"))
    git(root, "config", "user.useConfigOnly", "true")
    code, _, err = cli("init-repo", str(root), "--branch", "ai/agents-md", "--commit")
    assert code == 1 and "git commit failed" in err and "user.email" in err
