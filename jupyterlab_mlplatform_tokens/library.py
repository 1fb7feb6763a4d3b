"""The library backend: the contract's operations made through the vendor's ``mlplatform_client``.

ML Platform's HTTP API is not published; the vendor's Python library is its
documented interface. With ``c.MLPlatformTokens.backend = "library"`` (or
``"auto"`` and no API URL), the calls the browser sends to
``/mlplatform-tokens/upstream/`` are answered here instead of being forwarded,
in the same shapes (``api/openapi.yaml``), so the browser's typed client works
unchanged:

- ``POST auth/refresh`` checks the access token with ``who_am_i()`` and answers
  a *handle* as the bearer: random, meaningless anywhere but in this server
  process, mapped here to the access token for at most
  :data:`HANDLE_SECONDS` (never past the token's own expiry), then forgotten.
  The access token is kept in memory only, for that long;
- ``GET tokens/me`` → ``who_am_i()``; ``GET tokens`` →
  ``get_project_tokens_info()``; ``DELETE tokens/<name>`` →
  ``delete_token(token_name=...)``; ``POST register-tokens`` →
  ``create_register_token(...)``; ``POST register-tokens/redeem`` →
  ``MLPlatform().create_refresh_token(...)``, then ``who_am_i()`` of the new
  token (best effort: the value is answered even when that fails).

The library blocks: each call runs in a thread of a small pool
(``library_concurrency``) and is waited for at most ``upstream_timeout``
seconds. What it prints is discarded, and its log records are dropped, so no
value reaches a log or a notebook. Every exception becomes the contract's error
shape: the vendor's ``ForbiddenException`` text ``<Response [403]>. Info:
{json}`` is read for ``status``, ``errorCode`` and ``errorParams.field`` (or
the ``warnorCode``/``warnorParams`` spelling of one of the vendor's examples);
network failures are ``UpstreamUnavailable``; an answer whose shape is not
understood is ``UpstreamLibraryUnsupported``, naming the library's version and
the way out (``api_url``). The library's classes are not documented field by
field: what is read from them is in :func:`token_info` and the ``_value_of``
helpers.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import importlib
import importlib.metadata
import importlib.util
import io
import json
import logging
import re
import secrets
import sys
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from typing import Any

from . import validate
from .upstream import (
    PipeError,
    PipeRequest,
    PipeResponse,
    check_request,
)

#: The vendor's module.
LIBRARY_MODULE = "mlplatform_client"

#: How long a handle answered by ``auth/refresh`` works (as a bearer would).
HANDLE_SECONDS = 300

#: Most handles kept at once (the oldest are forgotten first).
MAX_HANDLES = 1024

#: The prefix of the pool's threads, by which their log records are dropped.
THREAD_PREFIX = "mlp-library"

_INFO = re.compile(r"<Response \[(\d{3})\]>\.\s*Info:\s*(\{.*\})\s*$", re.DOTALL)
_TTL = re.compile(r"(?:([0-9]{1,9})h)?(?:([0-9]{1,9})m)?(?:([0-9]{1,9})s)?")
_MISSING_SCOPE = "does not contain the following scopes"

_LOG = logging.getLogger(__name__)


class _Unsupported(Exception):
    """The library answered in a shape this module does not understand."""


class _Rejected(Exception):
    """The contract's error for a call, decided here (not by the library)."""

    def __init__(self, status: int, code: str, field: str) -> None:
        super().__init__(field)
        self.status = status
        self.code = code
        self.field = field


