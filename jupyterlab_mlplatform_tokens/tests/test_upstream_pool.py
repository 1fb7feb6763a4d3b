"""The pipe's connections to the API: kept alive and reused, never more at once than the
pool allows, trusted through the configured CA bundle only, closed when the server stops;
and an upstream that closes a connection while it is idle never fails a call."""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
import socket
import ssl
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import certifi
import pytest

from jupyterlab_mlplatform_tokens.handlers import SETTINGS_KEY
from jupyterlab_mlplatform_tokens.upstream import PipeRequest, Upstream

from .conftest import Emulator, Pipe, RunCertificates


def pipe_upstream(jp_serverapp: Any) -> Upstream:
    return jp_serverapp.web_app.settings[SETTINGS_KEY].upstream.http


async def wait_until(check: Callable[[], bool], seconds: float = 5) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.02)


@pytest.fixture
def mlp_settings() -> dict[str, Any]:
    return {}


@pytest.fixture
def emulator(either_emulator: Emulator) -> Emulator:
    return either_emulator


@pytest.fixture
def mlp_config(emulator: Emulator, mlp_settings: dict[str, Any]) -> dict[str, Any]:
    return {**emulator.pipe_settings(), **mlp_settings}


# Reuse and its bound ----------------------------------------------------------------


async def test_calls_reuse_one_connection(pipe: Pipe, emulator: Emulator) -> None:
    bearer = emulator.bearer()
    emulator.reset_stats()
    for _ in range(5):
        status, _, _ = await pipe("GET", "tokens/me", bearer=bearer)
        assert status == 200
    status, _, _ = await pipe("POST", "auth/refresh", {"refresh_token": emulator.admin_token})
    assert status == 200
    assert emulator.connections()["opened"] == 1


@pytest.mark.parametrize("mlp_settings", [{"upstream_pool_size": 0}])
async def test_pool_size_zero_opens_a_new_connection_for_every_call(
    pipe: Pipe, emulator: Emulator, jp_serverapp: Any
) -> None:
    bearer = emulator.bearer()
    emulator.reset_stats()
    for _ in range(3):
        status, _, _ = await pipe("GET", "tokens/me", bearer=bearer)
        assert status == 200
    # One connection per call, each after the emulator closed the one before.
    assert pipe_upstream(jp_serverapp).connections()["opened"] == 3
    assert pipe_upstream(jp_serverapp).connections()["open"] == 0


@pytest.mark.parametrize("mlp_settings", [{"upstream_pool_size": 2}])
async def test_many_concurrent_calls_share_the_bounded_connections(
    pipe: Pipe, emulator: Emulator, jp_serverapp: Any
) -> None:
    bearer = emulator.bearer()
    emulator.control(
        "POST",
        "faults",
        {"kind": "latency", "latency_ms": 150, "count": 12, "path_prefix": "/tokens/me"},
    )
    emulator.reset_stats()
    try:
        answers = await asyncio.gather(
            *(pipe("GET", "tokens/me", bearer=bearer) for _ in range(12))
        )
        opened = emulator.connections()["opened"]
    finally:
        emulator.clear_faults()
    assert [status for status, _, _ in answers] == [200] * 12
    assert opened == 2
    counts = pipe_upstream(jp_serverapp).connections()
    assert counts["peak"] == 2
    assert counts["opened"] == 2


async def test_an_idle_connection_the_upstream_closed_does_not_fail_the_next_call(
    pipe: Pipe, emulator: Emulator, jp_serverapp: Any
) -> None:
    bearer = emulator.bearer()
    assert (await pipe("GET", "tokens/me", bearer=bearer))[0] == 200
    emulator.control("DELETE", "connections")  # as the upstream's idle timeout would
    await wait_until(lambda: emulator.connections()["open"] == 0)
    assert (await pipe("GET", "tokens/me", bearer=bearer))[0] == 200
    emulator.control("DELETE", "connections")
    await wait_until(lambda: emulator.connections()["open"] == 0)
    status, _, _ = await pipe("POST", "auth/refresh", {"refresh_token": emulator.admin_token})
    assert status == 200
    # One connection per call, each after the emulator closed the one before.
    assert pipe_upstream(jp_serverapp).connections()["opened"] == 3


