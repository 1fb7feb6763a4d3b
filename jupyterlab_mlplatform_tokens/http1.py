"""A minimal HTTP/1.1 client connection on asyncio, for the upstream pipe.

One connection carries one request at a time (no pipelining) and may carry many in turn
(keep-alive). The answer is read as it arrives and is never held beyond the caller's cap:
an over-large ``Content-Length`` is refused before a byte of the body is read, a chunked,
read-until-close or gzip body is cut off the moment it passes the cap, and reading from
the socket pauses while unread data piles up. ``1xx`` interim answers are read past.
Start lines are parsed by tornado's ``httputil``; header blocks here, strictly (no
folded lines, no control characters), since that parse is on every call's path and
tornado's general one costs a quarter of the pipe's own time (checked against it by a
property test).

Why not a library. The pipe must add at most 1 ms over calling the API directly (the
design's budget), and must install with nothing added into the oldest JupyterLab it
supports. Measured on loopback TLS: httpx costs 0.8 ms of CPU per call and httpcore alone
0.5 ms (anyio's layers; without the sniffio package, every lock httpcore sets up runs a
failing import), more than the whole budget, and neither is installed with JupyterLab 4.0.
Tornado's ``SimpleAsyncHTTPClient`` cannot keep a connection alive (client keep-alive is a
TODO in ``tornado.http1connection``) and logs TLS failures itself. This module costs about
0.1 ms per call and knows exactly whether any byte of an answer arrived, which decides
whether a call may be retried.
"""

from __future__ import annotations

import asyncio
import re
import ssl
import zlib
from dataclasses import dataclass
from typing import Any

from tornado import httputil

#: Longest status line plus header block read (per answer, interim ones included).
MAX_HEAD_BYTES = 64 * 1024

#: Interim (1xx) answers read past before the final one.
MAX_INTERIM = 8

#: Unread bytes buffered before reading from the socket pauses.
_HIGH_WATER = 256 * 1024

_PIECE = 64 * 1024

#: A header name (RFC 9110 token) and what a header value may not hold (controls but HTAB).
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_BAD_VALUE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


class ConnectionEnded(ConnectionError):
    """The connection closed (or was reset) before the answer was complete."""

    def __init__(self, *, received: bool) -> None:
        super().__init__("the connection ended before the answer was complete")
        #: Whether any byte of the answer had arrived; if not, the request may not have
        #: been seen at all (the other end closed an idle connection meanwhile).
        self.received = received


class ProtocolError(Exception):
    """The answer is not HTTP/1.x the pipe can read."""


class BodyTooLarge(Exception):
    """The answer's body is larger than the cap."""


class Headers:
    """An answer's header fields: names without case, values in order."""

    def __init__(self, fields: list[tuple[str, str]]) -> None:
        self._values: dict[str, list[str]] = {}
        for name, value in fields:
            self._values.setdefault(name.lower(), []).append(value)

    def get_list(self, name: str) -> list[str]:
        return list(self._values.get(name.lower(), ()))

    def get(self, name: str, default: str | None = None) -> str | None:
        """The field's values joined by commas (how repeated fields combine), or ``default``."""
        values = self._values.get(name.lower())
        return ",".join(values) if values else default

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._values


@dataclass(frozen=True)
class Response:
    """A final answer, read whole."""

    status: int
    headers: Headers
    body: bytes
    #: Whether the connection can carry another request.
    reusable: bool


