"""The pipe's HTTP/1.1 reading, fed bytes as a socket would deliver them: every framing
the pipe accepts reads back the body whatever the pieces the bytes arrive in, a body over
the cap is refused, and ambiguous or foreign framings are refused rather than guessed."""

from __future__ import annotations

import asyncio
import gzip
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tornado.httputil import HTTPHeaders

from jupyterlab_mlplatform_tokens.http1 import (
    BodyTooLarge,
    Connection,
    ConnectionEnded,
    ProtocolError,
    Response,
    parse_headers,
)


class FakeTransport(asyncio.Transport):
    """Records what is written; closing is a flag."""

    def __init__(self) -> None:
        super().__init__()
        self.written = b""
        self.closing = False
        self.paused = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written += bytes(data)

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.closing = True

    def abort(self) -> None:
        self.closing = True

    def pause_reading(self) -> None:
        self.paused = True

    def resume_reading(self) -> None:
        self.paused = False


async def _read(pieces: list[bytes], *, end: bool, method: str, cap: int) -> Response:
    connection = Connection()
    connection.connection_made(FakeTransport())
    answer = asyncio.ensure_future(connection.exchange(b"GET / HTTP/1.1\r\n\r\n", method, cap))
    for piece in pieces:
        await asyncio.sleep(0)
        connection.data_received(piece)
    await asyncio.sleep(0)
    if end:
        connection.eof_received()
        connection.connection_lost(None)
    return await asyncio.wait_for(answer, 5)


def read(pieces: list[bytes], *, end: bool = False, method: str = "GET", cap: int = 4096) -> Any:
    return asyncio.run(_read(pieces, end=end, method=method, cap=cap))


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    """``data`` in pieces cut at ``cuts`` (positions, any order, repeats allowed)."""
    points = sorted({0, len(data), *(cut % (len(data) + 1) for cut in cuts)})
    return [data[a:b] for a, b in pairwise(points)]


def head(*lines: str) -> bytes:
    return ("\r\n".join(["HTTP/1.1 200 OK", *lines]) + "\r\n\r\n").encode()


def chunked(body: bytes, sizes: list[int], extension: str) -> bytes:
    out, rest = b"", body
    for size in sizes:
        if not rest:
            break
        piece, rest = rest[: max(1, size)], rest[max(1, size) :]
        out += b"%x%s\r\n%s\r\n" % (len(piece), extension.encode(), piece)
    if rest:
        out += b"%X\r\n%s\r\n" % (len(rest), rest)
    return out + b"0\r\n\r\n"


bodies = st.binary(max_size=3000)
cuts = st.lists(st.integers(min_value=0, max_value=10_000), max_size=12)


@given(
    bodies, st.lists(st.integers(1, 700), max_size=10), st.sampled_from(["", ";a=1", "; x"]), cuts
)
def test_a_chunked_body_reads_back_in_any_pieces(
    body: bytes, sizes: list[int], extension: str, where: list[int]
) -> None:
    wire = head("Transfer-Encoding: chunked") + chunked(body, sizes, extension)
    answer = read(split(wire, where))
    assert (answer.status, answer.body, answer.reusable) == (200, body, True)


@given(bodies, cuts)
def test_a_gzip_body_reads_back_decoded(body: bytes, where: list[int]) -> None:
    packed = gzip.compress(body)
    wire = head("Content-Encoding: gzip", f"Content-Length: {len(packed)}") + packed
    answer = read(split(wire, where))
    assert (answer.body, answer.reusable) == (body, True)


@given(bodies, cuts)
def test_a_body_read_until_close_reads_back_and_ends_the_connection(
    body: bytes, where: list[int]
) -> None:
    answer = read(split(head() + body, where), end=True)
    assert (answer.body, answer.reusable) == (body, False)


@given(st.integers(1, 3000), st.sampled_from(["length", "chunked", "until-close", "gzip"]), cuts)
def test_a_body_over_the_cap_is_refused(extra: int, framing: str, where: list[int]) -> None:
    cap = 1000
    body = b"y" * (cap + extra)
    wire = {
        "length": head(f"Content-Length: {len(body)}") + body,
        "chunked": head("Transfer-Encoding: chunked") + chunked(body, [300], ""),
        "until-close": head() + body,
        "gzip": head("Content-Encoding: gzip", f"Content-Length: {len(gzip.compress(body))}")
        + gzip.compress(body),
    }[framing]
    with pytest.raises(BodyTooLarge):
        read(split(wire, where), end=True, cap=cap)