async def test_the_pool_is_closed_when_the_server_stops(
    pipe: Pipe, emulator: Emulator, jp_serverapp: Any
) -> None:
    assert (await pipe("GET", "tokens/me", bearer=emulator.bearer()))[0] == 200
    upstream = pipe_upstream(jp_serverapp)
    assert upstream.connections()["open"] == 1
    await jp_serverapp.cleanup_extensions()  # what the server runs when it stops
    assert upstream.connections()["open"] == 0
    await wait_until(lambda: emulator.connections()["open"] == 0)
    answer = await upstream.forward(PipeRequest("GET", "tokens/me"))
    assert answer.status == 503


# Trust -------------------------------------------------------------------------------


@pytest.mark.parametrize("trust", ["system store", "another CA bundle"])
async def test_a_certificate_that_does_not_verify_is_a_clear_error(
    https_emulator: Emulator,
    trust: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    bundle = "" if trust == "system store" else certifi.where()
    upstream = Upstream(lambda: https_emulator.url, 5, ca_bundle=bundle)
    request = PipeRequest("GET", "tokens/me", authorization="Bearer secret.bearer.value")
    try:
        with caplog.at_level(logging.DEBUG):
            first = await upstream.forward(request)
            second = await upstream.forward(request)
    finally:
        await upstream.close()
    for answer in (first, second):
        assert answer.status == 502
        body = answer_json(answer)
        assert body["errorCode"] == "UpstreamCertificateUntrusted"
        assert body["errorParams"]["field"] == "upstream"
        assert "ca_bundle" in body["message"]
    lines = [r for r in caplog.records if "certificate" in r.getMessage()]
    assert len(lines) == 1, [r.getMessage() for r in caplog.records]
    assert lines[0].levelno == logging.WARNING
    assert "secret.bearer.value" not in caplog.text


def answer_json(answer: Any) -> dict[str, Any]:
    return json.loads(answer.body)


@pytest.mark.parametrize("problem", ["missing", "not PEM", "a folder"])
async def test_an_unusable_ca_bundle_is_a_clear_error(
    https_emulator: Emulator, tmp_path: Path, problem: str, caplog: pytest.LogCaptureFixture
) -> None:
    bundle = tmp_path / "corporate-ca.pem"
    if problem == "not PEM":
        bundle.write_text("this is not a certificate\n")
    elif problem == "a folder":
        bundle.mkdir()
    upstream = Upstream(lambda: https_emulator.url, 5, ca_bundle=str(bundle))
    try:
        with caplog.at_level(logging.DEBUG):
            answers = [await upstream.forward(PipeRequest("GET", "tokens/me")) for _ in range(2)]
    finally:
        await upstream.close()
    for answer in answers:
        assert answer.status == 503
        body = answer_json(answer)
        assert body["errorCode"] == "UpstreamCaBundleUnusable"
        assert body["errorParams"]["field"] == "ca_bundle"
        assert body["message"].endswith(".")
    lines = [r for r in caplog.records if "CA bundle" in r.getMessage()]
    assert len(lines) == 1, [r.getMessage() for r in caplog.records]
    assert str(bundle) in lines[0].getMessage()


async def test_an_https_url_to_a_plain_http_server_is_unreachable(
    http_emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    url = http_emulator.url.replace("http://", "https://")
    upstream = Upstream(lambda: url, 5)
    try:
        with caplog.at_level(logging.WARNING):
            answer = await upstream.forward(PipeRequest("GET", "tokens/me"))
    finally:
        await upstream.close()
    assert answer.status == 502
    assert answer_json(answer)["errorCode"] == "UpstreamUnavailable"
    assert "could not be reached (SSLError" in caplog.text


def test_the_emulator_certificate_passes_strict_verification(https_emulator: Emulator) -> None:
    """Python 3.13 verifies strictly by default; the run's certificates must pass that."""
    import socket
    from urllib.parse import urlsplit

    context = ssl.create_default_context(cafile=https_emulator.ca_bundle)
    context.verify_flags |= ssl.VERIFY_X509_STRICT
    parts = urlsplit(https_emulator.url)
    with (
        socket.create_connection((parts.hostname, parts.port), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname=parts.hostname) as tls,
    ):
        assert tls.version() in ("TLSv1.2", "TLSv1.3")


# Retrying, and what is never retried -------------------------------------------------


class ScriptedUpstream:
    """A loopback API whose every connection answers its first request with 200 and then
    reads the next request and closes without a byte of answer (``then``: "close"), or
    sends half a status line first ("partial"); ``first``: "close" fails the very first
    request of a connection too."""

    ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"

    def __init__(self, tls: ssl.SSLContext | None, then: str = "close", first: str = "ok") -> None:
        self.seen: list[tuple[str, int]] = []
        self._tls = tls
        self._then = then
        self._first = first
        self._connections = 0
        self._server: asyncio.Server | None = None

    async def start(self) -> str:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self._tls)
        port = self._server.sockets[0].getsockname()[1]
        return f"{'https' if self._tls else 'http'}://127.0.0.1:{port}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        number = self._connections
        self._connections += 1
        try:
            for index in range(2):
                head = await reader.readuntil(b"\r\n\r\n")
                length = [
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                ]
                await reader.readexactly(length[0] if length else 0)
                self.seen.append((head.split(b" ")[0].decode(), number))
                how = self._first if index == 0 else self._then
                if how == "ok":
                    writer.write(self.ANSWER)
                    await writer.drain()
                    continue
                if how == "partial":
                    writer.write(b"HTTP/1.1 2")
                    await writer.drain()
                break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()


async def scripted(
    certificates: RunCertificates, scheme: str, calls: list[PipeRequest], **script: str
) -> tuple[list[int], list[tuple[str, int]]]:
    tls = certificates.server_context() if scheme == "https" else None
    server = ScriptedUpstream(tls, **script)
    url = await server.start()
    upstream = Upstream(lambda: url, 5, ca_bundle=str(certificates.ca))
    try:
        statuses = [(await upstream.forward(call)).status for call in calls]
    finally:
        await upstream.close()
        await server.stop()
    return statuses, server.seen


GET = PipeRequest("GET", "tokens/me", authorization="Bearer abc")
POST = PipeRequest(
    "POST", "auth/refresh", content_type="application/json", body=b'{"refresh_token": "x"}'
)


@pytest.mark.parametrize("scheme", ["http", "https"])
async def test_a_get_on_a_reused_connection_closed_unanswered_is_retried_once(
    test_certificates: RunCertificates, scheme: str
) -> None:
    statuses, seen = await scripted(test_certificates, scheme, [GET, GET])
    assert statuses == [200, 200]
    assert seen == [("GET", 0), ("GET", 0), ("GET", 1)]


@pytest.mark.parametrize("scheme", ["http", "https"])
async def test_a_creating_call_is_never_retried(
    test_certificates: RunCertificates, scheme: str
) -> None:
    statuses, seen = await scripted(test_certificates, scheme, [GET, POST])
    assert statuses == [200, 502]
    assert seen == [("GET", 0), ("POST", 0)]


@pytest.mark.parametrize("scheme", ["http", "https"])
async def test_a_get_is_not_retried_once_part_of_an_answer_came(
    test_certificates: RunCertificates, scheme: str
) -> None:
    statuses, seen = await scripted(test_certificates, scheme, [GET, GET], then="partial")
    assert statuses == [200, 502]
    assert seen == [("GET", 0), ("GET", 0)]


@pytest.mark.parametrize("scheme", ["http", "https"])
async def test_a_get_on_a_new_connection_is_not_retried(
    test_certificates: RunCertificates, scheme: str
) -> None:
    statuses, seen = await scripted(test_certificates, scheme, [GET], first="close")
    assert statuses == [502]
    assert seen == [("GET", 0)]


# Huge answers -------------------------------------------------------------------------


class Flood:
    """A loopback API that answers with a huge body (``framing``: "chunked",
    "until-close", or "gzip", a small gzip stream that inflates far past the cap),
    counting what it managed to send. Blocking sockets in a thread, so that what it
    counts is what the reading side let through."""

    TOTAL = 64 * 1024 * 1024

    def __init__(self, tls: ssl.SSLContext | None, framing: str) -> None:
        self.sent = 0
        self._tls = tls
        self._framing = framing
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._thread = threading.Thread(target=self._serve, daemon=True)

    async def start(self) -> str:
        self._thread.start()
        port = self._listener.getsockname()[1]
        return f"{'https' if self._tls else 'http'}://127.0.0.1:{port}"

    def _serve(self) -> None:
        raw, _ = self._listener.accept()
        try:
            conn = self._tls.wrap_socket(raw, server_side=True) if self._tls else raw
            with conn:
                conn.settimeout(10)
                while b"\r\n\r\n" not in conn.recv(65536):
                    pass
                self._flood(conn)
        except OSError:
            pass  # the other end cut the answer off

    def _flood(self, conn: socket.socket) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        piece = b"x" * 65536
        if self._framing == "gzip":
            bomb = gzip.compress(b" " * self.TOTAL)
            conn.sendall(head + b"Content-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(bomb))
            conn.sendall(bomb)
            self.sent = len(bomb)
            return
        if self._framing == "chunked":
            conn.sendall(head + b"Transfer-Encoding: chunked\r\n\r\n")
            piece = b"%x\r\n%s\r\n" % (len(piece), piece)
        else:
            conn.sendall(head + b"Connection: close\r\n\r\n")
        while self.sent < self.TOTAL:
            conn.sendall(piece)
            self.sent += len(piece)

    async def stop(self) -> None:
        self._listener.close()
        await asyncio.get_running_loop().run_in_executor(None, self._thread.join, 10)


@pytest.mark.parametrize("scheme", ["http", "https"])
@pytest.mark.parametrize("framing", ["chunked", "until-close", "gzip"])
async def test_a_huge_answer_is_cut_off_without_being_read_whole(
    test_certificates: RunCertificates, scheme: str, framing: str
) -> None:
    tls = test_certificates.server_context() if scheme == "https" else None
    server = Flood(tls, framing)
    url = await server.start()
    upstream = Upstream(lambda: url, 10, ca_bundle=str(test_certificates.ca))
    started = time.monotonic()
    try:
        answer = await upstream.forward(GET)
    finally:
        await upstream.close()
        await server.stop()
    assert answer.status == 502
    assert answer_json(answer)["errorCode"] == "UpstreamResponseTooLarge"
    assert time.monotonic() - started < 5
    if framing != "gzip":
        assert server.sent < Flood.TOTAL // 4


# The pool itself ----------------------------------------------------------------------


class FakeConnection:
    """Stands in for http1.Connection in the pool: open until closed."""

    def __init__(self) -> None:
        self.closed = False
        self.on_lost: Any = None

    def idle_and_sound(self) -> bool:
        return not self.closed

    def close(self) -> None:
        self.closed = True

    abort = close


async def test_the_pool_stays_within_its_size_across_origins_and_forgets_stale_connections() -> (
    None
):
    from jupyterlab_mlplatform_tokens.upstream_pool import ConnectionPool

    pool = ConnectionPool(2, idle_seconds=0.2)
    made: list[FakeConnection] = []

    async def connect() -> Any:
        made.append(FakeConnection())
        return made[-1]

    a, b = ("https", "a.example", 443), ("https", "b.example", 443)
    first = await pool.acquire(a, connect)
    second = await pool.acquire(a, connect)
    pool.release(first, reusable=True)
    pool.release(second, reusable=True)
    assert pool.stats()["idle"] == 2
    # Another origin: an idle connection of the first makes room, never a third one.
    other = await pool.acquire(b, connect)
    assert pool.stats()["open"] == 2
    assert made[0].closed
    pool.release(other, reusable=True)
    again = await pool.acquire(a, connect)
    assert (again.connection, again.reused) == (made[1], True)
    pool.release(again, reusable=True)
    await asyncio.sleep(0.3)  # idle too long: not used again
    stale = await pool.acquire(a, connect)
    assert stale.reused is False
    assert made[1].closed
    pool.release(stale, reusable=False)
    assert pool.stats()["peak"] == 2
    await pool.close()
    assert pool.stats()["open"] == 0