class Connection(asyncio.Protocol):
    """One client connection: the protocol asyncio feeds, and the reading on top of it."""

    def __init__(self) -> None:
        self._transport: asyncio.Transport | None = None
        self._buffer = bytearray()
        self._ended = False
        self._paused = False
        self._waiter: asyncio.Future[None] | None = None
        self._received = False
        self.on_lost: Any = None  # called once when the connection is gone

    @classmethod
    async def open(cls, host: str, port: int, tls: ssl.SSLContext | None) -> Connection:
        """Connect (and shake hands, with ``tls``); raises OSError or ssl.SSLError."""
        loop = asyncio.get_running_loop()
        _, connection = await loop.create_connection(
            cls,
            host,
            port,
            ssl=tls,
            server_hostname=host if tls is not None else None,
            happy_eyeballs_delay=0.25,
        )
        return connection

    # asyncio.Protocol ------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        self._received = True
        self._buffer += data
        if len(self._buffer) > _HIGH_WATER and not self._paused and self._transport:
            self._paused = True
            self._transport.pause_reading()
        self._wake()

    def eof_received(self) -> bool:
        self._ended = True
        self._wake()
        return False  # close our side too

    def connection_lost(self, exc: Exception | None) -> None:
        self._ended = True
        self._wake()
        if self.on_lost is not None:
            on_lost, self.on_lost = self.on_lost, None
            on_lost(self)

    # State -------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self._transport is None or self._transport.is_closing() or self._ended

    def idle_and_sound(self) -> bool:
        """Whether an idle connection can carry a request: still open, and nothing arrived
        meanwhile (a stray answer such as ``408`` before the other end's close)."""
        return not self.closed and not self._buffer

    def close(self) -> None:
        if self._transport is not None and not self._transport.is_closing():
            self._transport.close()

    def abort(self) -> None:
        """Drop the connection at once, unread data and all."""
        if self._transport is not None:
            self._transport.abort()

    # One exchange ------------------------------------------------------------------

    async def exchange(self, request: bytes, method: str, max_body: int) -> Response:
        """Send ``request`` (whole, head and body) and read the final answer."""
        if self._transport is None or self.closed:
            raise ConnectionEnded(received=False)
        self._received = bool(self._buffer)
        self._transport.write(request)
        version, status, headers = await self._read_final_head()
        body, delimited = await self._read_body(method, status, headers, max_body)
        reusable = delimited and _keeps_alive(version, headers) and not self._buffer
        return Response(status=status, headers=headers, body=body, reusable=reusable)

    async def _read_final_head(self) -> tuple[str, int, Headers]:
        for _ in range(MAX_INTERIM + 1):
            version, status, headers = parse_head(
                await self._read_until(b"\r\n\r\n", MAX_HEAD_BYTES)
            )
            if status == 101:
                raise ProtocolError("the answer switched protocols")
            if not 100 <= status < 200:
                return version, status, headers
        raise ProtocolError("too many interim answers")

    async def _read_body(
        self, method: str, status: int, headers: Headers, max_body: int
    ) -> tuple[bytes, bool]:
        """The decoded body, and whether its end was marked (so the connection may go on)."""
        sink = _Body(max_body, content_coding(headers))
        if method == "HEAD" or status in (204, 304):
            return b"", True
        framing = body_framing(headers)
        if framing == "chunked":
            await self._read_chunked(sink)
        elif isinstance(framing, int):
            if framing > sink.wire_cap:
                raise BodyTooLarge  # refused before a byte of it is read
            await self._read_length(framing, sink)
        else:
            await self._read_until_close(sink)
        return sink.finish(), framing != "until-close"

    async def _read_length(self, length: int, sink: _Body) -> None:
        while length > 0:
            piece = await self._read_some(min(length, _PIECE))
            length -= len(piece)
            sink.add(piece)

    async def _read_chunked(self, sink: _Body) -> None:
        while True:
            size = parse_chunk_size(await self._read_until(b"\r\n", 1024))
            if size == 0:
                break
            if sink.wire + size > sink.wire_cap:
                raise BodyTooLarge
            await self._read_length(size, sink)
            if await self._read_exactly(2) != b"\r\n":
                raise ProtocolError("a chunk does not end with CRLF")
        trailers = 0
        while (line := await self._read_until(b"\r\n", MAX_HEAD_BYTES)) != b"\r\n":
            trailers += len(line)
            if trailers > MAX_HEAD_BYTES:
                raise ProtocolError("the trailers are too long")

    async def _read_until_close(self, sink: _Body) -> None:
        while True:
            try:
                piece = await self._read_some(_PIECE)
            except ConnectionEnded:
                return  # the close is this body's end
            sink.add(piece)

    # Reading -------------------------------------------------------------------------

    async def _read_until(self, separator: bytes, limit: int) -> bytes:
        start = 0
        while (found := self._buffer.find(separator, start)) < 0:
            if len(self._buffer) > limit:
                raise ProtocolError("a line of the answer is too long")
            start = max(0, len(self._buffer) - len(separator) + 1)
            await self._more()
        return self._take(found + len(separator))

    async def _read_exactly(self, count: int) -> bytes:
        while len(self._buffer) < count:
            await self._more()
        return self._take(count)

    async def _read_some(self, most: int) -> bytes:
        if not self._buffer:
            await self._more()
        return self._take(min(most, len(self._buffer)))

    def _take(self, count: int) -> bytes:
        data = bytes(self._buffer[:count])
        del self._buffer[:count]
        if self._paused and len(self._buffer) <= _HIGH_WATER // 2 and self._transport:
            self._paused = False
            self._transport.resume_reading()
        return data

    async def _more(self) -> None:
        """Wait for more data; raise ConnectionEnded when none will come."""
        if self._ended:
            raise ConnectionEnded(received=self._received)
        self._waiter = asyncio.get_running_loop().create_future()
        try:
            await self._waiter
        finally:
            self._waiter = None
        if self._ended and not self._buffer:
            raise ConnectionEnded(received=self._received)

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)


# Parsing -----------------------------------------------------------------------------


