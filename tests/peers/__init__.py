"""The real assistant CLIs as test peers: find them, run them offline in a throwaway HOME, read their MCP listings.

The CLIs are the npm packages pinned in tests/node/package.json (`npm ci --prefix tests/node`).
`run_cli(name, args, home=...)` runs one with a clean environment rooted at `home`;
`mcp_listing(name, home)` returns what the CLI itself says is configured, normalised to
``{server: {"transport": "stdio"|"http"|"sse", "url"|"command"+"args", "status", ...}}``.
The parsers are pure functions (`parse_*`) over the CLI's own output.

Verified facts (each one is exercised by a tests/e2e/test_peer_*.py; node 20.20 and 22.23 here):

| CLI | verified with | fact |
|---|---|---|
| all | | every CLI runs offline here. `claude`, `opencode`, `amp` and `cline` are native binaries (kilo's native binary starts from a node launcher), so claude's `engines: node>=22` does not matter; `qwen` declares node>=22 yet runs (mcp list, -p) on node 20 |
| claude | 2.1.332 | user servers: `~/.claude.json` `mcpServers` (`$CLAUDE_CONFIG_DIR/.claude.json` when set), no trust prompt; `type` stdio/http/sse. `mcp list` connects to each: `NAME: URL (HTTP) - ✔ Connected`, `NAME: CMD ARGS - ✘ Failed to connect — why`; exit 0 even when servers fail; `mcp get NAME` shows Type/URL/Command/Args/Headers/Environment, not headersHelper |
| claude | 2.1.332 | `~/.claude.json` is strict JSON: a comment or trailing comma makes every command exit 1 ("corrupted"), the file kept as is and copied to ~/.claude/backups. EVERY successful run rewrites `~/.claude.json` (2-space re-indent, adds firstStartTime, userID, migrationVersion...) |
| claude | 2.1.332 | `headersHelper` (command string, run with cwd ~/.claude and env CLAUDE_CODE_MCP_SERVER_NAME / _URL) prints a JSON object; its headers reach the server. `${VAR}` and `${VAR:-default}` in `headers` are expanded. A 401 server without either: `Failed to connect — Dynamic Client Registration rejected` |
| claude | 2.1.332 | gateway: `~/.claude/settings.json` `env.ANTHROPIC_BASE_URL` → `<base>/v1/messages`; `apiKeyHelper` output goes out as both `Authorization: Bearer` and `x-api-key`; `env.ANTHROPIC_CUSTOM_HEADERS` = newline-separated `Name: value` |
| codex | 0.171.0 | `mcp list --json`: list of `{name, enabled, transport: {type: stdio or streamable_http, ...}}`, no connection check; reading never rewrites config.toml. Unknown keys (`type`, `headers`, anything) are silently ignored; `url`+`command` is fatal (`url is not supported for stdio`); inline `bearer_token` is fatal; there is no SSE (`transport = "sse"` is ignored, the url is used as streamable HTTP) |
| codex | 0.171.0 | remote entries: `bearer_token_env_var`, `http_headers`, `env_http_headers`, and NEW `http_headers_helper = "<command>"` (a string; prints a JSON object of headers; 10 s timeout). `codex exec` connects with all four (verified against a token-checking server) |
| codex | 0.171.0 | gateway: `model_provider = "X"` + `[model_providers.X] base_url, env_key, wire_api = "responses", http_headers` → `<base_url>/responses` with `Authorization: Bearer $env_key`. Prints a harmless `WARNING: ... could not create PATH aliases` when CODEX_HOME is under /tmp |
| gemini | 0.61.0 | `~/.gemini/settings.json`: `//` comments fine, a trailing comma is fatal (exit 52, names the file); reading never rewrites it. Untrusted folder ⇒ even user servers are `Disabled` (`GEMINI_CLI_TRUST_WORKSPACE=true` trusts). Listing goes to STDERR: `✓ NAME: TARGET (http) - Connected` |
| gemini | 0.61.0 | `httpUrl` and `type: "http"` + `url` are streamable HTTP; a bare `url` is ALSO http (no SSE fallback, so an SSE endpoint fails): SSE needs `type: "sse"`. `$VAR`, `${VAR}` expanded in `headers` |
| gemini | 0.61.0 | gateway: `~/.gemini/.env` `GOOGLE_GEMINI_BASE_URL`, `GEMINI_API_KEY_AUTH_MECHANISM=bearer` (sends `Authorization: Bearer` and `x-goog-api-key`), `GEMINI_CLI_CUSTOM_HEADERS=a: 1, b: 2`; the key from the env (`GEMINI_API_KEY`); headless runs need settings `security.auth.selectedType = "gemini-api-key"` (else exit 41 "Invalid auth method selected"; `GEMINI_DEFAULT_AUTH_TYPE` does not help) |
| qwen | 0.24.4 | `~/.qwen/settings.json`, comments fine, no folder-trust gate. `type` is IGNORED: a bare `url` is SSE even with `type: "http"`; streamable HTTP needs `httpUrl`. `$VAR` expanded in headers. It MIGRATES a file without `"$version"`: adds `"$version": 4`, re-indents what it touched, keeps comments |
| qwen | 0.24.4 | gateway: `modelProviders.openai[] {id, name, baseUrl, envKey, generationConfig.customHeaders}` + `security.auth.selectedType = "openai"` (REQUIRED: without it the provider is unused, "No auth type is selected"; `model.name` optional) → `<baseUrl>/chat/completions`, `Authorization: Bearer $envKey` |
| unknown keys | all above | an extra key inside a server entry is accepted silently by claude, codex, qwen, opencode and copilot; gemini prints "Invalid configuration ... Unrecognized key(s) in object" (and still lists the server) |
| gemini+qwen | | one shape both read right: http → `httpUrl`; sse → `type: "sse"` + `url` |
| opencode | 1.18.33 | merges `~/.config/opencode/config.json`, `opencode.json`, `opencode.jsonc` (later wins per server); CREATES `opencode.jsonc` (`{"$schema": ...}`) on first run when none exists; comments and trailing commas fine; `remote` tries streamable HTTP then SSE; `{env:VAR}` expanded; `debug config` prints the merged config with header/apiKey values as `***` |
| opencode | 1.18.33 | gateway: `provider.anthropic.options.baseURL` must END IN /v1 (it posts `<baseURL>/messages`, unlike ANTHROPIC_BASE_URL); `apiKey: "{env:AISTACK_TOKEN}"` → `x-api-key` only (add `headers.Authorization: "Bearer {env:AISTACK_TOKEN}"` for a Bearer gateway; it is sent); openai `baseURL` `.../openai/v1` → `/openai/v1/responses`, apiKey as Bearer; `options.headers` sent |
| copilot | 1.0.102 | `~/.copilot/mcp-config.json` (`$COPILOT_HOME/mcp-config.json`; XDG_CONFIG_HOME is NOT used); `type` not required (bare `url` = http, bare `command` = stdio), `tools` defaults `["*"]`; invalid entries dropped silently; `${VAR}` expanded in headers; `mcp list --json`, `mcp get NAME --json`, no connection check |
| copilot | 1.0.102 | gateway is env only: `COPILOT_PROVIDER_BASE_URL` (→ `<base>/chat/completions`), `COPILOT_PROVIDER_API_KEY_COMMAND` (a helper: output sent as Bearer), `COPILOT_PROVIDER_HEADERS` (newline-separated) — clients.md's "no custom headers" is outdated; `COPILOT_OFFLINE=true` skips GitHub auth. First run unpacks ~235 MB into `$XDG_CACHE_HOME/copilot`, so the harness shares one cache dir |
| codex | 0.169.0 | `[model_providers.X.auth] command, args, timeout_ms, refresh_interval_ms`: the command prints a bearer token; run at start, again once older than the interval, and at once after a 401 (the request retried); `env_key` beside it is a config error. `codex app-server` asks MCP tool approval as `mcpServer/elicitation/request` |
| copilot | 1.0.102 | `COPILOT_PROVIDER_API_KEY_COMMAND` runs before every model request; a failing one shows only "exited with status N" |
| opencode | 1.18.33 | a plugin in `~/.config/opencode/plugin/*.js` loads without any config entry; its `chat.headers` hook runs before every model request and its headers win over the provider's `apiKey`; a remote MCP entry with `"oauth": false` never starts OpenCode's own OAuth |
| qwen | 0.24.4 | settings `env` fills variables the process lacks (an `envKey` placeholder needs no .env file); MCP tools hidden behind `tool_search` + `tool_call` |
| gemini | 0.61.0 | without `-m`, every prompt first asks a flash-lite model for a JSON routing decision (retried for about 100 s against a gateway that answers text) |
| cn | 1.5.47 | `~/.continue/config.yaml`, `mcpServers` a LIST of entries with `name`; the WHOLE file is refused ("Failed to parse config") without top-level `name` and `version`, or with one entry of an unknown `type` (`http`: only `stdio`, `sse`, `streamable-http`); `${{ secrets.NAME }}` is read from its environment first (headers, `apiKey`); no listing: `cn -p` connects to every server before the prompt and exits 1 naming each that failed (`MCP server(s) failed to load:`); model `provider: openai` + `apiBase` → `<apiBase>/chat/completions`, `apiKey` as Bearer |
| kilo | 7.7.7 | reads `~/.config/kilo/` config.json < kilo.json < kilo.jsonc < opencode.json < opencode.jsonc (later wins per server), never `~/.config/opencode/`, and never Kilo 6's extension `mcp_settings.json` (only `KILO_PLATFORM=vscode`, the extension's own server, migrates it in memory); OpenCode's entry shape and `{env:VAR}`; `mcp list` connects (`●  ✓ NAME connected`). Its first run REWRITES kilo.jsonc (adds `$schema`, a `permission` migration, re-indents what it touched, keeps comments). `kilo debug config` prints header values with `{env:}` EXPANDED: the tests never run it |
| kilo | 7.7.7 | gateway: `provider.openai.options` `baseURL` → `<baseURL>/responses`, `apiKey` as Bearer, `headers` sent |
| amp | 0.0.1790142911-g7618fb | `~/.config/amp/settings.json`, else `settings.jsonc` (comments, trailing commas); with both, settings.json only; literal key `"amp.mcpServers"`; `${VAR}` expanded in headers, `${env:VAR}` sent as written; a bare `url` tries streamable HTTP, then SSE; `mcp list --json` reads without connecting (`[{name, type: command|url, source, spec}]`); `mcp doctor` connects (needs `AMP_API_KEY`, else it starts a login and waits; exit 0 even when a server fails); workspace `.amp/settings.json` servers wait for `amp mcp approve` |
| cline | 3.0.65 | the CLI reads `~/.cline/data/settings/cline_mcp_settings.json` (`CLINE_MCP_SETTINGS_PATH` moves it), never the VS Code extension's; strict JSON (a comment rejects the file); `type` `streamableHttp` or `sse` (a bare `url` is SSE), stdio without; any other `type` (`http`, `streamable-http`) rejects the WHOLE file; no interpolation (`${AISTACK_TOKEN}` is sent as written); `config mcp` lists offline; it connects only to run a prompt, giving each server 3 s to initialize unless its `timeout` (seconds) says more, and writes the OAuth error a refused server met into that server's entry |
| project | all above | repo-level files read from the working directory: claude `.mcp.json` (listed `⏸ Pending approval` until approved in `claude`); codex `.codex/config.toml` only once the user config has `[projects."<abs>"] trust_level = "trusted"`; gemini `.gemini/settings.json` (trusted folder); qwen `.qwen/settings.json` AND `.mcp.json` (both `Pending approval`); opencode `opencode.json` (no prompt); copilot `.mcp.json`, else `.github/mcp.json`, never `.vscode/mcp.json`, and only in a trusted folder (`COPILOT_ALLOW_ALL=true`) |
"""

