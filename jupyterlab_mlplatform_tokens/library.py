"""The library backend: the contract's operations made through the vendor's ``mlplatform_client``.

ML Platform's HTTP API is not published; the vendor's Python library is its
documented interface. With ``c.MLPlatformTokens.backend = "library"`` (or
``"auto"``, no API URL, and a library that imports), the calls the browser
sends to ``/mlplatform-tokens/upstream/`` are answered here instead of being
forwarded, in the same shapes (``api/openapi.yaml``), so the browser's typed
client works unchanged:

- ``POST auth/refresh`` checks the access token with ``who_am_i()`` and answers
  a *handle* as the bearer: random, meaningless anywhere but in this server
  process, mapped here to the access token and to the library's ``MLPlatform``
  made for it (which keeps its own bearer, as it would in a notebook) for at
  most :data:`HANDLE_SECONDS` (never past the token's own expiry), then
  forgotten: expired handles are swept on every lookup and refresh, and a timer
  sweeps them at the moment the earliest one expires, so no access token stays
  in memory past its handle's expiry;
- ``GET tokens/me`` → ``who_am_i()``; ``GET tokens`` →
  ``get_project_tokens_info()``; ``DELETE tokens/<name>`` →
  ``delete_token(token_name=...)``; ``POST register-tokens`` →
  ``create_register_token(...)``; ``POST register-tokens/redeem`` →
  ``MLPlatform().create_refresh_token(...)``, then ``who_am_i()`` of the new
  token (best effort: the value is answered even when that fails).

The library is imported once, in a thread of the pool, at the first call (or
the first ``/status``); its outcome is kept for the server's lifetime. Any
exception of the import (``SystemExit`` included) makes the library unusable,
with the reason in ``/status`` and ``UpstreamLibraryMissing`` for every call.

The library blocks: each call runs in a thread of a small pool
(``library_concurrency``); at most :data:`MAX_QUEUED` more wait for a thread,
and calls beyond that are refused at once with 503
``ServiceUnavailableException`` and ``Retry-After`` (as the HTTP pipe refuses
calls beyond its in-flight limit). A call is waited for at most
``upstream_timeout`` seconds; one that has not started by then is cancelled
and never starts (504 ``UpstreamTimeout``). A started call cannot be stopped:
a read or an administrator's call that outlives its deadline is answered 504
and its late result dropped. A redemption (``create_refresh_token``) is the
exception, because the access token it mints exists on the platform from then
on and could not be found again if its value were dropped: it is answered 504
at its deadline too (the browser then says the redemption did not complete and
to try again), but its outcome is kept, keyed by a hash of the registration
token, for at most :data:`LATE_SECONDS`; the next redemption of the same
registration token (the user trying again) waits for that outcome and answers
the minted token instead of redeeming again (which would only say "already
used"). A kept token is forgotten once delivered or at its expiry (swept as
handles are), so it stays in memory no longer than that.

What the library prints is discarded (``sys.stdout``/``sys.stderr`` and their
``buffer`` drop the pool's writes and pass every other thread's on, and forward
everything else, ``fileno()`` and ``encoding`` included, to the real stream);
the library's own loggers lose their handlers, and every handler of the process
drops the records logged from the pool's threads (urllib3's and requests'
included), so no value reaches a log or a notebook. Every exception, including
those that are not ``Exception``, becomes the contract's error shape: the
vendor's ``ForbiddenException`` is a 403 refusal whatever its text; its text
``<Response [403]>. Info: {json}`` is read for ``status``, ``errorCode`` and
``errorParams.field`` (or the ``warnorCode``/``warnorParams`` spelling of one
of the vendor's examples); a body that is not JSON is ``UpstreamProtocolError``
(as on the HTTP pipe); network failures are ``UpstreamUnavailable``; an answer
whose shape is not understood is ``UpstreamLibraryUnsupported``, naming the
library's version (also as ``params.library_version``) and the way out
(``api_url``). The library's classes are not documented field by field: what is
read from them is in :func:`token_info` and the ``_value_of`` helpers.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import dataclasses
import hashlib
import importlib
import importlib.metadata
import importlib.util
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
    stopping,
    too_many_calls,
)

#: The vendor's module.
LIBRARY_MODULE = "mlplatform_client"

#: How long a handle answered by ``auth/refresh`` works (as a bearer would).
HANDLE_SECONDS = 300

#: Most handles kept at once (the oldest are forgotten first).
MAX_HANDLES = 1024

#: Most calls that wait for a free thread; more are refused with 503 and Retry-After.
MAX_QUEUED = 8

#: How long the outcome of a redemption that outlived its deadline is kept for a retry.
LATE_SECONDS = 300

#: The prefix of the pool's threads, by which their prints and log records are dropped.
THREAD_PREFIX = "mlp-library"

#: Loggers of HTTP libraries the vendor's library may use, whose handlers must not
#: see the pool's records (covered by the sweep over every handler, named for clarity).
HTTP_LOGGERS = ("urllib3", "requests", "httpx", "httpcore")

_INFO = re.compile(r"<Response \[(\d{3})\]>\.\s*Info:\s*(\{.*\})\s*$", re.DOTALL)
_TTL = re.compile(r"(?:([0-9]{1,9})h)?(?:([0-9]{1,9})m)?(?:([0-9]{1,9})s)?")
_MISSING_SCOPE = "does not contain the following scopes"
_JSON_TYPE = re.compile(r"application/(?:[a-z0-9.+-]+\+)?json", re.IGNORECASE)

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


class _LibraryUnsupported(PipeError):
    """``UpstreamLibraryUnsupported``, with the library's version as ``params.library_version``."""

    def __init__(self, version: str) -> None:
        super().__init__(
            502,
            "UpstreamLibraryUnsupported",
            "backend",
            f"The ML Platform library (mlplatform_client {version}) answered in a way this "
            "extension does not understand; ask the administrator to set "
            "c.MLPlatformTokens.api_url to use the HTTP API, or to install a supported "
            "version of the library.",
        )
        self.params = {"library_version": version}

    def body(self) -> dict[str, Any]:
        return {**super().body(), "params": dict(self.params)}


