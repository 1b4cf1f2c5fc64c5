"""The relay's background service on each platform. Linux for real: systemd's own verifier accepts the units, and
systemd's socket-activation tool starts the relay from them on the first connection. macOS and Windows cannot run
here: their files are parsed back (plistlib, the task XML) and the manager calls are recorded by a fake runner."""

from __future__ import annotations

import os
import plistlib
import shlex
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from aistack.paths import Env
from aistack.relay import local, service, units
from support.relay import free_port


def linux_env(home: Path) -> Env:
    return Env(home=home, environ={"XDG_CONFIG_HOME": str(home / ".config"),
                                   "AISTACK_DATA_DIR": str(home / "data")}, platform="linux")


class Recorder:
    def __init__(self, fail: tuple[str, ...] = ()):
        self.calls: list[list[str]] = []
        self.fail = fail

    def __call__(self, argv: list[str]) -> subprocess.CompletedProcess:
        self.calls.append(argv)
        failed = any(word in argv for word in self.fail)
        return subprocess.CompletedProcess(argv, 1 if failed else 0, "", "Failed to connect to bus" if failed else "")


def test_systemd_units_pass_systemds_own_verifier(tmp_path):
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze is not installed")
    odd = tmp_path / "my tools" / "100%" / "python3"  # spaces and % in the path: quoted and escaped
    odd.parent.mkdir(parents=True)
    odd.symlink_to(sys.executable)
    files = units.systemd_units(linux_env(tmp_path), 24123, local.serve_command(24123, str(odd)))
    for unit in files:
        Path(unit.path).parent.mkdir(parents=True, exist_ok=True)
        Path(unit.path).write_text(unit.text)
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    verify = [shutil.which("systemd-analyze"), "verify", "--user", *[str(u.path) for u in files]]
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime), XDG_CONFIG_HOME=str(tmp_path / ".config"))
    done = subprocess.run(verify, capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "ListenStream=127.0.0.1:24123" in files[0].text
    assert '"' + str(odd).replace("%", "%%") + '"' in files[1].text
    # The verifier can fail: a unit with a misspelt key and no ExecStart is refused.
    broken = Path(files[1].path)
    broken.write_text(files[1].text.replace("ExecStart=", "ExecStrat="))
    assert subprocess.run(verify, capture_output=True, text=True, env=env, timeout=60).returncode != 0


def exec_start(service_text: str) -> list[str]:
    line = next(x for x in service_text.splitlines() if x.startswith("ExecStart="))
    return [w.replace("%%", "%").replace("$$", "$") for w in shlex.split(line.removeprefix("ExecStart="))]


def test_socket_activation_starts_the_relay_on_the_first_connection(tmp_path):
    """What systemd does with the installed units, done by systemd's own systemd-socket-activate: it listens on
    the socket unit's address and starts the service unit's ExecStart only when a client connects."""
    tool = shutil.which("systemd-socket-activate")
    if not tool:
        pytest.skip("systemd-socket-activate is not installed")
    from support import subprocess_env

    port = free_port()
    socket_unit, service_unit = units.systemd_units(linux_env(tmp_path), port, local.serve_command(port))
    listen = next(x for x in socket_unit.text.splitlines() if x.startswith("ListenStream=")).split("=", 1)[1]
    log = tmp_path / "relay.log"
    with open(log, "wb") as out:
        activator = subprocess.Popen([tool, "-l", listen, *exec_start(service_unit.text)], stdout=out, stderr=out,
                                     env=subprocess_env(), stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not _listening(port) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert b"serving" not in log.read_bytes(), "nothing runs before the first connection"
        found = local.ping(port, timeout=20)  # the first connection: the relay starts and answers it
        assert found is not None and found["port"] == port, log.read_text(errors="replace")
        assert "serving" in log.read_text()
    finally:
        activator.terminate()
        activator.wait(10)


def _listening(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        probe.settimeout(0.2)
        try:
            probe.connect(("127.0.0.1", port))
        except OSError:
            return False
    return True


def test_socket_activated_relay_exits_when_idle_and_says_so(tmp_path):
    tool = shutil.which("systemd-socket-activate")
    if not tool:
        pytest.skip("systemd-socket-activate is not installed")
    from support import subprocess_env

    port = free_port()
    log = tmp_path / "relay.log"
    with open(log, "wb") as out:
        activator = subprocess.Popen([tool, "-l", f"127.0.0.1:{port}", *local.serve_command(port),
                                      "--socket-activated", "--idle-exit", "1"], stdout=out, stderr=out,
                                     env=subprocess_env(), stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not _listening(port) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert local.ping(port, timeout=20) is not None
        assert activator.wait(30) == 0
        assert "idle for 1 s: exiting" in log.read_text()
    finally:
        if activator.poll() is None:
            activator.kill()


def test_moved_aistack_directories_go_into_the_service(tmp_path):
    env = Env(home=tmp_path, environ={"AISTACK_DATA_DIR": "/srv/my data/aistack"}, platform="linux")
    _, service_unit = units.systemd_units(env, 24123, ["/usr/bin/python3", "-m", "aistack"])
    assert 'Environment="AISTACK_DATA_DIR=/srv/my data/aistack"' in service_unit.text
    mac = Env(home="/Users/u", environ={"AISTACK_CONFIG_DIR": "/cfg"}, platform="darwin")
    [agent] = units.render(mac, 24123, ["/usr/bin/python3"])
    assert plistlib.loads(agent.data())["EnvironmentVariables"]["AISTACK_CONFIG_DIR"] == "/cfg"


def test_launchd_agent_listens_for_the_relay(tmp_path):
    env = Env(home="/Users/u", environ={}, platform="darwin")
    [agent] = units.render(env, 24501, ["/opt/aistack/bin/python", "-m", "aistack", "relay", "serve", "--port",
                                        "24501"])
    assert str(agent.path) == "/Users/u/Library/LaunchAgents/com.aistack.relay.plist"
    plist = plistlib.loads(agent.data())
    assert plist["Label"] == "com.aistack.relay"
    assert plist["ProgramArguments"][-1] == "--socket-activated"
    assert plist["Sockets"]["Listeners"] == {"SockNodeName": "127.0.0.1", "SockServiceName": "24501",
                                             "SockType": "stream", "SockFamily": "IPv4"}
    assert plist["StandardErrorPath"].endswith("/Library/Caches/aistack/relay.log")


def test_windows_task_starts_the_relay_at_logon_without_a_window():
    env = Env(home="C:\\Users\\u", environ={"LOCALAPPDATA": "C:\\Users\\u\\AppData\\Local", "USERDOMAIN": "CORP",
                                           "USERNAME": "u"}, platform="win32")
    command = ["C:\\Program Files\\Python311\\python.exe", "-m", "aistack", "relay", "serve", "--port", "25123"]
    [task] = service.rendered(env, 25123, command[0])
    assert str(task.path) == "C:\\Users\\u\\AppData\\Local\\aistack\\aistack-relay.task.xml"
    assert task.data().startswith(b"\xff\xfe")  # UTF-16, as schtasks /XML reads it
    ns = {"t": "http://schemas.microsoft.com/windows/2004/02/mit/task"}
    root = ET.fromstring(task.data().decode("utf-16").split("\n", 1)[1])
    assert root.find("t:Actions/t:Exec/t:Command", ns).text == '"C:\\Program Files\\Python311\\pythonw.exe"'
    assert root.find("t:Actions/t:Exec/t:Arguments", ns).text == "-m aistack relay serve --port 25123"
    assert root.find("t:Triggers/t:LogonTrigger/t:UserId", ns).text == "CORP\\u"
    assert root.find("t:Settings/t:Hidden", ns).text == "true"
    assert root.find("t:Settings/t:RestartOnFailure/t:Count", ns).text == "999"
    assert root.find("t:Settings/t:ExecutionTimeLimit", ns).text == "PT0S"


def test_windows_argument_quoting():
    assert units.windows_quote("plain") == "plain"
    assert units.windows_quote("with space") == '"with space"'
    assert units.windows_quote('say "hi"') == '"say \\"hi\\""'
    assert units.windows_quote("C:\\dir with space\\") == '"C:\\dir with space\\\\"'


@pytest.mark.parametrize("platform, install_calls, remove_calls", [
    ("linux", [["systemctl", "--user", "daemon-reload"], ["systemctl", "--user", "enable", "aistack-relay.socket"],
               ["systemctl", "--user", "restart", "aistack-relay.socket"]],
     [["systemctl", "--user", "disable", "--now", "aistack-relay.socket", "aistack-relay.service"],
      ["systemctl", "--user", "daemon-reload"]]),
])
def test_install_tells_the_manager_once_and_remove_deletes_only_its_files(tmp_path, platform, install_calls,
                                                                          remove_calls):
    env = linux_env(tmp_path)
    run = Recorder()
    first = service.install(env, 24123, run=run)
    assert [s for _, s in first.files] == ["created", "created"] and run.calls == install_calls
    assert local.load_state(env)["port"] == 24123 and local.load_state(env)["service_active"] is True
    again = service.install(env, 24123, run=run)
    assert [s for _, s in again.files] == ["unchanged", "unchanged"] and len(run.calls) == 3  # nothing to tell
    moved = service.install(env, 24124, run=run)
    assert [s for _, s in moved.files] == ["changed", "changed"] and len(run.calls) == 6
    unrelated = Path(tmp_path / ".config" / "systemd" / "user" / "mine.service")
    unrelated.write_text("[Service]\nExecStart=/bin/true\n")
    gone = service.remove(env, run=run)
    assert [s for _, s in gone.files] == ["removed", "removed"] and run.calls[6:] == remove_calls
    assert unrelated.exists() and sorted(p.name for p in unrelated.parent.iterdir()) == ["mine.service"]
    assert service.remove(env, run=run).files == []


def test_without_a_user_manager_the_files_stay_and_the_note_says_how_it_starts(tmp_path):
    env = linux_env(tmp_path)
    outcome = service.install(env, 24123, run=Recorder(fail=("daemon-reload",)))
    assert all(Path(p).exists() for p, _ in outcome.files)
    assert "Failed to connect to bus" in outcome.notes[0] and "aistack run" in outcome.notes[1]
    assert local.load_state(env)["service_active"] is False


def test_macos_and_windows_manager_calls(tmp_path):
    mac = Env(home=tmp_path, environ={}, platform="darwin")
    run = Recorder(fail=("bootout",))  # not loaded yet: bootout fails, which is fine
    outcome = service.install(mac, 24501, run=run, python="/usr/bin/python3")
    assert outcome.notes == ["the relay answers on 127.0.0.1:24501; it starts on the first connection"]
    assert run.calls[1][:2] == ["launchctl", "bootstrap"]
    assert run.calls[1][3].endswith("Library/LaunchAgents/com.aistack.relay.plist")
    win = Env(home=tmp_path, environ={"LOCALAPPDATA": str(tmp_path / "local")}, platform="win32")
    run = Recorder()
    # Windows paths cannot be written on Linux: only the calls are checked.
    steps = service._manager_steps(win, service.rendered(win, 25000), True)
    assert steps[0][:4] == ["schtasks", "/Create", "/TN", "aistack-relay"] and steps[1] == [
        "schtasks", "/Run", "/TN", "aistack-relay"]