class _DropLibraryRecords(logging.Filter):
    """Drops the log records of the library's calls (they may hold values)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.threadName or "").startswith(THREAD_PREFIX) and not (
            record.name == LIBRARY_MODULE or record.name.startswith(f"{LIBRARY_MODULE}.")
        )


_DROP = _DropLibraryRecords()


def _in_pool_thread() -> bool:
    return threading.current_thread().name.startswith(THREAD_PREFIX)


class _QuietInPool(io.TextIOBase):
    """A stand-in for ``sys.stdout``/``sys.stderr`` that drops what the pool's threads
    write and passes everything else on (``contextlib.redirect_stdout`` would swap the
    stream of every thread, and two calls at once would restore each other's)."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        if _in_pool_thread():
            return len(text)
        return self.stream.write(text)

    def flush(self) -> None:
        if not _in_pool_thread():
            self.stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def _silence_pool_threads() -> None:
    """Keep the pool's prints and log records out of the streams and the logs."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, _QuietInPool):
            setattr(sys, name, _QuietInPool(stream))
    for handler in logging.getLogger().handlers:
        if _DROP not in handler.filters:
            handler.addFilter(_DROP)


def library_available() -> bool:
    """Whether ``mlplatform_client`` can be imported (without importing it)."""
    try:
        return importlib.util.find_spec(LIBRARY_MODULE) is not None
    except (ImportError, ValueError):
        return False


def library_version() -> str | None:
    """The installed library's version, or None when it is not installed."""
    if not library_available():
        return None
    for name in ("mlplatform-client", "mlplatform_client"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            return importlib.metadata.version(name)
    # Not imported here (it would run the library's import on the event loop).
    module = sys.modules.get(LIBRARY_MODULE)
    return str(getattr(module, "__version__", "unknown"))


class LibraryUpstream:
    """Answers the pipe's calls through ``mlplatform_client``."""

    def __init__(
        self,
        timeout: float,
        *,
        concurrency: int = 4,
        log: logging.Logger | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.timeout = timeout
        self._pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix=THREAD_PREFIX)
        self._log = log or _LOG
        self._clock = clock
        self._handles: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()
        self._module: Any = None
        self._in_flight = 0

    @property
    def in_flight(self) -> int:
        """Library calls not yet finished (including ones whose caller went away)."""
        return self._in_flight

    def close(self) -> None:
        """Let the pool's threads end once their calls are done; forget every handle."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            self._handles.clear()

    async def forward(self, request: PipeRequest) -> PipeResponse:
        """Check and answer one call; every outcome is a response, never an exception."""
        try:
            segments, body, headers = check_request(request)
            bearer = headers.get("Authorization", "")
            data = json.loads(body) if body is not None else None
            return await self._answer(request.method, segments, data, bearer[len("Bearer ") :])
        except PipeError as error:
            return PipeResponse.from_error(error)
        except _Unsupported as error:
            return PipeResponse.from_error(self._unsupported(str(error)))
        except _Rejected as rejected:
            return _error_response(
                rejected.status,
                rejected.code,
                rejected.field,
                getattr(rejected, "retry_after", None),
            )

    # The operations -------------------------------------------------------------

    async def _answer(
        self, method: str, segments: tuple[str, ...], data: Any, handle: str
    ) -> PipeResponse:
        route = "/".join(segments)
        if (method, route) == ("POST", "auth/refresh"):
            return await self._refresh(data)
        if (method, route) == ("POST", "register-tokens/redeem"):
            return await self._redeem(data)
        token = self._token_for(handle)
        if (method, route) == ("GET", "tokens/me"):
            info = await self._call(lambda lib: lib.MLPlatform(token).who_am_i(), [token])
            return _json(200, self._described(info))
        if (method, route) == ("GET", "tokens"):
            listed = await self._call(
                lambda lib: lib.MLPlatform(token).get_project_tokens_info(), [token]
            )
            return _json(200, {"tokens": [self._described(item) for item in _items(listed)]})
        if method == "DELETE" and segments[0] == "tokens":
            name = segments[1]
            await self._call(
                lambda lib: lib.MLPlatform(token).delete_token(token_name=name), [token]
            )
            return PipeResponse(status=204)
        return await self._create_register_token(data, token)

    async def _refresh(self, data: Any) -> PipeResponse:
        token = _string_field(data, "refresh_token")
        info = self._described(
            await self._call(lambda lib: lib.MLPlatform(token).who_am_i(), [token])
        )
        seconds = HANDLE_SECONDS
        if info["exp"] is not None:
            left = (
                validate.parse_timestamp(info["exp"]) - datetime.now(timezone.utc)
            ).total_seconds()
            if left < 1:
                raise _Rejected(403, "ForbiddenException", "Forbidden")
            seconds = min(seconds, int(left))
        handle = secrets.token_urlsafe(32)
        with self._lock:
            now = self._clock()
            for key in [key for key, (_, until) in self._handles.items() if until <= now]:
                del self._handles[key]
            while len(self._handles) >= MAX_HANDLES:
                del self._handles[next(iter(self._handles))]
            self._handles[handle] = (token, now + seconds)
        return _json(200, {"access_token": handle, "token_type": "Bearer", "expires_in": seconds})

    async def _create_register_token(self, data: Any, token: str) -> PipeResponse:
        name = _string_field(data, "client_name")
        access_ttl = _string_field(data, "access_ttl")
        seconds = _ttl_seconds(access_ttl)
        if seconds is None:
            raise _Rejected(400, "BadRequestException", "access_ttl")
        refresh_ttl = data.get("refresh_ttl")
        if refresh_ttl is not None and (
            not isinstance(refresh_ttl, str) or _ttl_seconds(refresh_ttl) is None
        ):
            raise _Rejected(400, "BadRequestException", "refresh_ttl")
        role = data.get("token_type")
        if role not in validate.ROLES:
            raise _Rejected(400, "BadRequestException", "token_type")

        def create(lib: Any) -> Any:
            kinds = importlib.import_module(f"{LIBRARY_MODULE}.serializers.auth").MLPTokenType
            return lib.MLPlatform(token).create_register_token(
                client_name=name,
                access_ttl=access_ttl,
                refresh_ttl=refresh_ttl,
                token_type=getattr(kinds, role),
            )

        created = await self._call(create, [token])
        value = self._value_of(created, "register_token")
        expires = datetime.now(timezone.utc) + timedelta(seconds=seconds)
        return _json(
            201,
            {
                "register_token": value,
                "client_name": name,
                "token_type": role,
                "expires_at": validate.format_timestamp(expires),
                "refresh_ttl": refresh_ttl,
            },
        )

    async def _redeem(self, data: Any) -> PipeResponse:
        registration = _string_field(data, "register_token")
        minted = await self._call(
            lambda lib: lib.MLPlatform().create_refresh_token(registration), [registration]
        )
        value = self._value_of(minted, "refresh_token")
        # The token exists now: its value is answered whatever happens next; the
        # browser names it itself when no description comes.
        description: dict[str, Any] | None = None
        try:
            info = await self._call(lambda lib: lib.MLPlatform(value).who_am_i(), [value])
            description = self._described(info)
        except (PipeError, _Rejected) as error:
            self._log.warning(
                "The new access token was minted but could not be described (%s).",
                type(error).__name__,
            )
        return _json(201, {"refresh_token": value, "token": description})

    # Calling the library --------------------------------------------------------

    def _token_for(self, handle: str) -> str:
        with self._lock:
            found = self._handles.get(handle) if handle else None
            if found is None or found[1] <= self._clock():
                self._handles.pop(handle, None)
                raise _Rejected(401, "UnauthorizedException", "Unauthorized")
            return found[0]

    async def _call(self, work: Callable[[Any], Any], values: list[str]) -> Any:
        """Run ``work(module)`` in the pool within the timeout; map what it raises."""
        loop = asyncio.get_running_loop()
        self._in_flight += 1
        future = loop.run_in_executor(self._pool, self._quietly, work)
        future.add_done_callback(self._ended)
        try:
            return await asyncio.wait_for(asyncio.shield(future), self.timeout)
        except asyncio.TimeoutError:
            raise PipeError(
                504,
                "UpstreamTimeout",
                "upstream",
                f"The ML Platform library did not answer within {self.timeout:g} seconds; "
                "try again later.",
            ) from None
        except (PipeError, _Rejected, _Unsupported):
            raise
        except Exception as error:
            raise self._mapped(error, values) from None

    def _ended(self, future: asyncio.Future[Any]) -> None:
        self._in_flight -= 1
        if not future.cancelled():
            future.exception()  # retrieved, so an abandoned failure is not reported

    def _quietly(self, work: Callable[[Any], Any]) -> Any:
        """``work(module)`` (in a pool thread) with its prints discarded and its log
        records dropped."""
        _silence_pool_threads()
        return work(self._load())

    def _load(self) -> Any:
        if self._module is None:
            try:
                module = importlib.import_module(LIBRARY_MODULE)
            except Exception as error:
                raise PipeError(
                    503,
                    "UpstreamLibraryMissing",
                    "backend",
                    "The ML Platform library (mlplatform_client) cannot be imported in the "
                    f"Jupyter server's environment ({type(error).__name__}); install it, or "
                    "set MLPLATFORM_API_URL to use the HTTP API.",
                ) from None
            library_log = logging.getLogger(LIBRARY_MODULE)
            library_log.propagate = False
            library_log.addHandler(logging.NullHandler())
            self._module = module
        return self._module

    def _mapped(self, error: Exception, values: list[str]) -> PipeError | _Rejected:
        """The contract's error for what the library raised (never its raw text)."""
        text = _without(str(error), values)
        status, code, field, retry_after = _read_info(error, text)
        if status is not None and code is not None:
            return _Passed(status, code, field or "", retry_after)
        if status is not None:
            # An HTTP answer without the platform's error body (a proxy's page).
            return PipeError(
                502,
                "UpstreamProtocolError",
                "body",
                f"The ML Platform API answered HTTP {status} with a body that is not JSON.",
                retry_after=retry_after,
            )
        name = type(error).__name__
        if name == "ForbiddenException" or _MISSING_SCOPE in text:
            return _Rejected(
                403, "ForbiddenException", text if _MISSING_SCOPE in text else "Forbidden"
            )
        if "Timeout" in name:
            return PipeError(
                504,
                "UpstreamTimeout",
                "upstream",
                "The ML Platform library did not get an answer in time; try again later.",
            )
        if isinstance(error, OSError) or "Connection" in name:
            self._log.warning("The ML Platform API could not be reached (%s).", name)
            return PipeError(
                502,
                "UpstreamUnavailable",
                "upstream",
                "The ML Platform API could not be reached; check the connection and try again.",
            )
        return self._unsupported(f"it raised {name}")

    def _unsupported(self, what: str) -> PipeError:
        version = library_version() or "unknown"
        self._log.error("The ML Platform library %s answered unexpectedly: %s.", version, what)
        return PipeError(
            502,
            "UpstreamLibraryUnsupported",
            "backend",
            f"The ML Platform library (mlplatform_client {version}) answered in a way this "
            "extension does not understand; ask the administrator to set "
            "c.MLPlatformTokens.api_url to use the HTTP API, or to install a supported "
            "version of the library.",
        )

    def _described(self, info: Any) -> dict[str, Any]:
        try:
            return token_info(info)
        except _Unsupported as error:
            raise self._unsupported(str(error)) from None

    def _value_of(self, answer: Any, key: str) -> str:
        value = answer
        if not isinstance(value, str):
            fields = _fields(answer) if answer is not None else None
            value = (fields or {}).get(
                key, (fields or {}).get("token", (fields or {}).get("value"))
            )
        if not validate.is_token_value(value):
            raise self._unsupported(f"no usable {key} value came back")
        return str(value)


class _Passed(_Rejected):
    """An error of the platform, passed on as the platform said it."""

    def __init__(self, status: int, code: str, field: str, retry_after: str | None) -> None:
        super().__init__(status, code, field)
        self.retry_after = retry_after


# Reading what the library answers ------------------------------------------------


def token_info(info: Any) -> dict[str, Any]:
    """The contract's ``TokenInfo`` of what ``who_am_i()`` (or a list item) answered.

    Read: ``name``, ``id``, ``type`` (an ``MLPTokenType``, or its name or value),
    ``issuer_name``, ``exp`` (``None`` = never; a datetime, an RFC 3339 text or
    epoch seconds) and, when present, ``created_at`` (else empty).
    """
    fields = _fields(info)
    if fields is None:
        raise _Unsupported(f"a token description was a {type(info).__name__}")
    name = fields.get("name", fields.get("client_name"))
    ident = fields.get("id")
    if not isinstance(name, str) or not name or ident is None:
        raise _Unsupported("a token description had no name or id")
    return {
        "id": str(ident),
        "name": name,
        "type": _role(fields.get("type", fields.get("token_type"))),
        "issuer_name": str(fields.get("issuer_name") or ""),
        "created_at": _moment(fields.get("created_at")) or "",
        "exp": _moment(fields.get("exp")),
    }


def _fields(value: Any) -> dict[str, Any] | None:
    if isinstance(value, Mapping):
        return dict(value)
    for method in ("model_dump", "dict"):
        dump = getattr(value, method, None)
        if callable(dump):
            with contextlib.suppress(Exception):
                dumped = dump()
                if isinstance(dumped, Mapping):
                    return dict(dumped)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    attributes = getattr(value, "__dict__", None)
    if isinstance(attributes, dict):
        return {key: item for key, item in attributes.items() if not key.startswith("_")}
    return None


def _items(listed: Any) -> list[Any]:
    if isinstance(listed, (list, tuple)):
        return list(listed)
    fields = _fields(listed)
    if fields is not None and isinstance(fields.get("tokens"), (list, tuple)):
        return list(fields["tokens"])
    raise _Unsupported(f"the project's tokens came as a {type(listed).__name__}")


def _role(value: Any) -> str:
    for candidate in (getattr(value, "value", None), getattr(value, "name", None), value):
        if isinstance(candidate, str):
            text = candidate.rsplit(".", 1)[-1].upper()
            if text in validate.ROLES:
                return text
    raise _Unsupported("a token's type was neither USER nor ADMIN")


def _moment(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return validate.format_timestamp(moment)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        with contextlib.suppress(OverflowError, OSError, ValueError):
            return validate.format_timestamp(datetime.fromtimestamp(value, timezone.utc))
    if isinstance(value, str):
        parsed = validate.parse_timestamp(value)
        if parsed is None:
            with contextlib.suppress(ValueError):
                parsed = datetime.fromisoformat(value).replace(tzinfo=timezone.utc)
        if parsed is not None:
            return validate.format_timestamp(parsed)
    raise _Unsupported("a token's expiry was not a date")


def _read_info(
    error: Exception, text: str
) -> tuple[int | None, str | None, str | None, str | None]:
    """Status, error code, field and Retry-After of the vendor's exception, where it says them."""
    status: int | None = None
    code = field = retry_after = None
    response = getattr(error, "response", None)
    if response is not None:
        with contextlib.suppress(Exception):
            status = int(response.status_code)
        with contextlib.suppress(Exception):
            found = response.headers.get("Retry-After")
            if isinstance(found, str) and re.fullmatch(r"[\x20-\x7e]{1,64}", found.strip()):
                retry_after = found.strip()
    match = _INFO.search(text)
    if match:
        status = int(match.group(1))
        with contextlib.suppress(ValueError):
            info = json.loads(match.group(2))
            if isinstance(info, dict):
                raw_code = info.get("errorCode", info.get("warnorCode"))
                params = info.get("errorParams", info.get("warnorParams"))
                code = raw_code if isinstance(raw_code, str) else None
                if isinstance(params, dict) and isinstance(params.get("field"), str):
                    field = params["field"]
                if isinstance(info.get("status"), int):
                    status = info["status"]
    if status is not None and not 400 <= status <= 599:
        status = None
    return status, code, field, retry_after


def _error_response(
    status: int, code: str, field: str, retry_after: str | None = None
) -> PipeResponse:
    body = {"status": status, "errorCode": code, "errorParams": {"field": field}}
    return PipeResponse(status=status, body=json.dumps(body).encode(), retry_after=retry_after)


def _json(status: int, body: Any) -> PipeResponse:
    return PipeResponse(status=status, body=json.dumps(body).encode())


def _string_field(data: Any, key: str) -> str:
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, str) or not value:
        raise _Rejected(400, "BadRequestException", key if isinstance(data, dict) else "body")
    return value


def _ttl_seconds(text: str) -> int | None:
    match = _TTL.fullmatch(text) if 0 < len(text) <= 32 else None
    if match is None or not any(match.groups()):
        return None
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    total = hours * 3600 + minutes * 60 + seconds
    return total if total > 0 else None


def _without(text: str, values: list[str]) -> str:
    for value in values:
        if value:
            text = text.replace(value, "[MLP token redacted]")
    return text
