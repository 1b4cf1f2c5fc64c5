"""Who is on the other end of a loopback connection, per OS. Linux is asked for real (the kernel's own table, and a
connection made as another user); the macOS and Windows answers are parsed from what their OS interfaces return,
written out here as bytes and text because neither OS runs here."""

from __future__ import annotations

import os
import socket
import struct
import subprocess

import pytest

from aistack.relay import peer


def test_linux_names_the_owner_of_a_real_connection():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.create_connection(server.getsockname())
    accepted, address = server.accept()
    try:
        assert peer.linux_owner(address, accepted.getsockname()) == os.getuid()
        assert peer.same_user(address, accepted.getsockname())
        assert peer.linux_owner(("127.0.0.1", 1), accepted.getsockname()) is None  # no such connection
    finally:
        for s in (client, accepted, server):
            s.close()


def test_linux_table_rows_for_ipv4_and_v4_mapped_ipv6(tmp_path):
    v4 = tmp_path / "tcp"
    v4.write_text("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
                  "   0: 0100007F:D431 0100007F:5DC0 01 00000000:00000000 00:00000000 00000000  1000        0 1\n")
    v6 = tmp_path / "tcp6"
    v6.write_text("header\n   0: 0000000000000000FFFF00000100007F:D432 0000000000000000FFFF00000100007F:5DC0 01 "
                  "00000000:00000000 00:00000000 00000000  1001        0 2\n")
    tables = (str(v4), str(v6))
    assert peer.linux_owner(("127.0.0.1", 0xD431), ("127.0.0.1", 0x5DC0), tables) == 1000
    assert peer.linux_owner(("127.0.0.1", 0xD432), ("127.0.0.1", 0x5DC0), tables) == 1001
    assert peer.linux_owner(("127.0.0.1", 0x5DC0), ("127.0.0.1", 0xD431), tables) is None  # the relay's own end


def test_macos_lsof_output_must_hold_the_clients_end():
    out = "p812\nf23\nn127.0.0.1:53422->127.0.0.1:24501\np90\nf7\nn127.0.0.1:24501->127.0.0.1:53422\n"
    assert peer.lsof_lines_hold(out, ("127.0.0.1", 53422), ("127.0.0.1", 24501))
    # Only the relay's own end listed (the client belongs to someone else): refused.
    assert not peer.lsof_lines_hold("p90\nf7\nn127.0.0.1:24501->127.0.0.1:53422\n", ("127.0.0.1", 53422),
                                    ("127.0.0.1", 24501))
    ran = []
    done = subprocess.CompletedProcess([], 0, out, "")
    assert peer.macos_same_user(("127.0.0.1", 53422), ("127.0.0.1", 24501), run=lambda argv, **kw: ran.append(argv)
                                or done)
    assert ran[0][1:] == ["-nP", "-a", "-u", str(os.getuid()), "-iTCP@127.0.0.1:53422", "-Fn"]


def _row(state, laddr, lport, raddr, rport, pid) -> bytes:
    def port(p):  # DWORD, the port in network order in its low 16 bits
        return struct.unpack("<I", struct.pack(">H", p) + b"\0\0")[0]

    def addr(a):
        return struct.unpack("<I", socket.inet_aton(a))[0]

    return struct.pack("<IIIIII", state, addr(laddr), port(lport), addr(raddr), port(rport), pid)


def test_windows_owner_pid_table():
    table = struct.pack("<I", 2) + _row(5, "127.0.0.1", 24501, "127.0.0.1", 53422, 4242) + \
        _row(5, "127.0.0.1", 53422, "127.0.0.1", 24501, 777)
    assert peer.windows_table_pid(table, ("127.0.0.1", 53422), ("127.0.0.1", 24501)) == 777
    assert peer.windows_table_pid(table, ("127.0.0.1", 53423), ("127.0.0.1", 24501)) is None


def test_an_unknown_platform_is_refused():
    assert peer.same_user(("127.0.0.1", 1), ("127.0.0.1", 2), platform="sunos5") is False


@pytest.mark.parametrize("host, ok", [("127.0.0.1:24000", True), ("localhost:24000", True), ("[::1]:24000", True),
                                      ("127.0.0.1", True), ("LOCALHOST", True), ("127.0.0.1:24001", False),
                                      ("evil.example:24000", False), ("127.0.0.1.evil.example", False), ("", False),
                                      (None, False), ("[::1]", True), ("0.0.0.0:24000", False)])
def test_host_header(host, ok):
    from aistack.relay.guard import host_ok

    assert host_ok(host, 24000) is ok
