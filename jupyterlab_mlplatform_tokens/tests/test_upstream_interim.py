"""Interim (1xx) answers from upstream are passed over; only the final answer counts.

An upstream behind a CDN or a proxy may send ``103 Early Hints`` (or another
informational answer) before the real one. The pipe relays the final answer's
status, ``Retry-After`` and JSON body, and nothing of the interim answers; over plain
HTTP and over HTTPS.
"""

from __future__ import annotations

import asyncio
import json
import ssl

import pytest

from jupyterlab_mlplatform_tokens.upstream import PipeRequest, Upstream

from .conftest import RunCertificates

FINAL_BODY = json.dumps({"id": "1", "name": "alice"}).encode()


class RawUpstream:
    """A loopback server that answers every request with the same raw bytes."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.answer = b""
        self._tls = tls
        self._server: asyncio.Server | None = None

    async def start(self) -> str:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self._tls)
        port = self._server.sockets[0].getsockname()[1]
        return f"{'https' if self._tls else 'http'}://127.0.0.1:{port}/api"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(self.answer)
        await writer.drain()
        writer.close()

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()


def interim(code: int, reason: str, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {code} {reason}", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def final(status: int, body: bytes, retry_after: str | None = None) -> bytes:
    headers = {"Content-Type": "application/json", "Content-Length": str(len(body))}
    if retry_after is not None:
        headers["Retry-After"] = retry_after
    return interim(status, "Whatever", headers) + body


REQUEST = PipeRequest(method="GET", path="tokens/me", authorization="Bearer abc")

INTERIMS = {
    "none": [],
    "103 Early Hints": [interim(103, "Early Hints", {"Link": "</style.css>; rel=preload"})],
    "100 Continue": [interim(100, "Continue", {})],
    "102 then 103": [
        interim(102, "Processing", {}),
        interim(103, "Early Hints", {"Link": "</a>; rel=preload", "Retry-After": "99"}),
    ],
    "199 with a Content-Type": [interim(199, "Misc", {"Content-Type": "text/html"})],
}


@pytest.mark.parametrize("scheme", ["http", "https"])
@pytest.mark.parametrize("before", INTERIMS.values(), ids=INTERIMS.keys())
@pytest.mark.parametrize("status", [200, 403, 429])
async def test_the_final_answer_is_relayed_after_any_interim_answers(
    before: list[bytes], status: int, scheme: str, test_certificates: RunCertificates
) -> None:
    server = RawUpstream(test_certificates.server_context() if scheme == "https" else None)
    url = await server.start()
    retry_after = "7" if status == 429 else None
    server.answer = b"".join(before) + final(status, FINAL_BODY, retry_after)
    upstream = Upstream(lambda: url, timeout=5, ca_bundle=str(test_certificates.ca))
    try:
        response = await upstream.forward(REQUEST)
    finally:
        await upstream.close()
        await server.stop()
    assert response.status == status
    assert response.body == FINAL_BODY
    assert response.retry_after == retry_after
