"""Who is on the other end of a loopback TCP connection: the relay serves only the user it runs as.

Checked once per connection, when it is accepted. TCP has no SO_PEERCRED, so each OS is asked its own way:
- Linux: /proc/net/tcp and tcp6 list every socket with its owner's uid, readable without privileges; the client's
  end is the row whose local address is the client's and whose remote address is ours.
- macOS: no unprivileged socket-to-uid table, but `lsof -u <me>` lists the sockets of this user's own processes;
  the connection is ours when one of them holds the client's end.
- Windows: GetExtendedTcpTable names the process owning the client's end; that process's token names its user,
  compared with ours (a process of another user cannot even be opened for that query).
A connection whose owner cannot be established is refused.
"""

from __future__ import annotations

import os
import socket
import struct
import subprocess
import sys
from collections.abc import Callable, Iterator

Address = tuple[str, int]


def _proc_hex(ip: str, port: int) -> str:
    """An address as /proc/net/tcp{,6} spells it: the address's 32-bit words in host byte order, then the port."""
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    raw = socket.inet_pton(family, ip)
    words = struct.unpack(f"<{len(raw) // 4}I", raw)
    return "".join(f"{w:08X}" for w in words) + f":{port:04X}"


def _v4_mapped(ip: str) -> str:
    return f"::ffff:{ip}" if ":" not in ip else ip


TABLES = ("/proc/net/tcp", "/proc/net/tcp6")


def _rows(tables: tuple[str, ...]) -> Iterator[tuple[str, str, str, int]]:
    """(local, remote, state, uid) for every socket in the kernel's tables."""
    for table in tables:
        try:
            with open(table, encoding="ascii") as fh:
                next(fh, None)
                for line in fh:
                    fields = line.split()
                    if len(fields) > 7:
                        yield fields[1], fields[2], fields[3], int(fields[7])
        except OSError:
            continue


def linux_owner(client: Address, server: Address, tables: tuple[str, ...] = TABLES) -> int | None:
    """The uid owning the client's end of the connection client -> server, from the kernel's socket tables."""
    wanted = {(_proc_hex(*client), _proc_hex(*server))}
    if ":" not in client[0]:  # an IPv4 connection to a dual-stack socket shows as v4-mapped in tcp6
        wanted.add((_proc_hex(_v4_mapped(client[0]), client[1]), _proc_hex(_v4_mapped(server[0]), server[1])))
    return next((uid for local, remote, _, uid in _rows(tables) if (local, remote) in wanted), None)


def linux_listener_owner(port: int, host: str = "127.0.0.1", tables: tuple[str, ...] = TABLES) -> int | None:
    """The uid owning the socket listening on host:port (another user's, when the port was taken first)."""
    wanted = {_proc_hex(host, port), _proc_hex(_v4_mapped(host), port), _proc_hex("0.0.0.0", port),
              _proc_hex("::", port)}
    return next((uid for local, _, state, uid in _rows(tables) if state == "0A" and local in wanted), None)


def lsof_lines_hold(output: str, client: Address, server: Address) -> bool:
    """Whether `lsof -F n` output lists the client's end (local = client, remote = server)."""
    def spell(address: Address) -> str:
        return f"[{address[0]}]:{address[1]}" if ":" in address[0] else f"{address[0]}:{address[1]}"

    wanted = f"n{spell(client)}->{spell(server)}"
    return any(line.strip() == wanted for line in output.splitlines())


