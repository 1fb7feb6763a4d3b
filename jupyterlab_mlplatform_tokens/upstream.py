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
  itself needs: ``Host``, ``Content-Length`` (POST), ``Connection``
  (``keep-alive``, or ``close`` without a pool), ``Accept-Encoding: gzip`` and a
  ``User-Agent`` naming this package; no cookie is kept or sent; of the upstream
  answer only the status, ``Retry-After`` and the JSON body come back, so no
  ``Set-Cookie`` from upstream reaches the browser;
- request and response bodies are capped at 1 MiB (an answer is cut off as soon
  as it passes that, without being read whole), each call at
  ``c.MLPlatformTokens.upstream_timeout`` seconds (10 by default, below the
  browser client's 15 s) from its start to the last byte of the answer, and at
  most 32 calls are in flight.

Connections are kept alive in a bounded pool (``upstream_pool.py``,
``c.MLPlatformTokens.upstream_pool_size``), so a call pays no new TCP and TLS
handshake; an ``https`` API is verified against the system's trust store or
``c.MLPlatformTokens.ca_bundle``. A GET whose reused connection turns out to have
been closed before any byte of an answer came is sent once more on a new
connection; nothing else is ever sent twice (the API may have acted on a
creating call whose answer was lost).

Errors made here use the API's own shape, so the browser's typed client reads
them like any other, plus a top-level ``message`` sentence::

    {"status": 502, "errorCode": "UpstreamUnavailable",
     "errorParams": {"field": "upstream", "message": "..."}, "message": "..."}

Neither bodies nor headers are ever logged.
"""

from __future__ import annotations

import asyncio
import errno
import functools
import json
import logging
import re
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, urlsplit, urlunsplit

from . import __version__
from .http1 import BodyTooLarge, Connection, ConnectionEnded, Headers, ProtocolError, Response
from .upstream_pool import CaBundleError, ConnectionPool, PoolClosed, tls_context

#: What the pipe calls itself upstream (tornado would send its own name and version).
USER_AGENT = f"jupyterlab_mlplatform_tokens/{__version__}"

#: The header the browser puts the ML Platform bearer in.
AUTH_HEADER = "X-MLPlatform-Authorization"

#: Largest request or response body the pipe carries.
MAX_BODY_BYTES = 1024 * 1024

#: Most upstream calls in flight at once; more get 503 with Retry-After.
MAX_IN_FLIGHT = 32

#: Most connections kept to the API by default (``c.MLPlatformTokens.upstream_pool_size``).
POOL_SIZE = 8

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


@functools.lru_cache(maxsize=256)
def _allowed_methods(segments: tuple[str, ...]) -> tuple[str, ...]:
    """The methods the contract allows on this path (kept: every call asks again)."""
    return tuple(sorted({m for m, template in ROUTES if _matches(template, segments)}))


def check_route(method: str, segments: tuple[str, ...]) -> None:
    """Refuse a path the contract does not define (404) or a method it does not allow (405)."""
    allowed = _allowed_methods(segments)
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
    """Forwards checked calls to the configured API URL over kept-alive connections."""

    def __init__(
        self,
        base_url: Callable[[], str],
        timeout: float,
        *,
        max_in_flight: int = MAX_IN_FLIGHT,
        pool_size: int = POOL_SIZE,
        ca_bundle: str | None = "",
        log: logging.Logger | None = None,
    ) -> None:
        self._base_url = base_url
        self.timeout = timeout
        self._max_in_flight = max_in_flight
        self._in_flight = 0
        self._log = log or _LOG
        self._pool = ConnectionPool(pool_size)
        self._ca_bundle = ca_bundle or ""
        self._tls: ssl.SSLContext | None = None
        self._said: set[str] = set()

    @property
    def in_flight(self) -> int:
        """Upstream calls not yet finished (including ones whose caller went away)."""
        return self._in_flight

    def connections(self) -> dict[str, int]:
        """The pool's counts: connections opened so far, open and idle now, most at once."""
        return self._pool.stats()

    async def close(self) -> None:
        """Close the connections to the API (the server is stopping)."""
        await self._pool.close()

    async def forward(self, request: PipeRequest) -> PipeResponse:
        """Check and forward one call; every outcome is a response, never an exception.
        Cancelling this only stops the waiting (see ``start``)."""
        return await asyncio.shield(self.start(request))

    def start(self, request: PipeRequest) -> asyncio.Future[PipeResponse]:
        """Check one call and start forwarding it; the future's result is the response.

        The call runs within ``timeout``, from here to the last byte of the answer (waiting
        for a free connection included). Whoever waits for it may go away (the browser
        closes its tab): the call still runs out and counts as in flight until then, so a
        creating call is never cut at a point where nobody can tell whether it happened,
        and its connection ends in a state fit for the next call.
        """
        try:
            target, headers, body = self._prepare(request)
        except PipeError as error:
            return _done(PipeResponse.from_error(error))
        if self._in_flight >= self._max_in_flight:
            return _done(PipeResponse.from_error(too_many_calls()))
        call = _Call()
        task = asyncio.ensure_future(self._timed(call, request.method, target, headers, body))
        call.timer = asyncio.get_running_loop().call_later(self.timeout, call.expire, task)
        self._in_flight += 1
        task.add_done_callback(lambda done: self._ended(done, call))
        return task

    def _prepare(self, request: PipeRequest) -> tuple[SplitResult, dict[str, str], bytes | None]:
        url = self._base_url()
        if not url:
            raise PipeError(
                503,
                "UpstreamNotConfigured",
                "api_url",
                "No ML Platform API URL is configured on this server; ask the administrator "
                "to set MLPLATFORM_API_URL.",
            )
        segments, body, headers = check_request(request)
        return _target(url, segments), headers, body

    def _ended(self, task: asyncio.Future[PipeResponse], call: _Call) -> None:
        self._in_flight -= 1
        if call.timer is not None:
            call.timer.cancel()
        if not task.cancelled():
            task.exception()  # retrieved, so an abandoned failure is not reported

    async def _timed(
        self,
        call: _Call,
        method: str,
        target: SplitResult,
        headers: dict[str, str],
        body: bytes | None,
    ) -> PipeResponse:
        try:
            response = await self._exchange(method, target, headers, body)
        except asyncio.CancelledError:
            if not call.expired:
                raise
            return PipeResponse.from_error(
                PipeError(
                    504,
                    "UpstreamTimeout",
                    "upstream",
                    f"The ML Platform API did not answer within {self.timeout:g} seconds; "
                    "try again later.",
                )
            )
        except PipeError as error:
            return PipeResponse.from_error(error)
        self._said.clear()  # a problem seen before is worth a line again if it comes back
        return _relay(response.status, response.headers, response.body)

    async def _exchange(
        self, method: str, target: SplitResult, headers: dict[str, str], body: bytes | None
    ) -> Response:
        """Send on a pooled connection; a GET whose reused connection turned out closed
        before any byte of an answer came is sent once more, on a new connection. A
        creating call is never sent twice: the API may have acted on it."""
        tls = self._tls_context() if target.scheme == "https" else None
        origin = (target.scheme, target.hostname or "", _port(target))
        request = _request_bytes(method, target, headers, body, self._pool.keeps_alive)
        for attempt in (1, 2):
            try:
                lease = await self._pool.acquire(
                    origin, lambda: Connection.open(origin[1], origin[2], tls)
                )
            except PoolClosed:
                raise stopping() from None
            except ssl.SSLCertVerificationError as error:
                raise self._untrusted(error) from None
            except OSError as error:  # refused, unreachable, DNS, TLS handshake
                raise self._unreachable(error) from None
            try:
                response = await lease.connection.exchange(request, method, MAX_BODY_BYTES)
            except ConnectionEnded as error:
                self._pool.release(lease, reusable=False)
                if lease.reused and not error.received and method == "GET" and attempt == 1:
                    continue
                raise self._unreachable(error) from None
            except BodyTooLarge:
                lease.connection.abort()  # nothing more of it is read
                self._pool.release(lease, reusable=False)
                raise _too_large() from None
            except ProtocolError as error:
                self._pool.release(lease, reusable=False)
                self._log.warning(
                    "The ML Platform API sent an answer that is not HTTP (%s).", error
                )
                raise _not_http() from None
            except BaseException:
                lease.connection.abort()
                self._pool.release(lease, reusable=False)
                raise
            self._pool.release(lease, reusable=response.reusable)
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    def _tls_context(self) -> ssl.SSLContext:
        """The context made from ``ca_bundle`` at the first HTTPS call; a bundle that
        cannot be used is tried again at the next one (and logged once)."""
        if self._tls is None:
            try:
                self._tls = tls_context(self._ca_bundle)
            except CaBundleError as error:
                self._say(
                    "The CA bundle for the ML Platform API (%s) cannot be used: %s; "
                    "set c.MLPlatformTokens.ca_bundle to a PEM file of CA certificates.",
                    error.path,
                    error.reason,
                )
                raise PipeError(
                    503,
                    "UpstreamCaBundleUnusable",
                    "ca_bundle",
                    f"The CA bundle configured on this server cannot be used: {error.reason}; "
                    "ask the administrator to correct c.MLPlatformTokens.ca_bundle.",
                ) from None
        return self._tls

    def _untrusted(self, error: ssl.SSLCertVerificationError) -> PipeError:
        reason = (error.verify_message or error.reason or "not trusted").rstrip(".")
        self._say(
            "The ML Platform API's TLS certificate could not be verified (%s); "
            "set c.MLPlatformTokens.ca_bundle to the CA that signed it, or correct the API URL.",
            reason,
        )
        return PipeError(
            502,
            "UpstreamCertificateUntrusted",
            "upstream",
            f"The ML Platform API's TLS certificate could not be verified ({reason}); "
            "ask the administrator to check the API URL and c.MLPlatformTokens.ca_bundle.",
        )

    def _unreachable(self, error: BaseException) -> PipeError:
        self._log.warning("The ML Platform API could not be reached (%s).", _kind(error))
        return _unavailable()

    def _say(self, message: str, *args: str) -> None:
        """Log a warning once while it goes on (the browser retries what fails)."""
        line = message % args
        if line not in self._said:
            self._said.add(line)
            self._log.warning(line)


class _Call:
    """One call's deadline: ``expire`` cancels it and marks the cancellation as ours."""

    def __init__(self) -> None:
        self.expired = False
        self.timer: asyncio.TimerHandle | None = None

    def expire(self, task: asyncio.Future[Any]) -> None:
        self.expired = True
        task.cancel()


@functools.lru_cache(maxsize=64)
def _target(url: str, segments: tuple[str, ...]) -> SplitResult:
    """The checked upstream URL of ``segments`` below the base ``url``, split. Kept for
    the same URL and path (a pure function of both): parsing them again on every call
    was a tenth of the pipe's own time."""
    return urlsplit(build_target(parse_base(url), segments))


def _done(response: PipeResponse) -> asyncio.Future[PipeResponse]:
    future: asyncio.Future[PipeResponse] = asyncio.get_running_loop().create_future()
    future.set_result(response)
    return future


def _port(target: SplitResult) -> int:
    return target.port or (443 if target.scheme == "https" else 80)


def _request_bytes(
    method: str,
    target: SplitResult,
    headers: dict[str, str],
    body: bytes | None,
    keep_alive: bool,
) -> bytes:
    """The request as sent: the allowed headers plus those HTTP itself needs."""
    lines = [
        f"{method} {target.path} HTTP/1.1",
        f"Host: {target.netloc}",
        f"User-Agent: {USER_AGENT}",
        "Accept-Encoding: gzip",
        f"Connection: {'keep-alive' if keep_alive else 'close'}",
        *(f"{name}: {value}" for name, value in headers.items()),
    ]
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    # Every value was checked already; this keeps a future mistake from splitting a line.
    if any(char in line for line in lines for char in "\r\n\0"):
        raise PipeError(400, "BadRequestException", "path", "The request cannot be sent.")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")


def _relay(status: int, headers: Headers, body: bytes) -> PipeResponse:
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


def _not_http() -> PipeError:
    return PipeError(
        502,
        "UpstreamProtocolError",
        "body",
        "The ML Platform API sent an answer that is not valid HTTP.",
    )


def too_many_calls() -> PipeError:
    """The refusal of a call beyond the calls a backend takes at once (either backend)."""
    return PipeError(
        503,
        "ServiceUnavailableException",
        "upstream",
        "Too many ML Platform API calls are under way; try again in a moment.",
        retry_after="1",
    )


def stopping() -> PipeError:
    """The refusal of a call while the server stops (either backend)."""
    return PipeError(
        503,
        "ServiceUnavailableException",
        "upstream",
        "This server is stopping; try again once it is back.",
        retry_after="5",
    )


def _kind(error: BaseException) -> str:
    """The error's type (and OS error name): never a body, a header or an address."""
    name = type(error).__name__
    if isinstance(error, ssl.SSLError):  # its errno is OpenSSL's, not the system's
        return f"{name} {error.reason}" if error.reason else name
    if isinstance(error, OSError) and error.errno is not None:
        return f"{name} {errno.errorcode.get(error.errno, error.errno)}"
    return name