class _DropLibraryRecords(logging.Filter):
    """Drops the log records of the library's calls (they may hold values)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.threadName or "").startswith(THREAD_PREFIX) and not (
            record.name == LIBRARY_MODULE or record.name.startswith(f"{LIBRARY_MODULE}.")
        )


_DROP = _DropLibraryRecords()


def _in_pool_thread() -> bool:
    return threading.current_thread().name.startswith(THREAD_PREFIX)


class _QuietBuffer:
    """A stream (or its ``buffer``) that drops what the pool's threads write and
    passes everything else, every attribute included, to the real one."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def write(self, data: Any) -> int:
        if _in_pool_thread():
            return len(data)
        return self.real.write(data)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        if not _in_pool_thread():
            self.real.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


class _QuietInPool(_QuietBuffer):
    """A stand-in for ``sys.stdout``/``sys.stderr`` that drops what the pool's threads
    write and passes everything else on (``contextlib.redirect_stdout`` would swap the
    stream of every thread, and two calls at once would restore each other's). Not an
    ``io.TextIOBase``: that class answers ``fileno()``, ``encoding`` and ``writable()``
    itself (wrongly), where every attribute must come from the real stream. Its
    ``buffer`` is quiet the same way."""

    _buffer: _QuietBuffer | None = None

    @property
    def buffer(self) -> _QuietBuffer:
        real = self.real.buffer  # AttributeError when the real stream has none
        if self._buffer is None or self._buffer.real is not real:
            self._buffer = _QuietBuffer(real)
        return self._buffer