def macos_same_user(client: Address, server: Address, run: Callable[..., subprocess.CompletedProcess] = subprocess.run
                    ) -> bool:
    lsof = "/usr/sbin/lsof" if os.path.exists("/usr/sbin/lsof") else "lsof"
    try:
        done = run([lsof, "-nP", "-a", "-u", str(os.getuid()), f"-iTCP@{client[0]}:{client[1]}", "-Fn"],
                   capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return lsof_lines_hold(done.stdout, client, server)


# --- Windows: iphlpapi's owner-PID connection table, then the owning process's user SID.
_TCP_TABLE_OWNER_PID_CONNECTIONS = 4
_ROW = struct.Struct("<IIIIII")  # state, local addr, local port, remote addr, remote port, owning pid


def windows_table_pid(table: bytes, client: Address, server: Address) -> int | None:
    """The owning PID of the row client -> server in a MIB_TCPTABLE_OWNER_PID buffer (addresses in network order,
    ports in the low 16 bits in network order)."""
    (count,) = struct.unpack_from("<I", table, 0)
    want = (socket.inet_aton(client[0]), client[1], socket.inet_aton(server[0]), server[1])
    for i in range(count):
        _, laddr, lport, raddr, rport, pid = _ROW.unpack_from(table, 4 + i * _ROW.size)
        row = (struct.pack("<I", laddr), socket.ntohs(lport & 0xFFFF), struct.pack("<I", raddr),
               socket.ntohs(rport & 0xFFFF))
        if row == want:
            return pid
    return None


def _windows_tcp_table() -> bytes:  # pragma: no cover - Windows only
    import ctypes

    size = ctypes.c_ulong(0)
    iphlpapi = ctypes.windll.iphlpapi  # type: ignore[attr-defined]
    iphlpapi.GetExtendedTcpTable(None, ctypes.byref(size), False, socket.AF_INET, _TCP_TABLE_OWNER_PID_CONNECTIONS, 0)
    buffer = ctypes.create_string_buffer(size.value + 4096)
    size = ctypes.c_ulong(len(buffer))
    if iphlpapi.GetExtendedTcpTable(buffer, ctypes.byref(size), False, socket.AF_INET,
                                    _TCP_TABLE_OWNER_PID_CONNECTIONS, 0) != 0:
        return b"\0\0\0\0"
    return buffer.raw[:size.value]


def _windows_user_sid(pid: int | None) -> bytes | None:  # pragma: no cover - Windows only
    """The SID of the user owning process `pid` (this process when None), or None when it cannot be read."""
    import ctypes
    from ctypes import wintypes

    kernel32, advapi32 = ctypes.windll.kernel32, ctypes.windll.advapi32  # type: ignore[attr-defined]
    kernel32.OpenProcess.restype = wintypes.HANDLE
    process = kernel32.GetCurrentProcess() if pid is None else kernel32.OpenProcess(0x1000, False, pid)
    if not process:
        return None  # another user's process: access denied
    token = wintypes.HANDLE()
    try:
        if not advapi32.OpenProcessToken(process, 0x0008, ctypes.byref(token)):
            return None
        size = wintypes.DWORD(0)
        advapi32.GetTokenInformation(token, 1, None, 0, ctypes.byref(size))
        buffer = ctypes.create_string_buffer(size.value)
        if not advapi32.GetTokenInformation(token, 1, buffer, size, ctypes.byref(size)):
            return None
        sid = ctypes.cast(buffer, ctypes.POINTER(ctypes.c_void_p))[0]  # TOKEN_USER.User.Sid
        length = advapi32.GetLengthSid(ctypes.c_void_p(sid))
        return ctypes.string_at(sid, length)
    finally:
        if token:
            kernel32.CloseHandle(token)
        if pid is not None:
            kernel32.CloseHandle(process)


def windows_same_user(client: Address, server: Address) -> bool:  # pragma: no cover - Windows only
    pid = windows_table_pid(_windows_tcp_table(), client, server)
    if pid is None:
        return False
    mine, theirs = _windows_user_sid(None), _windows_user_sid(pid)
    return mine is not None and mine == theirs


def same_user(client: Address, server: Address, platform: str = sys.platform) -> bool:
    """Whether the process on the client's end of this loopback connection runs as this process's user."""
    if platform.startswith("linux"):
        return linux_owner(client, server) == os.getuid()
    if platform == "darwin":
        return macos_same_user(client, server)
    if platform.startswith("win"):
        return windows_same_user(client, server)
    return False


def describe_owner(client: Address, server: Address) -> str:
    """For the refusal message: who holds the client's end, where the OS says."""
    if sys.platform.startswith("linux"):
        uid = linux_owner(client, server)
        return f"uid {uid}" if uid is not None else "an unknown user"
    return "another user"
