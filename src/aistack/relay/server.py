"""The relay's HTTP server: uvicorn's HTTP/1.1 protocol in front of the Relay app, asking once per accepted connection
who is on the other end (relay.peer), on a socket of its own or the ones a service manager passed (activation)."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import time
from collections.abc import Callable
from typing import Any

from aistack import __version__
from aistack.auth.accessor import TokenCache
from aistack.errors import AistackError
from aistack.paths import Env
from aistack.relay import peer
from aistack.relay.forwarder import Relay, say, user_name
from aistack.relay.local import HOST


def listening_socket(port: int) -> socket.socket:
    """127.0.0.1:port, owned by this process alone (no other user may bind it beside us)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if os.name == "nt":
        sock.setsockopt(socket.SOL_SOCKET, getattr(socket, "SO_EXCLUSIVEADDRUSE", -5), 1)
    else:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError as e:
        sock.close()
        raise AistackError(f"the relay cannot listen on {HOST}:{port}: {e.strerror}.",
                           hint="Another program (or another relay) uses that port; set AISTACK_RELAY_PORT to a free "
                                "port and run `aistack setup` again.") from None
    sock.listen(128)
    return sock


def build(env: Env, port: int, tokens: TokenCache | None = None, log: Callable[[str], None] = say) -> tuple:
    """(uvicorn server, relay app): the app behind uvicorn's HTTP/1.1 protocol, which asks once per accepted
    connection who is on the other end (the answer is kept until the connection closes)."""
    import uvicorn
    from uvicorn.protocols.http.h11_impl import H11Protocol

    relay = Relay(env, port, tokens, log)
    verdicts = relay.verdicts

    class Guarded(H11Protocol):
        def connection_made(self, transport: Any) -> None:  # type: ignore[override]
            client, local = transport.get_extra_info("peername"), transport.get_extra_info("sockname")
            self._aistack_peer = (client[0], client[1]) if client else None
            if self._aistack_peer is not None and local:
                loop = asyncio.get_running_loop()
                if sys.platform.startswith("linux"):  # a table read: cheaper than a thread hop
                    verdict = loop.create_future()
                    verdict.set_result(peer.same_user(self._aistack_peer, (local[0], local[1])))
                else:
                    verdict = loop.run_in_executor(None, peer.same_user, self._aistack_peer, (local[0], local[1]))
                verdicts[self._aistack_peer] = verdict
            super().connection_made(transport)

        def connection_lost(self, exc: Exception | None) -> None:
            verdicts.pop(self._aistack_peer, None)  # type: ignore[arg-type]
            super().connection_lost(exc)

    config = uvicorn.Config(relay, http=Guarded, ws="none", lifespan="on", log_level="warning", access_log=False,
                            server_header=False, date_header=False, timeout_graceful_shutdown=5)
    return uvicorn.Server(config), relay


def serve(env: Env, port: int, sockets: list[socket.socket] | None = None, idle_exit: float | None = None) -> int:
    """Serve until SIGTERM/SIGINT, on `sockets` (socket activation) or a socket of its own on `port`; with
    `idle_exit`, also once no request has come for that many seconds (the manager starts it again on demand)."""
    listeners = sockets or [listening_socket(port)]
    server, relay = build(env, port)
    say(f"serving {user_name()} on http://{HOST}:{port} (pid {os.getpid()}, aistack {__version__})")
    if idle_exit:
        import threading

        def watch() -> None:
            while not server.should_exit:
                time.sleep(min(idle_exit, 5.0))
                if relay.active == 0 and time.monotonic() - relay.last_request > idle_exit:
                    say(f"idle for {idle_exit:g} s: exiting (the service manager starts it again on demand)")
                    server.should_exit = True

        threading.Thread(target=watch, daemon=True, name="idle-exit").start()
    server.run(sockets=listeners)
    return 0