close_tokens = st.lists(
    st.sampled_from(["close", "Close", " CLOSE ", "keep-alive", "upgrade", "x-y"]), max_size=4
)


@given(close_tokens)
def test_the_connection_goes_on_unless_the_answer_says_close(tokens: list[str]) -> None:
    connection = [f"Connection: {', '.join(tokens)}"] if tokens else []
    answer = read([head(*connection, "Content-Length: 2") + b"{}"])
    assert answer.reusable == ("close" not in {token.strip().lower() for token in tokens})


def test_an_http_1_0_answer_ends_the_connection() -> None:
    answer = read([b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}"])
    assert (answer.body, answer.reusable) == (b"{}", False)


def test_interim_answers_are_read_past_but_a_protocol_switch_is_refused() -> None:
    answer = read([b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n", head("Content-Length: 0")])
    assert (answer.status, answer.body) == (200, b"")
    with pytest.raises(ProtocolError):
        read([b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n"])
    with pytest.raises(ProtocolError):
        read([b"HTTP/1.1 103 Early Hints\r\n\r\n" * 20])


@pytest.mark.parametrize(
    "lines",
    [
        ["Content-Length: 2", "Content-Length: 3"],
        ["Content-Length: 2, 3"],
        ["Content-Length: -1"],
        ["Content-Length: 0x10"],
        ["Transfer-Encoding: chunked", "Content-Length: 2"],
        ["Transfer-Encoding: gzip, chunked"],
        ["Transfer-Encoding: identity"],
        ["Content-Encoding: br", "Content-Length: 2"],
    ],
    ids=lambda lines: "; ".join(lines),
)
def test_ambiguous_or_foreign_framings_are_refused(lines: list[str]) -> None:
    with pytest.raises(ProtocolError):
        read([head(*lines) + b"{}"], end=True)


@pytest.mark.parametrize(
    "wire",
    [b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", b"SMTP ready\r\n\r\n"],
)
def test_malformed_answers_are_refused(wire: bytes) -> None:
    with pytest.raises(ProtocolError):
        read([wire], end=True)


def test_the_end_before_any_byte_is_told_apart_from_the_end_midway() -> None:
    with pytest.raises(ConnectionEnded) as nothing:
        read([], end=True)
    assert nothing.value.received is False
    with pytest.raises(ConnectionEnded) as midway:
        read([b"HTTP/1.1 200 OK\r\nContent-Len"], end=True)
    assert midway.value.received is True
    with pytest.raises(ConnectionEnded):
        read([head("Content-Length: 10") + b"{}"], end=True)


def test_no_body_is_read_for_204_and_304() -> None:
    for status in (b"204 No Content", b"304 Not Modified"):
        answer = read([b"HTTP/1.1 " + status + b"\r\nContent-Length: 5\r\n\r\n"])
        assert (answer.body, answer.reusable) == (b"", True)


def test_reading_pauses_while_unread_data_piles_up() -> None:
    async def scenario() -> tuple[bool, bool]:
        connection = Connection()
        transport = FakeTransport()
        connection.connection_made(transport)
        connection.data_received(b"x" * 300_000)
        paused = transport.paused
        assert connection.idle_and_sound() is False  # something arrived while idle
        return paused, connection.closed

    assert asyncio.run(scenario()) == (True, False)


header_names = st.from_regex(r"[A-Za-z0-9!#$%&'*+.^_`|~-]{1,20}", fullmatch=True)
header_values = st.from_regex(r"[\x21-\x7e]([\x20-\x7e\t]{0,30}[\x21-\x7e])?", fullmatch=True)


@given(st.lists(st.tuples(header_names, header_values, st.sampled_from(["", " ", "  ", "\t"]))))
def test_header_blocks_read_as_tornado_reads_them(fields: list[tuple[str, str, str]]) -> None:
    block = "".join(f"{name}:{space}{value}{space}\r\n" for name, value, space in fields)
    ours, theirs = parse_headers(block), HTTPHeaders.parse(block)
    for name, _, _ in fields:
        assert ours.get_list(name) == theirs.get_list(name)
        assert ours.get(name) == theirs.get(name)
        assert name.upper() in ours


@pytest.mark.parametrize(
    "block",
    ["No colon here\r\n", "Bad Name: x\r\n", "A: 1\r\n folded\r\n", "A: x\x01y\r\n", "A: x\ny\r\n"],
)
def test_malformed_header_lines_are_refused(block: str) -> None:
    with pytest.raises(ProtocolError):
        parse_headers(block)
