"""The relay as each platform runs a per-user background service, rendered as text (pure: tested on any OS).

- Linux: a systemd user socket (`aistack-relay.socket`, 127.0.0.1:PORT) and the service it activates on the first
  connection (`aistack-relay.service`), so the relay starts on demand and again after a crash.
- macOS: a launchd agent (`com.aistack.relay.plist`) whose `Sockets` entry makes launchd listen and start the
  relay on the first connection.
- Windows: a Task Scheduler task (XML) that starts the relay at logon, with no window, and restarts it.
"""

from __future__ import annotations

import plistlib
from dataclasses import dataclass
from pathlib import PurePath
from xml.sax.saxutils import escape

from aistack.paths import Env
from aistack.relay.local import HOST, SERVICE

LAUNCHD_LABEL = "com.aistack.relay"
SOCKET_NAME = "Listeners"  # the launchd socket's name, asked for by `serve --socket-activated`
HEADER = "Written by `aistack setup`; `aistack setup --remove` deletes it."
XML_HEADER = "Written by aistack setup, which deletes it again when run with its remove option."  # no "--" in XML


# aistack's own directories, when the user moved them: the service must find the same login and profile.
CARRIED = ("AISTACK_CONFIG_DIR", "AISTACK_DATA_DIR", "AISTACK_CACHE_DIR")


def carried(env: Env) -> dict[str, str]:
    return {name: value for name in CARRIED if (value := env.var(name))}


@dataclass(frozen=True)
class Unit:
    path: PurePath
    text: str
    encoding: str = "utf-8"

    def data(self) -> bytes:
        return self.text.encode(self.encoding)


def systemd_quote(arg: str) -> str:
    """One ExecStart= word: systemd splits on spaces and honours double quotes and backslash escapes; `%` and `$`
    are its own specifiers and must be doubled."""
    text = arg.replace("%", "%%").replace("$", "$$")
    if text and not any(c in text for c in ' \t"\'\\;'):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def systemd_units(env: Env, port: int, command: list[str]) -> list[Unit]:
    directory = env.xdg_config().joinpath("systemd", "user")
    socket = f"""# {HEADER}
[Unit]
Description=aistack relay: fresh tokens for your assistants' gateway and MCP traffic (listening socket)

[Socket]
ListenStream={HOST}:{port}
BindIPv6Only=default
NoDelay=true

[Install]
WantedBy=sockets.target
"""
    service = f"""# {HEADER}
[Unit]
Description=aistack relay: fresh tokens for your assistants' gateway and MCP traffic
Requires={SERVICE}.socket
After={SERVICE}.socket

[Service]
Type=simple
ExecStart={" ".join(systemd_quote(a) for a in [*command, "--socket-activated"])}
Restart=on-failure
RestartSec=2
Environment=PYTHONUNBUFFERED=1
"""
    service += "".join(f"Environment={systemd_quote(f'{k}={v}')}\n" for k, v in carried(env).items())
    return [Unit(directory.joinpath(f"{SERVICE}.socket"), socket),
            Unit(directory.joinpath(f"{SERVICE}.service"), service)]


def launchd_units(env: Env, port: int, command: list[str], log: PurePath) -> list[Unit]:
    plist = {
        "Label": LAUNCHD_LABEL,
        "ProgramArguments": [*command, "--socket-activated"],
        "Sockets": {SOCKET_NAME: {"SockNodeName": HOST, "SockServiceName": str(port), "SockType": "stream",
                                  "SockFamily": "IPv4"}},
        "StandardOutPath": str(log),
        "StandardErrorPath": str(log),
        "ProcessType": "Background",
        "EnvironmentVariables": {"PYTHONUNBUFFERED": "1", **carried(env)},
    }
    text = plistlib.dumps(plist, sort_keys=False).decode()
    text = text.replace("<plist", f"<!-- {XML_HEADER} -->\n<plist", 1)
    return [Unit(env.under_home("Library", "LaunchAgents", f"{LAUNCHD_LABEL}.plist"), text)]


def windowless(command: list[str]) -> list[str]:
    """python.exe opens a console window when started at logon; pythonw.exe beside it does not."""
    program = command[0]
    if program.lower().endswith("python.exe"):
        return [program[: -len("python.exe")] + "pythonw.exe", *command[1:]]
    return command


def windows_quote(arg: str) -> str:
    """One argument as CommandLineToArgvW reads it."""
    if arg and not any(c in arg for c in ' \t"'):
        return arg
    out, slashes = '"', 0
    for c in arg:
        if c == "\\":
            slashes += 1
            continue
        out += "\\" * (slashes * 2 + 1 if c == '"' else slashes) + c
        slashes = 0
    return out + "\\" * (slashes * 2) + '"'


def windows_units(env: Env, command: list[str], user: str) -> list[Unit]:
    program, *args = windowless(command)
    text = f"""<?xml version="1.0" encoding="UTF-16"?>
<!-- {XML_HEADER} -->
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Description>aistack relay: fresh tokens for your assistants' gateway and MCP traffic</Description>
  </RegistrationInfo>
  <Triggers>
    <LogonTrigger>
      <Enabled>true</Enabled>
      <UserId>{escape(user)}</UserId>
    </LogonTrigger>
  </Triggers>
  <Principals>
    <Principal id="Author">
      <UserId>{escape(user)}</UserId>
      <LogonType>InteractiveToken</LogonType>
      <RunLevel>LeastPrivilege</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>
    <Hidden>true</Hidden>
    <RestartOnFailure>
      <Interval>PT1M</Interval>
      <Count>999</Count>
    </RestartOnFailure>
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>{escape(windows_quote(program))}</Command>
      <Arguments>{escape(" ".join(windows_quote(a) for a in args))}</Arguments>
    </Exec>
  </Actions>
</Task>
"""
    return [Unit(env.data_dir().joinpath(f"{SERVICE}.task.xml"), text, "utf-16")]  # what schtasks /XML reads


def render(env: Env, port: int, command: list[str], user: str = "") -> list[Unit]:
    """The platform's service files for a relay on `port` started by `command` (`aistack relay serve ...`)."""
    if env.windows:
        return windows_units(env, command, user)
    if env.platform == "darwin":
        return launchd_units(env, port, command, env.cache_dir().joinpath("relay.log"))
    return systemd_units(env, port, command)
