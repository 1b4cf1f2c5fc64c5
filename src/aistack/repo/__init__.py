"""init-repo: detect a repository's real commands, render AGENTS.md into marker blocks, bridge other tools to it."""
