"""The pipe is no open proxy: escapes are refused before anything leaves the server, only
the allowed headers go upstream, and sizes and redirects are bounded.

The upstream here is a small recording HTTP server, so a test can see every request
that reached it (or that none did); each test runs with it serving plain HTTP and HTTPS.
"""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from jupyterlab_mlplatform_tokens.upstream import MAX_BODY_BYTES

from .conftest import Pipe, RunCertificates


class Recorder:
    """Records requests; answers with ``reply`` (status, headers, body)."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.seen: list[dict[str, Any]] = []
        self.reply: tuple[int, dict[str, str], bytes] = (200, {}, b"")
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                recorder.seen.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": self.rfile.read(length),
                    }
                )
                status, headers, body = recorder.reply
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_DELETE = _answer

            def log_message(self, *args: Any) -> None:
                pass

        Handler.protocol_version = "HTTP/1.1"  # keep-alive, as real APIs do
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        scheme = "https" if tls is not None else "http"
        self.url = f"{scheme}://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def json_reply(self, payload: Any, status: int = 200, **headers: str) -> None:
        self.reply = (
            status,
            {"Content-Type": "application/json", **headers},
            json.dumps(payload).encode(),
        )

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module", params=["http", "https"])
def recorder(
    request: pytest.FixtureRequest, test_certificates: RunCertificates
) -> Iterator[Recorder]:
    tls = test_certificates.server_context() if request.param == "https" else None
    server = Recorder(tls)
    yield server
    server.close()


@pytest.fixture(autouse=True)
def _fresh_recorder(recorder: Recorder) -> None:
    recorder.seen.clear()
    recorder.json_reply({"ok": True})


@pytest.fixture
def mlp_config_extra() -> dict[str, Any]:
    return {}


@pytest.fixture
def mlp_config(
    recorder: Recorder, test_certificates: RunCertificates, mlp_config_extra: dict[str, Any]
) -> dict[str, Any]:
    return {
        "api_url": f"{recorder.url}/api/v1/",
        "ca_bundle": str(test_certificates.ca),
        **mlp_config_extra,
    }


async def test_a_plain_call_reaches_the_base_path(pipe: Pipe, recorder: Recorder) -> None:
    status, _, body = await pipe("GET", "tokens/me", bearer="abc")
    assert (status, body) == (200, {"ok": True})
    assert [(r["method"], r["path"]) for r in recorder.seen] == [("GET", "/api/v1/tokens/me")]


ESCAPES = [
    ("GET", "http://evil.test/tokens"),
    ("GET", "https:%2F%2Fevil.test%2Ftokens"),
    ("GET", "//evil.test/tokens"),
    ("GET", "/evil.test/tokens"),
    ("GET", "../status"),
    ("GET", "../../api/contents"),
    ("GET", "tokens/../../status"),
    ("DELETE", "tokens/.."),
    ("DELETE", "tokens/."),
    ("GET", "%2e%2e/status"),
    ("GET", "%2E%2E/%2E%2E/api/contents"),
    ("GET", ".%2e/status"),
    ("GET", "..%2fstatus"),
    ("GET", "tokens%2fme"),
    ("GET", "tokens%2Fme"),
    ("GET", "tokens%5cme"),
    ("GET", "tokens\\me"),
    ("GET", "..\\status"),
    ("GET", "@evil.test/tokens"),
    ("GET", "tokens@evil.test"),
    ("DELETE", "tokens/me@evil.test"),
    ("GET", "evil.test:80/tokens"),
    ("GET", "tokens/me?next=http://evil.test"),
    ("GET", "tokens/me%3Fnext=x"),
    ("GET", "tokens/me%23fragment"),
    ("GET", "%252e%252e/status"),
    ("DELETE", "tokens/%00"),
    ("DELETE", "tokens/me%20"),
    ("DELETE", "tokens/a%2Fb"),
    ("GET", "./tokens/me"),
    ("GET", "tokens/./me"),
    ("GET", "tokens//me"),
    ("GET", "tokens/me/"),
    ("POST", "_emulator/reset"),
    ("GET", "_emulator/stats"),
    ("GET", "tokens/alice/extra"),
    ("GET", "TOKENS/me"),
    ("DELETE", "tokens/%C3%A9"),
    ("GET", ""),
    ("POST", "auth/refresh/../../_emulator/reset"),
    ("POST", "register-tokens/redeem/.."),
    ("GET", "tokens/alice"),  # a path of the contract, but not with this method
    ("PUT", "tokens/me"),
    ("PATCH", "tokens/me"),
]


@pytest.mark.parametrize(("method", "path"), ESCAPES, ids=[f"{m} {p}" for m, p in ESCAPES])
async def test_escape_attempts_are_refused_before_anything_is_sent(
    pipe: Pipe, recorder: Recorder, method: str, path: str
) -> None:
    body = {"refresh_token": "x"} if method in ("POST", "PUT", "PATCH") else None
    status, _, answer = await pipe(method, path, body, bearer="abc")
    assert status in (400, 404, 405), answer
    assert recorder.seen == []
    if answer is not None and method in ("GET", "POST", "DELETE"):
        assert answer["status"] == status
        assert answer["errorParams"]["field"] in ("path", "method")
        assert answer["message"].endswith(".")


async def test_only_allowed_headers_go_upstream_and_no_cookie_comes_back(
    pipe: Pipe, recorder: Recorder
) -> None:
    recorder.json_reply({"ok": True}, **{"Set-Cookie": "upstream=1", "X-Upstream": "y"})
    status, headers, _ = await pipe(
        "POST",
        "auth/refresh",
        {"refresh_token": "mlp_rt_value"},
        bearer="the.bearer",
        headers={"Cookie": "jupyter=secret", "X-Custom": "1", "Origin": "http://evil.test"},
    )
    assert status == 200
    sent = recorder.seen[0]["headers"]
    assert sent["authorization"] == "Bearer the.bearer"  # not Jupyter's own token
    assert sent["content-type"] == "application/json"
    assert sent["accept"] == "application/json"
    assert "cookie" not in sent
    assert "x-custom" not in sent
    assert "origin" not in sent
    assert "x-mlplatform-authorization" not in sent
    # Exactly what docs/security.md lists: ours, and the ones HTTP itself needs.
    assert set(sent) == {
        "host",
        "accept",
        "accept-encoding",
        "authorization",
        "content-type",
        "content-length",
        "connection",
        "user-agent",
    }
    assert sent["user-agent"].startswith("jupyterlab_mlplatform_tokens/")
    assert sent["accept-encoding"] == "gzip"
    assert recorder.seen[0]["body"] == b'{"refresh_token": "mlp_rt_value"}'
    assert not any("upstream=" in value for value in headers.get_list("Set-Cookie"))
    assert "X-Upstream" not in headers


async def test_jupyter_authorization_alone_is_not_forwarded(pipe: Pipe, recorder: Recorder) -> None:
    await pipe("GET", "tokens/me")
    assert "authorization" not in recorder.seen[0]["headers"]


async def test_a_malformed_bearer_header_is_refused(pipe: Pipe, recorder: Recorder) -> None:
    status, _, answer = await pipe(
        "GET", "tokens/me", headers={"X-MLPlatform-Authorization": "token abc"}
    )
    assert status == 400
    assert answer["errorParams"]["field"] == "authorization"
    assert recorder.seen == []


async def test_bodies_are_capped_both_ways(pipe: Pipe, recorder: Recorder) -> None:
    large = json.dumps({"refresh_token": "x" * MAX_BODY_BYTES})
    status, _, answer = await pipe("POST", "auth/refresh", large)
    assert status == 413
    assert recorder.seen == []
    recorder.json_reply({"tokens": ["x" * MAX_BODY_BYTES]})
    status, _, answer = await pipe("GET", "tokens", bearer="abc")
    assert status == 502
    assert answer["errorCode"] == "UpstreamResponseTooLarge"


async def test_redirects_are_not_followed(pipe: Pipe, recorder: Recorder) -> None:
    recorder.reply = (302, {"Location": "http://evil.test/steal"}, b"")
    status, headers, answer = await pipe("GET", "tokens/me", bearer="abc")
    assert status == 502
    assert answer["errorCode"] == "UpstreamProtocolError"
    assert "Location" not in headers
    assert len(recorder.seen) == 1


async def test_non_json_bodies_are_refused_for_post(pipe: Pipe, recorder: Recorder) -> None:
    status, _, _ = await pipe(
        "POST", "auth/refresh", "refresh_token=x", headers={"Content-Type": "text/plain"}
    )
    assert status == 400
    status, _, _ = await pipe("POST", "auth/refresh", "{not json")
    assert status == 400
    assert recorder.seen == []


async def test_a_cookie_set_upstream_is_never_sent_back_on_a_reused_connection(
    pipe: Pipe, recorder: Recorder
) -> None:
    recorder.json_reply({"ok": True}, **{"Set-Cookie": "session=upstream; Path=/"})
    for _ in range(3):
        status, _, _ = await pipe("GET", "tokens/me", bearer="abc")
        assert status == 200
    assert len(recorder.seen) == 3
    assert all("cookie" not in seen["headers"] for seen in recorder.seen)
    assert [seen["headers"]["connection"] for seen in recorder.seen] == ["keep-alive"] * 3


@pytest.mark.parametrize("mlp_config_extra", [{"upstream_pool_size": 0}])
async def test_without_a_pool_every_call_asks_to_close_its_connection(
    pipe: Pipe, recorder: Recorder
) -> None:
    await pipe("GET", "tokens/me", bearer="abc")
    assert recorder.seen[0]["headers"]["connection"] == "close"