def _silence_pool_threads() -> None:
    """Keep the pool's prints and log records out of the streams and the logs."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, _QuietInPool):
            setattr(sys, name, _QuietInPool(stream))
    loggers = [logging.getLogger()] + [
        item
        for item in list(logging.Logger.manager.loggerDict.values())
        if isinstance(item, logging.Logger)
    ]
    for logger in loggers:
        name = logger.name
        if name == LIBRARY_MODULE or name.startswith(f"{LIBRARY_MODULE}."):
            for handler in list(logger.handlers):
                if not isinstance(handler, logging.NullHandler):
                    logger.removeHandler(handler)
            if not logger.handlers:
                logger.addHandler(logging.NullHandler())
            logger.propagate = False
            continue
        for handler in list(logger.handlers):
            if _DROP not in handler.filters:
                handler.addFilter(_DROP)


def library_available() -> bool:
    """Whether ``mlplatform_client`` can be found (without importing it)."""
    try:
        return importlib.util.find_spec(LIBRARY_MODULE) is not None
    except (ImportError, ValueError):
        return False


def library_version(module: Any = None) -> str | None:
    """The version of the imported library ``module``, or None when there is none."""
    if module is None:
        return None
    for name in ("mlplatform-client", "mlplatform_client"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            return importlib.metadata.version(name)
    return str(getattr(module, "__version__", "unknown"))


@dataclasses.dataclass
class _Handle:
    """What a handle stands for: the access token, until when, and its ``MLPlatform``."""

    token: str
    until: float
    client: Any


@dataclasses.dataclass
class _Late:
    """A redemption that outlived its deadline: its job (running or done), kept until."""

    job: concurrent.futures.Future[tuple[str, Any]]
    until: float


def _not_json() -> PipeError:
    return PipeError(
        502,
        "UpstreamProtocolError",
        "body",
        "The ML Platform API answered with a body that is not JSON.",
    )


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
        self._concurrency = concurrency
        self._pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix=THREAD_PREFIX)
        self._log = log or _LOG
        self._clock = clock
        self._handles: dict[str, _Handle] = {}
        self._late: dict[str, _Late] = {}
        self._lock = threading.Lock()
        self._module: Any = None
        self._problem: str | None = None
        self._probe: concurrent.futures.Future[None] | None = None
        self._admitted = 0
        self._sweeper: asyncio.TimerHandle | None = None
        self._closed = False

    @property
    def in_flight(self) -> int:
        """Library calls running or waiting for a thread (including ones whose caller
        went away)."""
        return self._admitted

    @property
    def version(self) -> str | None:
        """The imported library's version (None until it imported)."""
        return library_version(self._module)

    @property
    def problem(self) -> str | None:
        """Why the library cannot be used (None while it imports or before it is tried)."""
        return self._problem

    def imported_now(self) -> bool:
        """Whether the library has been imported already (no waiting)."""
        return self._module is not None

    async def imported(self) -> bool:
        """Import the library once (in a pool thread) and tell whether it worked."""
        if self._module is not None:
            return True
        if self._problem is not None:
            return False
        if self._probe is None:
            try:
                self._probe = self._pool.submit(self._import)
            except RuntimeError:  # the pool is shut down
                return False
        await asyncio.shield(asyncio.wrap_future(self._probe))
        return self._module is not None

    def close(self) -> None:
        """Let the pool's threads end once their calls are done; forget every handle."""
        self._closed = True
        self._pool.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            self._handles.clear()
            self._late.clear()
        if self._sweeper is not None:
            self._sweeper.cancel()
            self._sweeper = None

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
        except _Relayed as relayed:
            return relayed.response
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
        token, client = self._token_for(handle)
        if (method, route) == ("GET", "tokens/me"):
            info = await self._call(lambda lib: client.who_am_i(), [token])
            return _json(200, self._described(info))
        if (method, route) == ("GET", "tokens"):
            listed = await self._call(lambda lib: client.get_project_tokens_info(), [token])
            return _json(200, {"tokens": [self._described(item) for item in _items(listed)]})
        if method == "DELETE" and segments[0] == "tokens":
            name = segments[1]
            await self._call(lambda lib: client.delete_token(token_name=name), [token])
            return PipeResponse(status=204)
        return await self._create_register_token(data, token, client)

    async def _refresh(self, data: Any) -> PipeResponse:
        token = _string_field(data, "refresh_token")

        def check(lib: Any) -> tuple[Any, Any]:
            client = lib.MLPlatform(token)
            return client, client.who_am_i()

        client, answer = await self._call(check, [token])
        info = self._described(answer)
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
            self._sweep_locked(now)
            while len(self._handles) >= MAX_HANDLES:
                del self._handles[next(iter(self._handles))]
            self._handles[handle] = _Handle(token, now + seconds, client)
        self._schedule_sweep()
        return _json(200, {"access_token": handle, "token_type": "Bearer", "expires_in": seconds})

    async def _create_register_token(self, data: Any, token: str, client: Any) -> PipeResponse:
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
            return client.create_register_token(
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
        key = hashlib.sha256(registration.encode()).hexdigest()
        with self._lock:
            self._sweep_locked(self._clock())
            kept = self._late.get(key)
        if kept is not None:
            # The outcome of an earlier redemption that outlived its deadline.
            minted = await self._kept(key, kept, [registration])
        else:
            minted = await self._call(
                lambda lib: lib.MLPlatform().create_refresh_token(registration),
                [registration],
                late=lambda job: self._keep_late(key, job),
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

    # Handles --------------------------------------------------------------------

    def _token_for(self, handle: str) -> tuple[str, Any]:
        with self._lock:
            self._sweep_locked(self._clock())
            found = self._handles.get(handle) if handle else None
            if found is None:
                raise _Rejected(401, "UnauthorizedException", "Unauthorized")
            return found.token, found.client

    def _keep_late(self, key: str, job: concurrent.futures.Future[tuple[str, Any]]) -> None:
        """Keep the outcome of a redemption that outlived its deadline for a retry."""
        with self._lock:
            self._late[key] = _Late(job, self._clock() + LATE_SECONDS)
        self._schedule_sweep()

    async def _kept(self, key: str, kept: _Late, values: list[str]) -> Any:
        """The kept redemption's result (waited for within the timeout, still kept if it
        has not ended by then), forgotten once taken."""
        try:
            kind, outcome = await asyncio.wait_for(
                asyncio.shield(asyncio.wrap_future(kept.job)), self.timeout
            )
        except asyncio.TimeoutError:
            raise self._timed_out() from None
        except asyncio.CancelledError:
            if kept.job.cancelled():  # the pool was shut down: the server is stopping
                raise stopping() from None
            raise
        with self._lock:
            if self._late.get(key) is kept:
                del self._late[key]
        if kind == "ok":
            return outcome
        if kind == "late":
            raise self._timed_out()
        raise self._mapped(outcome, values)

    def _sweep_locked(self, now: float) -> None:
        for key in [key for key, entry in self._handles.items() if entry.until <= now]:
            del self._handles[key]
        for key in [key for key, late in self._late.items() if late.until <= now]:
            del self._late[key]

    def _schedule_sweep(self) -> None:
        """Sweep again when the earliest handle or kept redemption expires (on the loop)."""
        if self._sweeper is not None:
            self._sweeper.cancel()
            self._sweeper = None
        with self._lock:
            ends = [entry.until for entry in self._handles.values()]
            ends += [late.until for late in self._late.values()]
            earliest = min(ends, default=None)
        if earliest is None or self._closed:
            return
        delay = max(0.0, earliest - self._clock()) + 0.01
        self._sweeper = asyncio.get_running_loop().call_later(delay, self._swept)

    def _swept(self) -> None:
        self._sweeper = None
        with self._lock:
            self._sweep_locked(self._clock())
        self._schedule_sweep()

    # Calling the library --------------------------------------------------------

    async def _call(
        self,
        work: Callable[[Any], Any],
        values: list[str],
        *,
        late: Callable[[concurrent.futures.Future[tuple[str, Any]]], None] | None = None,
    ) -> Any:
        """Run ``work(module)`` in the pool within the timeout; map what it raises.

        Refused at once when the pool and its queue are full; cancelled when it has not
        started by its deadline. ``late``: given the job of a call that started but
        outlived its deadline (a call whose result must not be lost)."""
        if not await self.imported():
            raise self._missing()
        with self._lock:
            if self._admitted >= self._concurrency + MAX_QUEUED:
                raise too_many_calls()
            self._admitted += 1
        deadline = time.monotonic() + self.timeout
        _silence_pool_threads()
        try:
            job = self._pool.submit(self._quietly, work, deadline)
        except RuntimeError:  # the pool is shut down: the server is stopping
            self._release(None)
            raise stopping() from None
        job.add_done_callback(self._release)
        waiting = asyncio.wrap_future(job)
        try:
            kind, outcome = await asyncio.wait_for(asyncio.shield(waiting), self.timeout)
        except asyncio.TimeoutError:
            if not job.cancel() and late is not None:
                late(job)
            raise self._timed_out() from None
        if kind == "ok":
            return outcome
        if kind == "late":
            raise self._timed_out()
        raise self._mapped(outcome, values)

    def _release(self, _job: Any) -> None:
        with self._lock:
            self._admitted -= 1

    def _timed_out(self) -> PipeError:
        return PipeError(
            504,
            "UpstreamTimeout",
            "upstream",
            f"The ML Platform library did not answer within {self.timeout:g} seconds; "
            "try again later.",
        )

    def _quietly(self, work: Callable[[Any], Any], deadline: float) -> tuple[str, Any]:
        """``work(module)`` (in a pool thread) with its prints discarded and its log
        records dropped; never raises: ``("ok", result)``, ``("raised", exception)``, or
        ``("late", None)`` when its deadline passed before it could start."""
        if time.monotonic() >= deadline:
            return "late", None
        try:
            return "ok", work(self._module)
        except BaseException as error:  # a thread of ours: nothing may escape
            return "raised", error

    def _import(self) -> None:
        """Import the library (in a pool thread); keep the module or why it failed."""
        try:
            module = importlib.import_module(LIBRARY_MODULE)
        except BaseException as error:  # SystemExit of a broken package too
            missing = isinstance(error, ModuleNotFoundError) and error.name == LIBRARY_MODULE
            reason = (
                "is not installed" if missing else f"cannot be imported ({type(error).__name__})"
            )
            self._problem = (
                f"The ML Platform library (mlplatform_client) {reason} in the Jupyter "
                "server's environment; install it, or set MLPLATFORM_API_URL to use the "
                "HTTP API."
            )
            if not missing:
                self._log.error(
                    "The ML Platform library cannot be imported (%s).", type(error).__name__
                )
            return
        _silence_pool_threads()
        self._module = module

    def _missing(self) -> PipeError:
        return PipeError(
            503,
            "UpstreamLibraryMissing",
            "backend",
            self._problem
            or "The ML Platform library (mlplatform_client) cannot be used in the Jupyter "
            "server's environment; install it, or set MLPLATFORM_API_URL to use the HTTP API.",
        )

    def _mapped(self, error: BaseException, values: list[str]) -> PipeError | _Rejected | _Relayed:
        """The contract's error for what the library raised (never its raw text)."""
        name = type(error).__name__
        if not isinstance(error, Exception):
            return self._unsupported(f"it raised {name}")
        if isinstance(error, json.JSONDecodeError) or name == "JSONDecodeError":
            # The platform's answer (or a proxy's page) was not JSON: as on the HTTP pipe.
            return _not_json()
        text = _without(str(error), values)
        status, code, field, retry_after = _read_info(error, text)
        if status is not None and code is not None:
            return _Passed(status, code, field or "", retry_after)
        relayed = _relayed(error, status, text, values, retry_after)
        if relayed is not None:
            return relayed
        if name == "ForbiddenException" or _MISSING_SCOPE in text:
            # The vendor's class says it: a refusal, whatever its text holds.
            return _Rejected(
                403, "ForbiddenException", text if _MISSING_SCOPE in text else "Forbidden"
            )
        if status is not None:
            # An HTTP answer without the platform's error body (a proxy's page).
            return PipeError(
                502,
                "UpstreamProtocolError",
                "body",
                f"The ML Platform API answered HTTP {status} with a body that is not JSON.",
                retry_after=retry_after,
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
        version = self.version or "unknown"
        self._log.error("The ML Platform library %s answered unexpectedly: %s.", version, what)
        return _LibraryUnsupported(version)

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


class _Relayed(Exception):
    """An error answer of the platform in JSON but not in its error shape: passed on as
    it came (with values redacted), as the HTTP pipe relays it."""

    def __init__(self, response: PipeResponse) -> None:
        super().__init__(response.status)
        self.response = response


def _relayed(
    error: Exception, status: int | None, text: str, values: list[str], retry_after: str | None
) -> _Relayed | None:
    """The platform's JSON error answer that is not in its error shape, passed on as the
    HTTP pipe passes it (any body typed as JSON, readable or not, with its status): from
    the exception's ``response`` when it has one, else from a JSON ``Info`` text."""
    if status is None:
        return None
    response = getattr(error, "response", None)
    media_type = ""
    body: str | None = None
    with contextlib.suppress(Exception):
        media_type = str(response.headers.get("Content-Type") or "").split(";", 1)[0].strip()
        body = response.text if isinstance(response.text, str) else None
    if body is not None and _JSON_TYPE.fullmatch(media_type):
        return _Relayed(
            PipeResponse(
                status=status, body=_without(body, values).encode(), retry_after=retry_after
            )
        )
    match = _INFO.search(text)
    if (response is not None and media_type) or match is None:
        return None
    try:
        json.loads(match.group(2))
    except ValueError:
        return None
    return _Relayed(
        PipeResponse(status=status, body=match.group(2).encode(), retry_after=retry_after)
    )


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
                parsed = datetime.fromisoformat(value)
                # Without an offset it is taken as UTC; with one, converted.
                parsed = (
                    parsed.astimezone(timezone.utc)
                    if parsed.tzinfo
                    else parsed.replace(tzinfo=timezone.utc)
                )
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
