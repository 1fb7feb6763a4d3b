"""The upstream pipe's connections: a bounded keep-alive pool, and the TLS trust it uses.

At most ``size`` connections are open at once, in use or idle; a call that finds them all
in use waits for one (within its own timeout). A connection goes back to the pool only
after a complete answer that lets it go on; an idle one is taken again only if it is
still open, nothing arrived on it meanwhile and it has been idle less than
``IDLE_SECONDS``, and it is dropped as soon as the other end closes it. Size 0 means no
pool: a new connection for every call, closed after it (``Connection: close``).

TLS trusts the system's certificate authorities (OpenSSL's defaults, so ``SSL_CERT_FILE``
and ``SSL_CERT_DIR`` apply), or, when a CA bundle is configured, only the certificates in
that file.
"""

from __future__ import annotations

import asyncio
import os
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from .http1 import Connection

#: An idle connection older than this is closed rather than reused; below the idle
#: timeout common servers use (Node's 5 s is the shortest usual one, nginx's 75 s), so
#: the other end rarely closes a connection just as a call takes it.
IDLE_SECONDS = 4.0

#: Origin: scheme, host, port.
Origin = tuple[str, str, int]


class PoolClosed(Exception):
    """The pool was closed (the server is stopping)."""


class CaBundleError(Exception):
    """The configured CA bundle cannot be used; ``reason`` says why in a few words."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def tls_context(ca_bundle: str) -> ssl.SSLContext:
    """A client context verifying certificates and host names against ``ca_bundle`` (a
    PEM file), or the system's trust store when it is empty. Raises CaBundleError."""
    if not ca_bundle:
        return ssl.create_default_context()
    path = Path(ca_bundle).expanduser()
    if path.is_dir():
        raise CaBundleError(str(path), "it is a folder, not a file of PEM certificates")
    try:
        return ssl.create_default_context(cafile=os.fspath(path))
    except FileNotFoundError:
        raise CaBundleError(str(path), "the file does not exist") from None
    except PermissionError:
        raise CaBundleError(str(path), "the server may not read it") from None
    except ssl.SSLError:
        raise CaBundleError(str(path), "it holds no PEM certificate") from None
    except OSError as error:
        raise CaBundleError(str(path), f"it cannot be read ({error.strerror})") from None


@dataclass
class Lease:
    """A connection lent to one call."""

    origin: Origin
    connection: Connection
    #: Whether it carried an earlier call (so it may have been closed meanwhile).
    reused: bool


class ConnectionPool:
    """Connections to the API, kept alive between calls and bounded in number."""

    def __init__(self, size: int, *, idle_seconds: float = IDLE_SECONDS) -> None:
        if size < 0:
            raise ValueError("the pool size cannot be negative")
        self.size = size
        self._idle_seconds = idle_seconds
        self._slots = asyncio.Semaphore(size) if size else None
        self._idle: dict[Origin, list[tuple[Connection, float]]] = {}
        self._open: set[Connection] = set()
        self._closed = False
        self.opened = 0
        self.peak = 0

    @property
    def keeps_alive(self) -> bool:
        return self.size > 0

    def stats(self) -> dict[str, int]:
        """Connections opened so far, open now (in use or idle), idle now, most at once."""
        idle = sum(len(entries) for entries in self._idle.values())
        return {"opened": self.opened, "open": len(self._open), "idle": idle, "peak": self.peak}

    async def acquire(self, origin: Origin, connect: Callable[[], Awaitable[Connection]]) -> Lease:
        """A sound idle connection to ``origin``, or a new one made with ``connect``."""
        if self._closed:
            raise PoolClosed
        if self._slots is not None:
            await self._slots.acquire()
        try:
            idle = self._take_idle(origin)
            if idle is not None:
                return Lease(origin, idle, reused=True)
            self._make_room()
            connection = await connect()
        except BaseException:
            if self._slots is not None:
                self._slots.release()
            raise
        if self._closed:  # closed while connecting
            connection.abort()
            if self._slots is not None:
                self._slots.release()
            raise PoolClosed
        self._opened(connection)
        return Lease(origin, connection, reused=False)

    def release(self, lease: Lease, *, reusable: bool) -> None:
        """Give the connection back: kept idle if ``reusable`` and the pool goes on."""
        connection = lease.connection
        if reusable and self.keeps_alive and not self._closed and connection.idle_and_sound():
            self._idle.setdefault(lease.origin, []).append((connection, time.monotonic()))
        else:
            self._drop(connection)
        if self._slots is not None:
            self._slots.release()

    async def close(self, wait: float = 1.0) -> None:
        """Close every idle connection (and each one in use as its call ends); wait up to
        ``wait`` seconds for them to be gone. No connection is lent after this."""
        self._closed = True
        idle = [connection for entries in self._idle.values() for connection, _ in entries]
        self._idle.clear()
        for connection in idle:
            self._drop(connection)
        deadline = time.monotonic() + wait
        while any(not c.closed for c in idle) and time.monotonic() < deadline:
            await asyncio.sleep(0.01)

    # Inside --------------------------------------------------------------------------

    def _opened(self, connection: Connection) -> None:
        self.opened += 1
        self._open.add(connection)
        self.peak = max(self.peak, len(self._open))
        connection.on_lost = self._lost

    def _lost(self, connection: Connection) -> None:
        """The connection is gone (closed by either end): forget it, idle or not."""
        self._open.discard(connection)
        for origin, entries in list(self._idle.items()):
            kept = [(c, since) for c, since in entries if c is not connection]
            if kept:
                self._idle[origin] = kept
            else:
                del self._idle[origin]

    def _drop(self, connection: Connection) -> None:
        self._open.discard(connection)
        connection.close()

    def _take_idle(self, origin: Origin) -> Connection | None:
        entries = self._idle.get(origin, [])
        now = time.monotonic()
        found = None
        while entries and found is None:
            connection, since = entries.pop()  # the most recently used: least likely closed
            if connection.idle_and_sound() and now - since < self._idle_seconds:
                found = connection
            else:
                self._drop(connection)
        if not entries:
            self._idle.pop(origin, None)  # no empty lists: _make_room reads the first entry
        return found

    def _make_room(self) -> None:
        """Close the oldest idle connection to another origin while the pool is full."""
        while self.size and len(self._open) >= self.size and self._idle:
            origin, entries = min(self._idle.items(), key=lambda item: item[1][0][1])
            connection, _ = entries.pop(0)
            if not entries:
                del self._idle[origin]
            self._drop(connection)