from .listings import (
                       LIST_ARGS,
                       PARSERS,
                       amp_doctor,
                       claude_get,
                       continue_run,
                       mcp_listing,
                       opencode_config,
                       parse_amp_doctor,
                       parse_amp_list,
                       parse_claude_get,
                       parse_claude_list,
                       parse_cline_list,
                       parse_cn_result,
                       parse_codex_list,
                       parse_copilot_list,
                       parse_gemini_list,
                       parse_opencode_list,
)
from .run import (
                       DEFAULT_TIMEOUT,
                       NODE_BIN,
                       PACKAGES,
                       VERSIONS,
                       available,
                       cli_path,
                       env_for,
                       installed_version,
                       require,
                       run_cli,
                       shared_cache,
                       strip_ansi,
)

__all__ = [
    "DEFAULT_TIMEOUT", "LIST_ARGS", "NODE_BIN", "PACKAGES", "PARSERS", "VERSIONS", "amp_doctor", "available",
    "claude_get", "cli_path", "continue_run", "env_for", "installed_version", "mcp_listing", "opencode_config",
    "parse_amp_doctor", "parse_amp_list", "parse_claude_get", "parse_claude_list", "parse_cline_list",
    "parse_cn_result", "parse_codex_list", "parse_copilot_list", "parse_gemini_list", "parse_opencode_list",
    "require", "run_cli", "shared_cache", "strip_ansi",
]
