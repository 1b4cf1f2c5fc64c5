"""What the maintainers of each corpus repository list (see test_corpus.py): `must` holds what the project's own
contributor docs (or, where it has none, its task runner and CI) say to run; `also` the other entries reviewed as
true for that project; `never` commands that must not be offered (each a mistake an earlier version made on that
repository); `release` what belongs on the "never run" line. Used by the tests and by bench/bench_init_repo.py."""

LABEL = {"setup": "install", "before a pull request": "gate", "dev loop": "dev"}

EXPECTED = {
    "gh-cli": {  # Go; .github/CONTRIBUTING.md: build with `make`, test with `go test ./...`
        "must": {("build", "make"), ("test", "go test ./...")},
        "also": {("test", "make test"), ("test", "go test -race -tags=integration ./..."), ("build", "make manpages"),
                 ("lint", "golangci-lint run")},
        "never": {"make install", "go vet ./...", "git checkout -- ."},
        "release": {"make site-bump", "make macospkg"},
    },
    "gson": {  # Maven multi-module, no wrapper; README "Building": `mvn clean verify`
        "must": {("gate", "mvn clean verify")},
        "also": {("gate", "mvn verify javadoc:jar"), ("test", "mvn test")},
        "never": {"mvn -B package", "./mvnw test"},
    },
    "hatch": {  # hatch.toml; docs/community/contributing.md: `hatch test`, `hatch check`
        "must": {("test", "hatch test"), ("gate", "hatch check"), ("typecheck", "hatch run types:check")},
        "also": {("test", "hatch test --cover"), ("test", "hatch test --cover --all"), ("lint", "hatch fmt --check"),
                 ("format", "hatch check --fix"), ("format", "hatch fmt"), ("build", "hatch run docs:build-check"),
                 ("build", "hatch run docs:build"), ("dev", "hatch run docs:serve")},
        "never": {"hatch run upkeep:update-ruff", "uv pip install --system ."},
        "release": {"hatch run backend:publish", "hatch run release:bump", "hatch run docs:ci-build"},
    },
    "jackson-databind": {  # Maven wrapper; CI builds with `./mvnw -B -ff -ntp verify`
        "must": {("gate", "./mvnw -B -ff -ntp verify")},
        "also": {("test", "./mvnw test")},
        "never": {"./mvnw -B -q -ff -DskipTests -ntp source:jar deploy", "mvn -B package"},
    },
    "jest": {  # yarn 4 workspaces; CONTRIBUTING: `yarn install`, `yarn build`, `yarn test`
        "must": {("install", "yarn install"), ("test", "yarn test"), ("build", "yarn build"), ("lint", "yarn lint")},
        "also": {("install", "corepack enable"), ("test", "yarn test-ts"), ("test", "yarn test-leak"),
                 ("lint", "yarn lint-ts-files"), ("lint", "yarn check-copyright-headers"),
                 ("format", "yarn lint:prettier"), ("format", "yarn lint:prettier:ci"), ("typecheck", "yarn typecheck"),
                 ("typecheck", "yarn test-types"), ("build", "yarn build:js"), ("dev", "yarn watch"),
                 ("dev", "yarn watch:ts")},
        "never": {"yarn install --frozen-lockfile", "yarn jest"},
        "release": {"yarn crowdin:upload"},
    },
    "just": {  # justfile; README "Contribution Workflow": `just ci`; `test`, `check`, `clippy` are watch loops
        "must": {("gate", "just ci"), ("test", "cargo test --all"), ("format", "just fmt"), ("dev", "just watch")},
        "also": {("test", "just print-readme-constants-table"), ("lint", "just shellcheck"),
                 ("lint", "cargo clippy --all --all-targets"), ("lint", "just unused"),
                 ("format", "cargo fmt --all -- --check"), ("build", "just build"), ("build", "just build-book"),
                 ("dev", "just doc")},
        "never": {"just test", "just check", "just clippy", "just install", "just done", "just test-completions"},
        "release": {"just publish", "just test-release-workflow"},
    },
    "mcp-python-sdk": {  # uv; a team-written AGENTS.md; CONTRIBUTING "Development Workflow"
        "must": {("install", "uv sync --frozen --all-extras --dev"), ("test", "uv run pytest"),
                 ("typecheck", "uv run pyright"), ("lint", "uv run ruff check .")},
        "also": {("lint", "pre-commit run --all-files"), ("format", "uv run ruff format .")},
        "never": set(),
    },
    "npm-cli": {  # npm workspaces with committed node_modules; CONTRIBUTING: resetdeps, then `node . run test`
        "must": {("install", "node ./scripts/resetdeps.js"), ("test", "node . run test"), ("lint", "npm run lint")},
        "also": {("test", "npm test"), ("test", "npm run test-all"), ("lint", "npm run eslint"),
                 ("lint", "npm run lint-all")},
        "never": {"npm ci", "npm install"},
    },
    "okhttp": {  # Gradle with `include`d subprojects; CONTRIBUTING: `./gradlew clean check`
        "must": {("gate", "./gradlew clean check")},
        "also": {("gate", "./gradlew check"), ("test", "./gradlew test allTests -Ptest.java.version=8"),
                 ("test", "./gradlew test allTests -Pokhttp.platform=loom -Ptest.java.version=24 -PcontainerTests=true"),
                 ("test", "./gradlew module-tests:test -PokhttpModuleTests=true"),
                 ("lint", "./gradlew android-test-app:lint android-test-app:assembleRelease"),
                 ("build", "./gradlew build")},
        "never": {"./gradlew clean publish --stacktrace"},
    },
    "openai-agents-python": {"must": set(), "also": set(), "never": set()},  # its AGENTS.md is past 32 KiB
    "pdm": {  # pdm scripts; a team-written AGENTS.md; CONTRIBUTING: `pdm install`, `pdm run test`, `pdm run lint`
        "must": {("install", "pdm install"), ("test", "pdm run test"), ("lint", "pdm run lint")},
        "also": {("install", "pdm config -l python.use_venv true"), ("install", "pdm config -l venv.in_project true"),
                 ("test", "pdm run test -n auto"), ("test", "pdm run coverage"), ("build", "pdm run doc-build"),
                 ("dev", "pdm run doc")},
        "never": set(),
        "release": {"pdm run release"},
    },
    "pip": {  # nox; docs/html/development/getting-started.rst: `nox -s test-3.10 -- -n auto`, `nox -s lint`
        "must": {("test", "nox -s test-3.10 -- -n auto"), ("lint", "nox -s lint"),
                 ("install", "python -m pip install nox")},
        "also": {("install", "python -m venv .venv"), ("install", "python -m pip install -e ."),
                 ("test", "nox -s test-3.10"), ("test", "nox -s test"), ("lint", "pipx run check-sdist"),
                 ("typecheck", "nox -s typecheck"), ("dev", "nox -s docs-live")},
        "never": {"nox -s prepare-release", "nox -s docs"},
        "release": {"nox -s upload-release", "nox -s build-release", "nox -s prepare-release"},
    },
    "poetry": {  # poetry; docs/contributing.md "Local development"
        "must": {("install", "poetry install"), ("test", "poetry run pytest"), ("typecheck", "poetry run mypy"),
                 ("lint", "poetry run pre-commit run --all-files")},
        "also": {("install", "poetry run pre-commit install"),
                 ("test", "poetry run pytest --cov=src/poetry --cov-report term"), ("lint", "poetry check --lock"),
                 ("lint", "pipx run twine check --strict dist/*")},
        "never": {"poetry run ruff check .", "poetry run ruff check", "pipx install --suffix=@build dist/*.whl"},
    },
    "pydantic": {  # uv + Makefile; docs/contributing.md: `make install`, `make format`, and `make` for all checks
        "must": {("install", "make install"), ("format", "make format"), ("gate", "make"), ("test", "make test"),
                 ("lint", "make lint")},
        "also": {("test", "make test-no-docs"), ("test", "make test-examples"), ("lint", "make codespell"),
                 ("lint", "make lint-rust"), ("typecheck", "make typecheck"), ("typecheck", "make test-mypy"),
                 ("build", "make docs"), ("dev", "make docs-serve")},
        "never": {"make rebuild-lockfiles", "make all", "make test-mypy-update"},
    },
    "pydantic-ai": {  # uv + Makefile; a team-written AGENTS.md: the compact block only
        "must": {("install", "make install"), ("gate", "make"), ("test", "make test"), ("lint", "make lint")},
        "also": {("install", "make install-all-python"), ("test", "make test-all-python"),
                 ("test", "uv run --no-sync coverage run -m pytest --durations=100 -n logical --dist=loadgroup"),
                 ("format", "make format"), ("typecheck", "make typecheck"), ("typecheck", "make typecheck-both")},
        "never": {"make update-examples", "make update-vcr-tests", "make sync"},
    },
    "pytest": {  # tox; CONTRIBUTING.rst: `tox -e linting,py`, pre-commit
        "must": {("gate", "tox -e linting,py"), ("lint", "tox -e linting"), ("install", "pip install tox")},
        "also": {("install", "pre-commit install"), ("install", "uv sync --group dev"), ("test", "tox -e py"),
                 ("test", "tox -e doctesting-coverage"), ("test", "tox -e plugins"), ("gate", "tox"),
                 ("build", "tox -e docs"), ("build", "tox -e docs-checklinks")},
        "never": {"tox -e py313 -- --pdb", "tox -e py310-freeze"},
        "release": {"tox -e release", "tox -e prepare-release-pr"},
    },
    "requests": {  # Makefile + tox + pre-commit; `make publish` runs twine upload
        "must": {("install", "make init"), ("test", "make test"), ("lint", "pre-commit run --all-files")},
        "also": {("test", "make ci"), ("test", "make coverage"), ("typecheck", "python -m pyright src/requests/")},
        "never": {"make publish", "gh issue close $ISSUE_URL"},
        "release": {"make publish"},
    },
    "ripgrep": {  # Cargo workspace; README "Building" and "Running tests"
        "must": {("build", "cargo build --release"), ("test", "cargo test --all")},
        "also": {("test", "cargo test --verbose --workspace"), ("test", "cargo test --verbose --workspace --features pcre2"),
                 ("format", "cargo fmt --all --check"), ("build", "cargo build --release --features 'pcre2'")},
        "never": {"cargo build --workspace"},
    },
    "task": {  # Taskfile
        "must": {("test", "task test"), ("lint", "task lint"), ("format", "task format")},
        "also": {("install", "task mod"), ("test", "task test:all"), ("test", "task test:watch"),
                 ("format", "task lint:fix"), ("lint", "task api:check"), ("gate", "task default"),
                 ("build", "task sleepit:build"), ("dev", "task run"), ("dev", "task sleepit:run"),
                 ("lint", "check-jsonschema --check-metaschema website/src/public/next-schema.json "
                          "website/src/public/schema.json")},
        "never": {"task gotestsum:install"},
        "release": {"task goreleaser:test"},
    },
    "vite": {  # pnpm workspace; CONTRIBUTING "Repo Setup" and "Running Tests"
        "must": {("install", "pnpm i"), ("build", "pnpm run build"), ("test", "pnpm test"), ("lint", "pnpm run lint"),
                 ("dev", "pnpm run dev")},
        "also": {("install", "corepack enable"), ("test", "pnpm run test-unit"), ("test", "pnpm run test-build"),
                 ("format", "pnpm run format"), ("typecheck", "pnpm run typecheck"), ("build", "pnpm run ci-docs"),
                 ("dev", "pnpm run docs-serve")},
        "never": {"pnpm run ci-publish", "pnpm install --frozen-lockfile"},
        "release": {"pnpm run ci-publish"},
    },
}