def parse_head(raw: bytes) -> tuple[str, int, Headers]:
    """The version, status and headers of one answer's head (start line and headers,
    CRLF-terminated); ProtocolError if it is not HTTP/1.x."""
    text = raw.decode("latin-1")
    start_line, _, header_block = text.partition("\r\n")
    try:
        start = httputil.parse_response_start_line(start_line)
    except httputil.HTTPInputError:
        raise ProtocolError("the answer's status line is malformed") from None
    return start.version, start.code, parse_headers(header_block)


def parse_headers(block: str) -> Headers:
    """Header lines separated by CRLF; ProtocolError for a line that is not ``name:
    value``, a folded line, or a control character in a value."""
    fields = []
    for line in block.split("\r\n"):
        if not line:
            continue
        name, colon, value = line.partition(":")
        if not colon or not _TOKEN.fullmatch(name):
            raise ProtocolError("a header line of the answer is malformed")
        value = value.strip(" \t")
        if _BAD_VALUE.search(value):
            raise ProtocolError("a header value of the answer holds a control character")
        fields.append((name, value))
    return Headers(fields)


def body_framing(headers: Headers) -> str | int:
    """How the body's end is found: ``"chunked"``, a length, or ``"until-close"``.

    A ``Transfer-Encoding`` other than plain ``chunked`` (the pipe asked for none), one
    next to a ``Content-Length``, or lengths that disagree are refused: those are the
    ambiguities request smuggling lives on.
    """
    transfer = headers.get_list("Transfer-Encoding")
    lengths = [
        part.strip() for value in headers.get_list("Content-Length") for part in value.split(",")
    ]
    if transfer:
        codings = [c.strip().lower() for value in transfer for c in value.split(",")]
        if codings != ["chunked"] or lengths:
            raise ProtocolError("the answer's transfer coding is not plain chunked")
        return "chunked"
    if lengths:
        if len(set(lengths)) != 1 or not lengths[0].isdigit() or len(lengths[0]) > 18:
            raise ProtocolError("the answer's Content-Length is not one number")
        return int(lengths[0])
    return "until-close"


def content_coding(headers: Headers) -> str:
    """``"gzip"`` (the one coding the pipe asks for) or ``"identity"``."""
    codings = [
        c.strip().lower()
        for value in headers.get_list("Content-Encoding")
        for c in value.split(",")
        if c.strip()
    ]
    if codings in ([], ["identity"]):
        return "identity"
    if codings in (["gzip"], ["x-gzip"]):
        return "gzip"
    raise ProtocolError("the answer's content coding is not gzip")


def parse_chunk_size(line: bytes) -> int:
    """The size in a chunk's first line (``1a;ext=1\\r\\n``); extensions are ignored."""
    digits = line[:-2].split(b";", 1)[0].strip(b" \t")
    if not digits or len(digits) > 15 or digits.strip(b"0123456789abcdefABCDEF"):
        raise ProtocolError("a chunk size is not a hexadecimal number")
    return int(digits, 16)


def _keeps_alive(version: str, headers: Headers) -> bool:
    """HTTP/1.1 keeps the connection unless ``Connection: close``; HTTP/1.0 never here."""
    tokens = {
        token.strip().lower()
        for value in headers.get_list("Connection")
        for token in value.split(",")
    }
    return version == "HTTP/1.1" and "close" not in tokens


class _Body:
    """Collects a body, decoding gzip, and stops at the cap: on the decoded size, and on
    the wire (twice the cap for gzip, which never grows data by more than a little)."""

    def __init__(self, cap: int, coding: str) -> None:
        self.cap = cap
        self.wire = 0
        self.wire_cap = 2 * cap if coding == "gzip" else cap
        self._size = 0
        self._parts: list[bytes] = []
        # 16 + MAX_WBITS: a gzip wrapper (RFC 1952), as Content-Encoding: gzip means.
        self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS) if coding == "gzip" else None

    def add(self, piece: bytes) -> None:
        self.wire += len(piece)
        if self.wire > self.wire_cap:
            raise BodyTooLarge
        if self._inflate is None:
            self._keep(piece)
            return
        try:
            data = self._inflate.decompress(piece, self.cap + 1 - self._size)
        except zlib.error:
            raise ProtocolError("the answer's gzip body is corrupt") from None
        if self._inflate.unconsumed_tail:
            raise BodyTooLarge  # the output alone already passed the cap
        self._keep(data)

    def _keep(self, data: bytes) -> None:
        self._size += len(data)
        if self._size > self.cap:
            raise BodyTooLarge
        self._parts.append(data)

    def finish(self) -> bytes:
        if self._inflate is not None and self.wire and not self._inflate.eof:
            raise ProtocolError("the answer's gzip body is truncated")
        return b"".join(self._parts)
