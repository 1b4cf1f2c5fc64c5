#!/usr/bin/env bash
# The whole onboarding against the sandbox org, in a temporary HOME: login, setup, init-repo, one real
# Claude Code request through the gateway, usage, doctor. Installs nothing; stops everything it started.
#
#   bash sandbox/demo.sh            (once before: pip install -e . -r sandbox/requirements.txt; npm ci --prefix tests/node)
#   AISTACK_DEMO_KEEP=1 bash sandbox/demo.sh   keeps the temporary HOME for a look afterwards
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="${PYTHON:-}"
if [[ -z "$PY" ]]; then
  if [[ -x "$REPO/.venv/bin/python" ]]; then PY="$REPO/.venv/bin/python"; else PY="$(command -v python3)"; fi
fi
BIN="$(dirname "$PY")"
CLAUDE="$REPO/tests/node/node_modules/.bin/claude"

missing=()
[[ -x "$BIN/aistack" ]] || missing+=("aistack in $BIN: python3 -m venv .venv && .venv/bin/pip install -e .")
"$PY" -c 'import importlib.util as u, sys; sys.exit(u.find_spec("litellm") is None)' \
  || missing+=("LiteLLM: $BIN/pip install -r sandbox/requirements.txt")
[[ -x "$CLAUDE" && -d "$REPO/tests/node/node_modules/oidc-provider" ]] \
  || missing+=("Claude Code and oidc-provider: npm ci --prefix tests/node")
command -v node >/dev/null || missing+=("Node.js 20 or newer")
if (( ${#missing[@]} )); then
  echo "The demo needs (one-time install, run from $REPO):" >&2
  printf '  - %s\n' "${missing[@]}" >&2
  exit 2
fi

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
