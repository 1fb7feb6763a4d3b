"""The upstream pipe: the browser's ML Platform API calls, forwarded to the one configured URL.

``/mlplatform-tokens/upstream/<path>`` forwards GET, POST and DELETE with JSON
bodies to the API URL configured on the server (``c.MLPlatformTokens.api_url``,
or the ``MLPLATFORM_API_URL`` environment variable) and passes the status, the
``Retry-After`` header and the JSON body back. It does not interpret the API.

Authentication: Jupyter itself reads the ``Authorization`` header (its own
token auth), so the browser sends the ML Platform bearer as
``X-MLPlatform-Authorization: Bearer <jwt>``. The pipe sends it upstream as
``Authorization: Bearer <jwt>``. Nothing else is ever sent upstream as
authentication: Jupyter's ``Authorization`` header and all cookies stay here.

It is not an open proxy:

- only the operations of the contract (``api/openapi.yaml``) are forwarded:
  ``POST auth/refresh``, ``GET tokens/me``, ``GET tokens``,
  ``DELETE tokens/<name>``, ``POST register-tokens``,
  ``POST register-tokens/redeem``;
- the path is taken raw (still percent-encoded) and must be plain segments of
  ``[A-Za-z0-9._~-]`` separated by single slashes; ``.``/``..`` segments, any
  ``%`` escape, backslashes, ``:``, ``@``, empty segments and query strings
  are refused before anything is sent;
- the target is the configured base path joined with those segments, and is
  checked to have the base's scheme, host, port and path prefix;
- redirects are not followed; the headers sent upstream are ``Accept``,
  ``Content-Type`` (POST) and the translated ``Authorization``, plus those HTTP
  itself needs, which tornado adds: ``Host``, ``Content-Length`` (POST),
  ``Connection``, ``Accept-Encoding: gzip`` and a ``User-Agent`` naming this
  package; of the upstream answer only the status, ``Retry-After`` and the
  JSON body come back, so no ``Set-Cookie`` from upstream reaches the browser;
- request and response bodies are capped at 1 MiB, each call at
  ``c.MLPlatformTokens.upstream_timeout`` seconds (10 by default, below the
  browser client's 15 s), and at most 32 calls are in flight.

Errors made here use the API's own shape, so the browser's typed client reads
them like any other, plus a top-level ``message`` sentence::

    {"status": 502, "errorCode": "UpstreamUnavailable",
     "errorParams": {"field": "upstream", "message": "..."}, "message": "..."}

Neither bodies nor headers are ever logged.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, urlsplit, urlunsplit

from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.httputil import HTTPHeaders
from tornado.simple_httpclient import HTTPTimeoutError, SimpleAsyncHTTPClient

from . import __version__

#: What the pipe calls itself upstream (tornado would send its own name and version).
USER_AGENT = f"jupyterlab_mlplatform_tokens/{__version__}"

#: The header the browser puts the ML Platform bearer in.
AUTH_HEADER = "X-MLPlatform-Authorization"

#: Largest request or response body the pipe carries.
MAX_BODY_BYTES = 1024 * 1024

#: Most upstream calls in flight at once; more get 503 with Retry-After.
MAX_IN_FLIGHT = 32

#: Longest path below /upstream/ and longest authorization header value.
MAX_PATH_LENGTH = 512
MAX_AUTH_LENGTH = 8192

#: The operations of the contract: method and path, ``{name}`` being one segment.
ROUTES: tuple[tuple[str, str], ...] = (
    ("POST", "auth/refresh"),
    ("GET", "tokens/me"),
    ("GET", "tokens"),
    ("DELETE", "tokens/{name}"),
    ("POST", "register-tokens"),
    ("POST", "register-tokens/redeem"),
)

_SEGMENT = re.compile(r"[A-Za-z0-9._~-]+")
_BEARER = re.compile(r"Bearer +([A-Za-z0-9._~+/-]+=*)", re.IGNORECASE)
_RETRY_AFTER = re.compile(r"[\x20-\x7e]{1,64}")
_JSON_TYPE = re.compile(r"application/(?:[a-z0-9.+-]+\+)?json", re.IGNORECASE)

_LOG = logging.getLogger(__name__)


class PipeError(Exception):
    """A call the pipe answers itself, in the API's error shape."""

    def __init__(
        self,
        status: int,
        code: str,
        field: str,
        message: str,
        *,
        retry_after: str | None = None,
        allow: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.field = field
        self.message = message
        self.retry_after = retry_after
        self.allow = allow

    def body(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "errorCode": self.code,
            "errorParams": {"field": self.field, "message": self.message},
            "message": self.message,
        }


@dataclass(frozen=True)
class PipeRequest:
    """What the browser sent, as the handler saw it."""

    method: str
    path: str  # below /upstream/, raw (still percent-encoded)
    query: str = ""
    authorization: str | None = None
    content_type: str | None = None
    body: bytes = b""


@dataclass(frozen=True)
class PipeResponse:
    """What goes back to the browser."""

    status: int
    body: bytes = b""
    retry_after: str | None = None
    allow: str | None = None

    @classmethod
    def from_error(cls, error: PipeError) -> PipeResponse:
        return cls(
            status=error.status,
            body=json.dumps(error.body()).encode(),
            retry_after=error.retry_after,
            allow=error.allow,
        )


# Checking the request ---------------------------------------------------------


def parse_path(raw: str) -> tuple[str, ...]:
    """Split the raw path below /upstream/ into plain segments, or raise PipeError 400/404."""
    if raw == "":
        raise PipeError(404, "NotFoundException", "path", "Name an ML Platform API path.")
    if len(raw) > MAX_PATH_LENGTH:
        raise PipeError(400, "BadRequestException", "path", "The API path is too long.")
    segments = tuple(raw.split("/"))
    for segment in segments:
        if segment in (".", "..") or not _SEGMENT.fullmatch(segment):
            raise PipeError(
                400,
                "BadRequestException",
                "path",
                "The API path must be plain segments of letters, digits and . _ ~ - "
                "separated by single slashes.",
            )
    return segments


def _matches(template: str, segments: tuple[str, ...]) -> bool:
    parts = template.split("/")
    return len(parts) == len(segments) and all(
        part == "{name}" or part == segment for part, segment in zip(parts, segments, strict=True)
    )


def check_route(method: str, segments: tuple[str, ...]) -> None:
    """Refuse a path the contract does not define (404) or a method it does not allow (405)."""
    allowed = sorted({m for m, template in ROUTES if _matches(template, segments)})
    if not allowed:
        raise PipeError(404, "NotFoundException", "path", "The ML Platform API has no such path.")
    if method not in allowed:
        raise PipeError(
            405,
            "MethodNotAllowedException",
            "method",
            f"This API path accepts only {', '.join(allowed)}.",
            allow=", ".join(allowed),
        )


def parse_base(url: str) -> SplitResult:
    """The configured base URL, checked to be a plain http(s) URL (PipeError 503 if not)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        parts, port = None, None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.username is not None
        or parts.password is not None
        or parts.query
        or parts.fragment
        or "\\" in url
        or (port is not None and not 0 < port < 65536)
    ):
        raise PipeError(
            503,
            "UpstreamMisconfigured",
            "api_url",
            "The ML Platform API URL configured on this server is not a plain http(s) URL; "
            "ask the administrator to correct it.",
        )
    return parts


def build_target(base: SplitResult, segments: tuple[str, ...]) -> str:
    """The upstream URL: the base path joined with ``segments``, verified to stay below it."""
    prefix = base.path.rstrip("/")
    target = urlunsplit((base.scheme, base.netloc, f"{prefix}/{'/'.join(segments)}", "", ""))
    check = urlsplit(target)
    if (
        check.scheme != base.scheme
        or check.hostname != base.hostname
        or check.port != base.port
        or check.username is not None
        or not check.path.startswith(f"{prefix}/")
        or check.query
        or check.fragment
    ):
        raise PipeError(
            400, "BadRequestException", "path", "The API path leaves the configured API."
        )
    return target


def upstream_headers(request: PipeRequest) -> dict[str, str]:
    """The only headers sent upstream: Accept, Content-Type (POST) and the bearer."""
    headers = {"Accept": "application/json"}
    if request.method == "POST":
        headers["Content-Type"] = "application/json"
    if request.authorization is not None:
        value = request.authorization.strip()
        match = _BEARER.fullmatch(value) if len(value) <= MAX_AUTH_LENGTH else None
        if match is None:
            raise PipeError(
                400,
                "BadRequestException",
                "authorization",
                f"The {AUTH_HEADER} header must be 'Bearer <token>'.",
            )
        headers["Authorization"] = f"Bearer {match.group(1)}"
    return headers


def check_body(request: PipeRequest) -> bytes | None:
    """The body to forward: a JSON document for POST, nothing otherwise."""
    if request.method != "POST":
        if request.body:
            raise PipeError(
                400, "BadRequestException", "body", f"A {request.method} call carries no body."
            )
        return None
    if len(request.body) > MAX_BODY_BYTES:
        raise PipeError(413, "PayloadTooLarge", "body", "The request body is larger than 1 MiB.")
    media_type = (request.content_type or "").split(";", 1)[0].strip()
    if not _JSON_TYPE.fullmatch(media_type):
        raise PipeError(
            400, "BadRequestException", "body", "The request body must be sent as JSON."
        )
    try:
        json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise PipeError(
            400, "BadRequestException", "body", "The request body is not valid JSON."
        ) from None
    return request.body


def check_request(request: PipeRequest) -> tuple[tuple[str, ...], bytes | None, dict[str, str]]:
    """Every check of a call before it is made, whichever backend makes it: no query,
    plain segments of a contract route, a JSON body for POST only, a well-formed
    bearer. Answers the segments, the body and the headers to send."""
    if request.query:
        raise PipeError(400, "BadRequestException", "path", "The pipe forwards no query strings.")
    segments = parse_path(request.path)
    check_route(request.method, segments)
    body = check_body(request)
    return segments, body, upstream_headers(request)


# Forwarding ---------------------------------------------------------------------


class Upstream:
    """Forwards checked calls to the configured API URL."""

    def __init__(
        self,
        base_url: Callable[[], str],
        timeout: float,
        *,
        max_in_flight: int = MAX_IN_FLIGHT,
        log: logging.Logger | None = None,
    ) -> None:
        self._base_url = base_url
        self.timeout = timeout
        self._max_in_flight = max_in_flight
        self._in_flight = 0
        self._log = log or _LOG

    @property
    def in_flight(self) -> int:
        """Upstream calls not yet finished (including ones whose caller went away)."""
        return self._in_flight

    async def forward(self, request: PipeRequest) -> PipeResponse:
        """Check and forward one call; every outcome is a response, never an exception."""
        try:
            target, headers, body = self._prepare(request)
        except PipeError as error:
            return PipeResponse.from_error(error)
        if self._in_flight >= self._max_in_flight:
            return PipeResponse.from_error(
                PipeError(
                    503,
                    "ServiceUnavailableException",
                    "upstream",
                    "Too many ML Platform API calls are under way; try again in a moment.",
                    retry_after="1",
                )
            )
        return await self._send(request.method, target, headers, body)

    def _prepare(self, request: PipeRequest) -> tuple[str, dict[str, str], bytes | None]:
        url = self._base_url()
        if not url:
            raise PipeError(
                503,
                "UpstreamNotConfigured",
                "api_url",
                "No ML Platform API URL is configured on this server; ask the administrator "
                "to set MLPLATFORM_API_URL.",
            )
        base = parse_base(url)
        segments, body, headers = check_request(request)
        return build_target(base, segments), headers, body

    async def _send(
        self, method: str, target: str, headers: dict[str, str], body: bytes | None
    ) -> PipeResponse:
        """One upstream call.

        If the browser goes away meanwhile, the waiting is cancelled but the call itself
        runs out (bounded by the timeout) and counts as in flight until then: tornado's
        client cannot abort a request, and cancelling its future would only make it log
        an error when the call ends.
        """
        client = SimpleAsyncHTTPClient(
            force_instance=True,
            max_body_size=MAX_BODY_BYTES,
            max_buffer_size=MAX_BODY_BYTES,
            max_header_size=64 * 1024,
        )
        received = _HeaderLines()
        request = HTTPRequest(
            target,
            method=method,
            headers=headers,
            body=body,
            connect_timeout=self.timeout,
            request_timeout=self.timeout,
            follow_redirects=False,
            decompress_response=True,
            allow_nonstandard_methods=False,
            user_agent=USER_AGENT,
            header_callback=received,
        )
        future = client.fetch(request, raise_error=False)
        self._in_flight += 1
        future.add_done_callback(lambda done: self._ended(done, client))
        try:
            response = await asyncio.shield(future)
        except HTTPTimeoutError:
            return PipeResponse.from_error(
                PipeError(
                    504,
                    "UpstreamTimeout",
                    "upstream",
                    f"The ML Platform API did not answer within {self.timeout:g} seconds; "
                    "try again later.",
                )
            )
        except asyncio.CancelledError:
            raise
        except Exception as error:  # refused, reset, closed, malformed or oversized answer
            if received.content_length() > MAX_BODY_BYTES:
                return PipeResponse.from_error(_too_large())
            self._log.warning("The ML Platform API could not be reached (%s).", _kind(error))
            return PipeResponse.from_error(_unavailable())
        return _relay(response.code, received.headers(), response.body or b"")

    def _ended(self, future: asyncio.Future[Any], client: SimpleAsyncHTTPClient) -> None:
        self._in_flight -= 1
        client.close()
        if not future.cancelled():
            future.exception()  # retrieved, so an abandoned failure is not reported


class _HeaderLines:
    """The upstream answer's header lines, collected through tornado's ``header_callback``
    (which also makes them available when the body is refused as too large).

    Tornado reads past interim answers (``103 Early Hints``, ``100 Continue``) but
    calls the callback for each of them too; every start line begins the lines
    afresh, so only the final answer's headers count.
    """

    def __init__(self) -> None:
        self._lines: list[str] = []

    def __call__(self, line: str) -> None:
        if line.startswith("HTTP/"):
            self._lines = []
        self._lines.append(line)

    def headers(self) -> HTTPHeaders:
        try:
            return HTTPHeaders.parse("".join(self._lines[1:]))
        except Exception:  # malformed header lines count as none
            return HTTPHeaders()

    def content_length(self) -> int:
        value = self.headers().get("Content-Length", "").strip()
        return int(value) if value.isdigit() else 0


def _relay(status: int, headers: HTTPHeaders, body: bytes) -> PipeResponse:
    """Pass a JSON answer through; turn anything else into a 502."""
    retry_after = (headers.get("Retry-After") or "").strip()
    retry_after = retry_after if _RETRY_AFTER.fullmatch(retry_after) else None
    if 300 <= status < 400:
        return PipeResponse.from_error(
            PipeError(
                502,
                "UpstreamProtocolError",
                "body",
                f"The ML Platform API answered with a redirect (HTTP {status}), "
                "which the pipe does not follow.",
                retry_after=retry_after,
            )
        )
    if not body:
        return PipeResponse(status=status, retry_after=retry_after)
    media_type = (headers.get("Content-Type") or "").split(";", 1)[0].strip()
    if not _JSON_TYPE.fullmatch(media_type):
        return PipeResponse.from_error(
            PipeError(
                502,
                "UpstreamProtocolError",
                "body",
                f"The ML Platform API answered HTTP {status} with a body that is not JSON.",
                retry_after=retry_after,
            )
        )
    return PipeResponse(status=status, body=body, retry_after=retry_after)


def _too_large() -> PipeError:
    return PipeError(
        502,
        "UpstreamResponseTooLarge",
        "body",
        "The ML Platform API sent an answer larger than 1 MiB, which the pipe does not carry.",
    )


def _unavailable() -> PipeError:
    return PipeError(
        502,
        "UpstreamUnavailable",
        "upstream",
        "The ML Platform API could not be reached; check the connection and try again.",
    )


def _kind(error: BaseException) -> str:
    """The error's type and, for tornado's HTTP errors, its code: never a body or header."""
    if isinstance(error, HTTPClientError):
        return f"{type(error).__name__} {error.code}"
    return type(error).__name__
