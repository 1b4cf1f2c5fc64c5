"""Everything that attaches a fresh token to an assistant's traffic, with the one token accessor (auth.accessor).

- `bridge` (`aistack mcp-bridge NAME`): a stdio MCP server forwarding to one remote server; needs no daemon.
- `forwarder` (`aistack relay serve`): one loopback HTTP forwarder per user for the gateway and the org's MCP
  servers, for assistants that can neither run a helper nor speak stdio to the bridge.
- `service`: the forwarder installed the platform's way (systemd user socket, launchd agent, Windows logon task).
- `run` (`aistack run CMD`): an assistant started with its route through the gateway and the forwarder.
"""
