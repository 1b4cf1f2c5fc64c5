#!/usr/bin/env bash
# The whole onboarding against the sandbox org, in a temporary HOME: login, setup, init-repo, one real
# Claude Code request through the gateway, usage, doctor. First installs into the checkout what it needs
# (scripts/bootstrap demo: .venv and tests/node; a second run finds them up to date); stops everything it started.
#
#   bash sandbox/demo.sh
#   AISTACK_DEMO_KEEP=1 bash sandbox/demo.sh   keeps the temporary HOME for a look afterwards
#   PYTHON=/path/to/python3.12 bash sandbox/demo.sh   the interpreter for .venv (default python3)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$REPO/scripts/bootstrap" demo
PY="$REPO/.venv/bin/python"
BIN="$REPO/.venv/bin"
CLAUDE="$REPO/tests/node/node_modules/.bin/claude"

DEMO="$(mktemp -d "${TMPDIR:-/tmp}/aistack-demo.XXXXXX")"
ORG_DIR="$DEMO/org"
cleanup() {
  code=$?
  "$PY" "$REPO/sandbox/org.py" down --dir "$ORG_DIR" >/dev/null 2>&1 || true
  if [[ -n "${AISTACK_DEMO_KEEP:-}" ]]; then echo "kept $DEMO" >&2; else rm -rf "$DEMO"; fi
  exit $code
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# A clean, private world: nothing below reads or writes the real HOME, keyring or credentials.
mkdir -p "$DEMO/home" "$DEMO/bin" "$DEMO/tmp"
ln -s "$CLAUDE" "$DEMO/bin/claude"   # only Claude Code, so doctor looks at the one assistant set up here
for var in $(compgen -e); do
  case "$var" in AISTACK_*|XDG_*|ANTHROPIC_*|CLAUDE_*|OPENAI_*) unset "$var" ;; esac
done
export HOME="$DEMO/home" PATH="$DEMO/bin:$BIN:$PATH" TMPDIR="$DEMO/tmp"
export PYTHON_KEYRING_BACKEND=keyring.backends.fail.Keyring   # never the real keychain: --insecure-storage below
export DISABLE_AUTOUPDATER=1 DISABLE_TELEMETRY=1 DISABLE_ERROR_REPORTING=1 CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1
export GIT_AUTHOR_NAME="Demo Engineer" GIT_AUTHOR_EMAIL=demo@example.com
export GIT_COMMITTER_NAME="Demo Engineer" GIT_COMMITTER_EMAIL=demo@example.com

if [[ -t 2 ]]; then BOLD=$'\033[1m' PLAIN=$'\033[0m'; else BOLD="" PLAIN=""; fi
step() { printf '\n%s==> %s%s\n' "$BOLD" "$*" "$PLAIN" >&2; }

step "start the sandbox org (OpenID provider, LiteLLM gateway, MCP server on 127.0.0.1; 15-50 s)"
"$PY" "$REPO/sandbox/org.py" up --dir "$ORG_DIR"

step "aistack login --org $ORG_DIR/org.toml --device --insecure-storage   (the sandbox approves the code itself)"
aistack login --org "$ORG_DIR/org.toml" --device --insecure-storage

step "aistack setup claude-code"
aistack setup claude-code

step "aistack init-repo   (in a small sample repository)"
mkdir -p "$DEMO/sample" && cd "$DEMO/sample"
git init -q -b main
cat > package.json <<'JSON'
{
  "name": "sample",
  "packageManager": "npm@10.9.0",
  "scripts": {"test": "node --test", "lint": "eslint .", "build": "tsc -p ."}
}
JSON
git add package.json && git commit -qm "A sample project"
aistack init-repo
sed -n '1,20p' AGENTS.md

step "claude -p ...   (Claude Code, through the gateway, with the key from its apiKeyHelper: aistack token)"
claude -p "In one sentence: what does aistack do?" </dev/null

step "claude mcp list   (the token-protected MCP server, through the headersHelper aistack wrote)"
claude mcp list </dev/null

step "aistack usage   (the request above, as the gateway recorded it)"
aistack usage --refresh

step "aistack doctor"
aistack doctor

step "done: stopping the sandbox"
