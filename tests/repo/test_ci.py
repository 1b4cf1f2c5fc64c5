"""What CI runs, read from workflows: check jobs of pull-request and push workflows, each step whole or not at all."""

import textwrap

from aistack.repo.context import ci_lines
from aistack.repo.detect import detect
from aistack.repo.index import RepoView


def ci(tmp_path, workflows: dict[str, str], extra: dict[str, str] | None = None):
    files = {f".github/workflows/{name}": textwrap.dedent(body) for name, body in workflows.items()}
    files.update(extra or {})
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return detect(RepoView(tmp_path, sorted(files)), "")


def runs(found):
    return [(c.run, c.cwd, c.source.key) for c in found.ci]


def test_only_pull_request_and_push_workflows(tmp_path):
    step = "    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n"
    found = ci(tmp_path, {
        "ci.yml": "on: [pull_request]\njobs:\n  t:\n" + step,
        "nightly.yml": "on:\n  schedule:\n    - cron: '0 0 * * *'\njobs:\n  n:\n" + step.replace("test", "nightly"),
        "release.yml": "on:\n  push:\n    tags: ['v*']\njobs:\n  r:\n" + step.replace("test", "dist"),
        "bots.yml": "on: pull_request_target\njobs:\n  b:\n" + step.replace("test", "label"),
        "main.yml": "on:\n  push:\n    branches: [main]\n    tags: ['v*']\njobs:\n  m:\n" + step.replace("test", "lint"),
    })
    assert sorted(r[0] for r in runs(found)) == ["make lint", "make test"]


def test_release_deploy_and_bot_jobs_are_left_out(tmp_path):
    found = ci(tmp_path, {"ci.yml": """\
        on: [push, pull_request]
        jobs:
          test:
            runs-on: ubuntu-latest
            steps:
              - run: npm test
              - name: Deploy snapshot
                if: github.event_name != 'pull_request'
                run: npm run deploy-snapshot
          publish:
            runs-on: ubuntu-latest
            steps: [{run: npm run build}]
          docs:
            runs-on: ubuntu-latest
            environment: github-pages
            steps: [{run: npm run docs}]
          pages:
            runs-on: ubuntu-latest
            steps: [{uses: peaceiris/actions-gh-pages@v4}, {run: npm run site}]
          master-only:
            runs-on: ubuntu-latest
            if: github.ref == 'refs/heads/main'
            steps: [{run: npm run e2e}]
          lint:
            runs-on: ubuntu-latest
            if: needs.changes.outputs.src == 'true' || github.event_name != 'pull_request'
            steps: [{run: npm run lint}]
          secret:
            runs-on: ubuntu-latest
            env: {TOKEN: "${{ secrets.TOKEN }}"}
            steps: [{run: npm run integration}]
    """})
    assert runs(found) == [("npm run lint", "", "job lint"), ("npm test", "", "job test")]


def test_a_script_is_kept_whole_or_left_out(tmp_path):
    found = ci(tmp_path, {"ci.yml": """\
        on: pull_request
        jobs:
          a:
            runs-on: ubuntu-latest
            steps:
              - run: |
                  python -m pip install pre-commit
                  pre-commit run --all-files
              - run: |
                  if [ -f x ]; then
                    make test
                  fi
              - run: |
                  cargo build \\
                    --workspace
              - run: |
                  echo "dir=$(pwd)" >> $GITHUB_OUTPUT
              - run: |
                  git push --force origin HEAD
              - run: cd docs && make html
              - run: |
                  set -euxo pipefail
                  go vet ./...
    """})
    assert runs(found) == [
        ("go vet ./...", "", "job a"),
        ("python -m pip install pre-commit && pre-commit run --all-files", "", "job a"),
        ("cargo build --workspace", "", "job a"),
        ("make html", "docs", "job a"),
    ]


def test_expressions_are_resolved_from_the_matrix_and_env_or_the_step_is_left_out(tmp_path):
    found = ci(tmp_path, {"ci.yml": """\
        on: pull_request
        env: {CARGO: cargo}
        jobs:
          t:
            runs-on: ${{ matrix.os }}
            strategy:
              matrix:
                os: [ubuntu-latest, windows-latest]
                toxenv: [py311, py312]
                include:
                  - toxenv: py311
                    extra: --cov
            env: {FLAGS: ""}
            steps:
              - run: tox -e ${{ matrix.toxenv }} -- ${{ matrix.extra }}
              - run: ${{ env.CARGO }} test ${{ env.FLAGS }}
              - run: mvn verify ${{ matrix.missing || '' }}
              - run: echo ${{ github.sha }}
              - run: npm test -- --shard=${{ steps.split.outputs.shard }}
              - run: ./build.sh ${SHA}
                env: {SHA: "${{ github.sha }}"}
    """}, {"build.sh": "#!/bin/sh\n"})
    assert [r[0] for r in runs(found)] == ["cargo test", "tox -e py311 -- --cov", "mvn verify"]


def test_working_directory_defaults_and_shells(tmp_path):
    found = ci(tmp_path, {"ci.yml": """\
        on: pull_request
        defaults:
          run: {working-directory: web}
        jobs:
          web:
            runs-on: ubuntu-latest
            steps:
              - run: npm test
              - run: npm run lint
                working-directory: ./api
              - run: Get-ChildItem
                shell: pwsh
          win:
            runs-on: windows-latest
            steps: [{run: npm test}]
          py:
            runs-on: ubuntu-latest
            defaults:
              run: {working-directory: ., shell: bash}
            steps: [{run: pytest}]
    """})
    assert runs(found) == [("pytest", "", "job py"), ("npm test", "web", "job web"),
                           ("npm run lint", "api", "job web")]


def test_steps_in_another_repository_s_checkout_are_left_out(tmp_path):
    found = ci(tmp_path, {"ci.yml": """\
        on: pull_request
        jobs:
          compat:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: make test
              - uses: actions/checkout@v4
                with: {repository: org/other, path: other}
              - run: make test
                working-directory: other
              - run: cd other && make lint
          downstream:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
                with: {repository: org/downstream}
              - run: make e2e
    """})
    assert runs(found) == [("make test", "", "job compat")]


def test_checks_first_and_capped_per_job_whatever_the_step_order(tmp_path):
    steps = ["npm ci", "npm run build", "npm run lint", "npm test", "npm run typecheck", "npm run format:check",
             "npm run test:e2e"]
    body = "on: pull_request\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n"
    first = ci(tmp_path / "a", {"ci.yml": body + "".join(f"      - run: {s}\n" for s in steps)})
    second = ci(tmp_path / "b", {"ci.yml": body + "".join(f"      - run: {s}\n" for s in reversed(steps))})
    assert [c.run for c in first.ci] == [c.run for c in second.ci]
    shown = [c.run for c in ci_lines(first, per_job=4, total=10)]
    assert shown == ["npm test", "npm run test:e2e", "npm run lint", "npm run format:check"]


def test_gitlab_jobs(tmp_path):
    found = ci(tmp_path, {}, {".gitlab-ci.yml": textwrap.dedent("""\
        stages: [test, deploy]
        test:
          script: [make test, "echo $CI_COMMIT_SHA"]
        lint:
          stage: test
          script:
            - |
              if true; then make lint; fi
            - make lint
        release:
          stage: deploy
          script: [make release]
        docs:
          only: [tags]
          script: [make docs]
        manual-e2e:
          when: manual
          script: [make e2e]
        """)})
    assert runs(found) == [("make lint", "", "job lint"), ("make test", "", "job test")]
