"""The contract on both backends: the HTTP pipe and the vendor's library (its stand-in).

Every story here runs twice, through ``/mlplatform-tokens/upstream/`` of a real
Jupyter server, once with ``backend = "http"`` (forwarded to the emulator) and
once with ``backend = "library"`` (made through the ``mlplatform_client``
stand-in in ``standins/``, which calls the same emulator): the answers, the
errors and the emulator's faults must come out the same. Then what only the
library backend does: handles instead of bearers, no value in a log or on
stdout, a missing or misbehaving library, and the ``auto`` choice.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import logging
import sys
import time
from datetime import datetime, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jupyterlab_mlplatform_tokens.backends import Backends
from jupyterlab_mlplatform_tokens.config import MLPlatformTokens
from jupyterlab_mlplatform_tokens.handlers import SETTINGS_KEY
from jupyterlab_mlplatform_tokens.library import (
    LIBRARY_MODULE,
    LibraryUpstream,
    _read_info,
    _Unsupported,
    token_info,
)
from jupyterlab_mlplatform_tokens.upstream import PipeRequest

from .conftest import STANDINS, Emulator, Pipe, call, unique
from .conftest import forget_library as _forget_library


@pytest.fixture(params=["http", "library"])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def mlp_settings() -> dict[str, Any]:
    return {}


@pytest.fixture
def mlp_config(
    backend: str, emulator: Emulator, standin: Any, mlp_settings: dict[str, Any]
) -> dict[str, Any]:
    url = emulator.url if backend == "http" else ""
    return {"backend": backend, "api_url": url, **mlp_settings}


pytestmark = pytest.mark.usefixtures("no_faults_left")


async def bearer_of(pipe: Pipe, token: str) -> str:
    status, _, answer = await pipe("POST", "auth/refresh", {"refresh_token": token})
    assert status == 200, answer
    return answer["access_token"]


# The contract, on both backends ------------------------------------------------------


async def test_every_operation_round_trips(pipe: Pipe, emulator: Emulator, backend: str) -> None:
    status, _, answer = await pipe("POST", "auth/refresh", {"refresh_token": emulator.admin_token})
    assert status == 200
    assert answer["token_type"] == "Bearer"
    assert answer["expires_in"] > 0
    if backend == "library":
        assert answer["expires_in"] <= 300  # a handle lives as long as a bearer at most
    bearer = answer["access_token"]

    status, headers, me = await pipe("GET", "tokens/me", bearer=bearer)
    assert status == 200
    assert headers["Cache-Control"] == "no-store"
    truth = emulator.call("GET", "tokens/me", bearer=emulator.bearer())
    # The library does not say when a token was created (its documented fields).
    assert me == (truth if backend == "http" else {**truth, "created_at": ""})

    name = unique("colleague")
    request = {"client_name": name, "access_ttl": "2h", "token_type": "USER"}
    status, _, registration = await pipe("POST", "register-tokens", request, bearer=bearer)
    assert status == 201
    assert (registration["client_name"], registration["token_type"]) == (name, "USER")
    assert registration["refresh_ttl"] is None
    assert registration["expires_at"].endswith("Z")

    status, _, redeemed = await pipe(
        "POST", "register-tokens/redeem", {"register_token": registration["register_token"]}
    )
    assert status == 201
    assert redeemed["refresh_token"].startswith("mlp_rt_")
    assert (redeemed["token"]["name"], redeemed["token"]["type"]) == (name, "USER")

    status, _, listed = await pipe("GET", "tokens", bearer=bearer)
    assert status == 200
    assert name in [token["name"] for token in listed["tokens"]]

    user = await bearer_of(pipe, redeemed["refresh_token"])
    status, _, refused = await pipe("GET", "tokens", bearer=user)
    assert status == 403
    assert refused["errorCode"] == "ForbiddenException"
    assert "does not contain the following scopes" in refused["errorParams"]["field"]

    status, _, again = await pipe("POST", "register-tokens", request, bearer=bearer)
    assert (status, again["errorCode"]) == (409, "ConflictException")

    status, _, body = await pipe("DELETE", f"tokens/{name}", bearer=bearer)
    assert (status, body) == (204, None)
    status, _, body = await pipe("DELETE", f"tokens/{name}", bearer=bearer)
    assert status == 404
    assert body["errorParams"]["field"] == "name"

    status, _, body = await pipe("GET", "tokens/me", bearer=user)
    assert status == 403
    assert body["errorParams"]["field"] == "Forbidden"


async def test_errors_are_the_contract_s(pipe: Pipe, emulator: Emulator) -> None:
    bearer = await bearer_of(pipe, emulator.admin_token)
    request = {"client_name": unique("x"), "access_ttl": "2 hours", "token_type": "USER"}
    status, _, body = await pipe("POST", "register-tokens", request, bearer=bearer)
    assert (status, body["errorCode"], body["errorParams"]["field"]) == (
        400,
        "BadRequestException",
        "access_ttl",
    )
    status, _, body = await pipe("GET", "tokens/me")
    assert (status, body["errorCode"]) == (401, "UnauthorizedException")
    status, _, body = await pipe("POST", "auth/refresh", {"refresh_token": "mlp_rt_unknown"})
    assert status == 403
    assert body == {
        "status": 403,
        "errorCode": "ForbiddenException",
        "errorParams": {"field": "Forbidden"},
    }
    status, _, body = await pipe("POST", "register-tokens/redeem", {"register_token": "mlp_reg_x"})
    assert (status, body["errorParams"]["field"]) == (403, "Forbidden")
    status, _, body = await pipe("GET", "tokens/nope/extra", bearer=bearer)
    assert (status, body["errorCode"]) == (404, "NotFoundException")


PROTOCOL = "an answer this extension does not understand"


async def outcome(pipe: Pipe, method: str, path: str, body: Any = None, **kw: Any) -> Any:
    """What the user is told, as ``(status, code, Retry-After)``, read as the browser's
    client reads it: a 2xx whose body is not JSON and the pipe's 502
    ``UpstreamProtocolError`` both end as its one sentence for an answer it does not
    understand (``ProtocolError`` and the code share it in ``src/messages.ts``), so both
    read as :data:`PROTOCOL`; an error status whose body is not JSON is that status."""
    try:
        status, headers, answer = await pipe(method, path, body, **kw)
    except _Unreadable as unreadable:
        return PROTOCOL if unreadable.status < 400 else (unreadable.status, None, None)
    if status == 502 and answer["errorCode"] == "UpstreamProtocolError":
        return PROTOCOL
    code = answer.get("errorCode") if isinstance(answer, dict) else None
    return status, code, headers.get("Retry-After")


class _Unreadable(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


@pytest.fixture
def pipe(http_server_client: Any, jp_base_url: str, jp_serverapp: Any) -> Pipe:
    """The pipe, raising :class:`_Unreadable` with the status for a body that is not JSON."""

    class Reading(Pipe):
        async def __call__(self, method: str, path: str, body: Any = None, **kw: Any) -> Any:
            fetch = self._client.fetch

            async def keeping(*args: Any, **options: Any) -> Any:
                response = await fetch(*args, **options)
                with contextlib.suppress(UnicodeDecodeError):
                    if response.body:
                        try:
                            json.loads(response.body.decode())
                        except ValueError:
                            raise _Unreadable(response.code) from None
                return response

            self._client.fetch = keeping
            try:
                return await super().__call__(method, path, body, **kw)
            finally:
                self._client.fetch = fetch

    return Reading(http_server_client, jp_base_url, jp_serverapp.identity_provider.token)


_CUSTOM = {"status": 400, "errorCode": "BadRequestException", "errorParams": {"field": "x"}}

#: Every fault the emulator can inject (``emulator/src/faults.ts``: latency, status with
#: or without a body, drop, malformed-json, non-json; on any path; ``process`` for a
#: reply lost after the work was done), on a read, and what the user must be told on
#: both backends. Latency is ``test_a_slow_platform_times_out_instead_of_hanging``.
FAULTS = {
    "429 with Retry-After": (
        {"kind": "status", "status": 429, "retry_after": 7, "count": 1},
        (429, "TooManyRequestsException", "7"),
    ),
    "503": (
        {"kind": "status", "status": 503, "count": 1},
        (503, "ServiceUnavailableException", None),
    ),
    "500": (
        {"kind": "status", "status": 500, "count": 1},
        (500, "InternalServerErrorException", None),
    ),
    "a custom error body": (
        {"kind": "status", "status": 400, "body": _CUSTOM, "count": 1},
        (400, "BadRequestException", None),
    ),
    "a JSON body that is not the error shape": (
        {"kind": "status", "status": 500, "body": {"oops": 1}, "count": 1},
        (500, None, None),
    ),
    "non-JSON 503": (
        {"kind": "non-json", "status": 503, "retry_after": "3", "count": 1},
        PROTOCOL,
    ),
    "non-JSON 200": ({"kind": "non-json", "count": 1}, PROTOCOL),
    "truncated JSON 200": ({"kind": "malformed-json", "count": 1}, PROTOCOL),
    "truncated JSON 500": (
        {"kind": "malformed-json", "status": 500, "count": 1},
        (500, None, None),
    ),
    # Twice: the pipe sends a GET once more when its kept-alive connection closed before a
    # byte of an answer came (as an idle timeout closes one), so one drop alone is mended
    # there, while the library opens a connection per call and has nothing to mend: a
    # single drop may differ, a lasting one may not.
    "dropped connection": ({"kind": "drop", "count": 2}, (502, "UpstreamUnavailable", None)),
    "a lost reply": (
        {"kind": "drop", "process": True, "count": 2},
        (502, "UpstreamUnavailable", None),
    ),
}


@pytest.mark.parametrize("fault", FAULTS.values(), ids=FAULTS.keys())
async def test_faults_come_out_the_same(pipe: Pipe, emulator: Emulator, fault: Any) -> None:
    bearer = await bearer_of(pipe, emulator.admin_token)
    injected, want = fault
    emulator.control("POST", "faults", {**injected, "path_prefix": "/tokens"})
    assert await outcome(pipe, "GET", "tokens", bearer=bearer) == want
    emulator.clear_faults()


#: Faults on ``/auth/refresh`` while a token is checked (the browser's trade on http, the
#: library's own trade on the library backend). A 403 there is a refusal on both.
AUTH_FAULTS = {
    "503": ({"kind": "status", "status": 503}, (503, "ServiceUnavailableException", None)),
    "403": ({"kind": "status", "status": 403}, (403, "ForbiddenException", None)),
    "non-JSON 200": ({"kind": "non-json"}, PROTOCOL),
    "truncated JSON 200": ({"kind": "malformed-json"}, PROTOCOL),
    "dropped connection": ({"kind": "drop"}, (502, "UpstreamUnavailable", None)),
}


@pytest.mark.parametrize("fault", AUTH_FAULTS.values(), ids=AUTH_FAULTS.keys())
async def test_faults_on_the_trade_come_out_the_same(
    pipe: Pipe, emulator: Emulator, fault: Any
) -> None:
    injected, want = fault
    emulator.control("POST", "faults", {**injected, "count": 2, "path_prefix": "/auth"})
    body = {"refresh_token": emulator.admin_token}
    assert await outcome(pipe, "POST", "auth/refresh", body) == want
    emulator.clear_faults()


@pytest.mark.parametrize("fault", AUTH_FAULTS.values(), ids=AUTH_FAULTS.keys())
async def test_faults_on_the_trade_do_not_touch_a_call_with_a_bearer(
    pipe: Pipe, emulator: Emulator, fault: Any
) -> None:
    """Once traded, calls go on without the trade: the browser keeps its bearer, and the
    library's client made for a handle keeps its own for the handle's lifetime."""
    bearer = await bearer_of(pipe, emulator.admin_token)
    emulator.control("POST", "faults", {**fault[0], "path_prefix": "/auth"})
    status, _, me = await pipe("GET", "tokens/me", bearer=bearer)
    assert (status, me["type"]) == (200, "ADMIN")
    status, _, _ = await pipe("GET", "tokens", bearer=bearer)
    assert status == 200
    emulator.clear_faults()


async def test_a_lost_reply_to_a_creation_is_a_failure_and_nothing_retries_it(
    pipe: Pipe, emulator: Emulator
) -> None:
    bearer = await bearer_of(pipe, emulator.admin_token)
    emulator.control(
        "POST",
        "faults",
        {"kind": "drop", "process": True, "count": 2, "path_prefix": "/register-tokens"},
    )
    request = {"client_name": unique("lost"), "access_ttl": "1h", "token_type": "USER"}
    assert await outcome(pipe, "POST", "register-tokens", request, bearer=bearer) == (
        502,
        "UpstreamUnavailable",
        None,
    )
    # Sent once: a second try would have met the fault's second drop.
    assert [fault["remaining"] for fault in emulator.control("GET", "faults")["faults"]] == [1]
    emulator.clear_faults()


@pytest.mark.parametrize("mlp_settings", [{"upstream_timeout": 0.5}])
async def test_a_slow_platform_times_out_instead_of_hanging(pipe: Pipe, emulator: Emulator) -> None:
    bearer = await bearer_of(pipe, emulator.admin_token)
    emulator.control(
        "POST",
        "faults",
        {"kind": "latency", "latency_ms": 3000, "count": 1, "path_prefix": "/tokens"},
    )
    started = time.monotonic()
    status, _, body = await pipe("GET", "tokens/me", bearer=bearer)
    assert (status, body["errorCode"]) == (504, "UpstreamTimeout")
    assert time.monotonic() - started < 2.5


async def test_the_status_names_the_backend(
    jp_fetch: Any, emulator: Emulator, backend: str, standin: Any
) -> None:
    status, answer = await call(jp_fetch, "GET", "status")
    assert status == 200
    assert answer["api_configured"] is True
    assert answer["backend"] == backend
    if backend == "http":
        assert (answer["api_url"], answer["library_version"]) == (emulator.url, None)
    else:
        assert (answer["api_url"], answer["library_version"]) == ("", standin.__version__)


# What only the library backend does ----------------------------------------------------


LIBRARY_ONLY = pytest.mark.parametrize("backend", ["library"])


@LIBRARY_ONLY
async def test_the_bearer_is_a_handle_that_works_only_here(
    pipe: Pipe, emulator: Emulator, jp_serverapp: Any
) -> None:
    handle = await bearer_of(pipe, emulator.admin_token)
    assert handle.count(".") == 0  # not a JWT
    assert emulator.admin_token not in handle
    # The platform itself does not take it.
    status, _ = _emulator_status(emulator, "GET", "tokens/me", handle)
    assert status == 401
    # Past its lifetime it is refused here too, and the client trades again.
    library = jp_serverapp.web_app.settings[SETTINGS_KEY].upstream.library
    library._clock = lambda: time.monotonic() + 301
    status, _, body = await pipe("GET", "tokens/me", bearer=handle)
    assert (status, body["errorCode"]) == (401, "UnauthorizedException")
    assert not library._handles


def _emulator_status(emulator: Emulator, method: str, path: str, bearer: str) -> tuple[int, Any]:
    try:
        return 200, emulator.call(method, path, bearer=bearer)
    except Exception as error:  # urllib's HTTPError carries the status
        return getattr(error, "code", 0), None


@LIBRARY_ONLY
async def test_no_value_reaches_a_log_or_stdout(
    pipe: Pipe,
    emulator: Emulator,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    with caplog.at_level(logging.DEBUG):
        bearer = await bearer_of(pipe, emulator.admin_token)
        name = unique("quiet")
        request = {"client_name": name, "access_ttl": "1h", "token_type": "USER"}
        _, _, registration = await pipe("POST", "register-tokens", request, bearer=bearer)
        _, _, redeemed = await pipe(
            "POST", "register-tokens/redeem", {"register_token": registration["register_token"]}
        )
        await pipe("GET", "tokens/me", bearer=bearer)
        await pipe("DELETE", f"tokens/{name}", bearer=bearer)
    printed = capfd.readouterr()
    for value in (emulator.admin_token, registration["register_token"], redeemed["refresh_token"]):
        assert value not in caplog.text
        assert value not in printed.out + printed.err
    assert "upstream/tokens/me" in caplog.text  # the access log is there, without values


@LIBRARY_ONLY
async def test_a_missing_library_is_one_clear_sentence(
    pipe: Pipe, jp_fetch: Any, jp_serverapp: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p != str(STANDINS)])
    _forget_library()
    status, answer = await call(jp_fetch, "GET", "status")
    assert (answer["backend"], answer["api_configured"], answer["library_version"]) == (
        "library",
        False,
        None,
    )
    status, _, body = await pipe("POST", "auth/refresh", {"refresh_token": "mlp_rt_x"})
    assert (status, body["errorCode"]) == (503, "UpstreamLibraryMissing")
    assert "MLPLATFORM_API_URL" in body["message"]


@LIBRARY_ONLY
async def test_an_unexpected_answer_names_the_version_and_the_way_out(
    pipe: Pipe, emulator: Emulator, standin: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(standin.MLPlatform, "who_am_i", lambda self: ["not", "a", "token"])
    status, _, body = await pipe("POST", "auth/refresh", {"refresh_token": emulator.admin_token})
    assert (status, body["errorCode"]) == (502, "UpstreamLibraryUnsupported")
    assert standin.__version__ in body["message"]
    assert "c.MLPlatformTokens.api_url" in body["message"]
    assert emulator.admin_token not in json.dumps(body)


@LIBRARY_ONLY
async def test_an_unexpected_list_is_one_clear_sentence_too(
    pipe: Pipe, emulator: Emulator, standin: Any, monkeypatch: Any
) -> None:
    bearer = await bearer_of(pipe, emulator.admin_token)
    monkeypatch.setattr(standin.MLPlatform, "get_project_tokens_info", lambda self: 42)
    status, _, body = await pipe("GET", "tokens", bearer=bearer)
    assert (status, body["errorCode"]) == (502, "UpstreamLibraryUnsupported")
    assert standin.__version__ in body["message"]


@LIBRARY_ONLY
async def test_a_redeemed_token_is_answered_even_when_it_cannot_be_described(
    pipe: Pipe, emulator: Emulator, standin: Any, monkeypatch: Any
) -> None:
    bearer = await bearer_of(pipe, emulator.admin_token)
    request = {"client_name": unique("kept"), "access_ttl": "1h", "token_type": "USER"}
    _, _, registration = await pipe("POST", "register-tokens", request, bearer=bearer)

    def broken(self: Any) -> Any:
        raise ConnectionResetError("the platform went away")

    monkeypatch.setattr(standin.MLPlatform, "who_am_i", broken)
    status, _, redeemed = await pipe(
        "POST", "register-tokens/redeem", {"register_token": registration["register_token"]}
    )
    assert status == 201
    assert redeemed["refresh_token"].startswith("mlp_rt_")
    assert redeemed["token"] is None


async def test_calls_run_off_the_loop_and_are_bounded(
    emulator: Emulator, standin: Any, monkeypatch: Any
) -> None:
    import asyncio
    import threading

    started = threading.Event()
    release = threading.Event()
    running = []

    def slow(self: Any) -> Any:
        running.append(1)
        started.set()
        release.wait(5)
        raise ConnectionResetError()

    monkeypatch.setattr(standin.MLPlatform, "who_am_i", slow)
    library = LibraryUpstream(2.0, concurrency=2)
    request = PipeRequest(
        "POST", "auth/refresh", content_type="application/json", body=b'{"refresh_token": "x"}'
    )
    calls = [asyncio.ensure_future(library.forward(request)) for _ in range(5)]
    await asyncio.sleep(0.3)
    assert started.is_set()
    assert len(running) == 2  # the loop is free, and only two threads call the library
    release.set()
    answers = await asyncio.gather(*calls)
    assert {answer.status for answer in answers} == {502}
    library.close()


async def test_auto_prefers_the_url_then_the_library(emulator: Emulator, standin: Any) -> None:
    with_url = Backends(MLPlatformTokens(api_url=emulator.url))
    assert with_url.current() == "http"
    without = Backends(MLPlatformTokens(api_url=""))
    assert await without.choose() == "library"
    assert await without.describe() == {
        "backend": "library",
        "library_version": standin.__version__,
        "usable": True,
        "library_problem": None,
    }
    forced = Backends(MLPlatformTokens(api_url=emulator.url, backend="library"))
    assert forced.current() == "library"


async def test_auto_without_either_is_unconfigured(monkeypatch: Any) -> None:
    monkeypatch.delenv("MLPLATFORM_API_URL", raising=False)
    _forget_library()
    backends = Backends(MLPlatformTokens(api_url=""))
    assert await backends.choose() is None
    described = await backends.describe()
    assert (described["backend"], described["library_version"], described["usable"]) == (
        None,
        None,
        False,
    )
    assert "is not installed" in described["library_problem"]


# Reading what the library answers (units) -----------------------------------------------


def test_token_descriptions_are_read_in_every_plausible_shape(standin: Any) -> None:
    kinds = importlib.import_module(f"{LIBRARY_MODULE}.serializers.auth")
    want = {
        "id": "7",
        "name": "alice",
        "type": "ADMIN",
        "issuer_name": "console",
        "created_at": "",
        "exp": "2031-01-02T03:04:05Z",
    }
    exp = datetime(2031, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    shapes = [
        kinds.TokenInfo(
            id="7", name="alice", type=kinds.MLPTokenType.ADMIN, issuer_name="console", exp=exp
        ),
        {"id": 7, "name": "alice", "type": "ADMIN", "issuer_name": "console", "exp": exp},
        {
            "id": "7",
            "name": "alice",
            "type": "MLPTokenType.ADMIN",
            "issuer_name": "console",
            "exp": "2031-01-02T03:04:05+00:00",
        },
        {
            "id": "7",
            "name": "alice",
            "type": "admin",
            "issuer_name": "console",
            "exp": exp.timestamp(),
        },
    ]
    for shape in shapes:
        assert token_info(shape) == want
    never = token_info({"id": "1", "name": "bob", "type": "USER", "exp": None})
    assert (never["exp"], never["issuer_name"]) == (None, "")


# Properties of the readers --------------------------------------------------------------


@given(
    status=st.integers(400, 599),
    code=st.text(min_size=1, max_size=40),
    field=st.text(max_size=200),
    spelling=st.sampled_from(["error", "warnor"]),
)
def test_the_vendor_s_error_text_is_read_back(
    status: int, code: str, field: str, spelling: str
) -> None:
    info = {"status": status, f"{spelling}Code": code, f"{spelling}Params": {"field": field}}
    text = f"<Response [{status}]>. Info: {json.dumps(info, ensure_ascii=False)}"
    assert _read_info(Exception(text), text) == (status, code, field, None)


@given(st.text(max_size=300))
def test_any_error_text_is_read_without_failing(text: str) -> None:
    status, code, field, _ = _read_info(Exception(text), text)
    assert status is None or 400 <= status <= 599
    assert code is None or isinstance(code, str)
    assert field is None or isinstance(field, str)


_JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=10,
)


@given(
    st.dictionaries(
        st.sampled_from(["id", "name", "type", "issuer_name", "exp", "created_at", "token_type"]),
        _JSONISH,
    )
)
def test_a_description_is_read_or_refused_in_one_way(fields: dict[str, Any]) -> None:
    try:
        info = token_info(fields)
    except _Unsupported:
        return
    assert info["type"] in ("USER", "ADMIN")
    assert info["exp"] is None or info["exp"].endswith("Z")
    assert isinstance(info["name"], str) and info["name"]


async def test_prints_of_calls_at_once_stay_quiet_and_others_do_not(
    standin: Any, monkeypatch: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    import asyncio

    def chatty(self: Any) -> Any:
        for _ in range(20):
            print(f"secret {self._refresh_token}")
            sys.stderr.write(f"secret {self._refresh_token}\n")
            time.sleep(0.005)
        raise ConnectionResetError()

    monkeypatch.setattr(standin.MLPlatform, "who_am_i", chatty)
    library = LibraryUpstream(5.0, concurrency=4)
    requests = [
        PipeRequest(
            "POST",
            "auth/refresh",
            content_type="application/json",
            body=json.dumps({"refresh_token": f"mlp_rt_chatty_{n}"}).encode(),
        )
        for n in range(4)
    ]
    print("the server's own line")
    await asyncio.gather(*(library.forward(request) for request in requests))
    print("and after")
    library.close()
    printed = capfd.readouterr()
    assert "mlp_rt_chatty" not in printed.out + printed.err
    assert "the server's own line" in printed.out
    assert "and after" in printed.out


@given(
    moment=st.datetimes(
        min_value=datetime(1970, 1, 2),
        max_value=datetime(2200, 1, 1),
        timezones=st.timezones(),
    ),
    separator=st.sampled_from(["T", " "]),
)
def test_an_expiry_with_any_offset_is_read_as_the_same_moment(
    moment: datetime, separator: str
) -> None:
    moment = moment.replace(microsecond=0)
    text = moment.isoformat(sep=separator)
    info = token_info({"id": "1", "name": "bob", "type": "USER", "exp": text})
    expected = moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert info["exp"] == expected
