"""The upstream pipe against the real emulator: every API call round-trips; failures are
answered quickly and in the API's error shape. Each test runs against the emulator over
plain HTTP and over HTTPS (as the real API is served), trusted through ``ca_bundle``, and
through the library backend (the ``mlplatform_client`` stand-in, which speaks plain HTTP
to the emulator). What only the HTTP pipe has (its URL, its connections, its in-flight
limit) is marked :func:`http_only`; the library's own limits are in
``test_library_limits.py``. The last test checks that both backends ran the same cases
and prints how many each ran."""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from typing import Any

import pytest

from jupyterlab_mlplatform_tokens.handlers import SETTINGS_KEY
from jupyterlab_mlplatform_tokens.upstream import (
    PipeError,
    PipeRequest,
    Upstream,
    build_target,
    check_body,
    check_route,
    parse_base,
    parse_path,
    upstream_headers,
)

from .conftest import Emulator, Pipe, unique


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


DEAD_URL = f"http://127.0.0.1:{free_port()}"


@pytest.fixture(params=["http", "https", "library"])
def route(request: pytest.FixtureRequest) -> str:
    """How the pipe reaches the emulator: HTTP, HTTPS, or through the library."""
    return request.param


@pytest.fixture
def backend(route: str) -> str:
    return "library" if route == "library" else "http"


@pytest.fixture
def emulator(route: str, request: pytest.FixtureRequest) -> Emulator:
    return request.getfixturevalue("https_emulator" if route == "https" else "http_emulator")


@pytest.fixture
def mlp_settings() -> dict[str, Any]:
    return {}


@pytest.fixture
def mlp_config(
    route: str, emulator: Emulator, mlp_settings: dict[str, Any], request: pytest.FixtureRequest
) -> dict[str, Any]:
    if route == "library":
        request.getfixturevalue("standin")
        return {"backend": "library", "api_url": "", **mlp_settings}
    return {**emulator.pipe_settings(), **mlp_settings}


#: The cases that ran, per backend (recorded by ``_ran``).
RAN: dict[str, set[str]] = {"http": set(), "library": set()}

#: Cases that concern only the HTTP pipe.
HTTP_ONLY: set[str] = set()


def http_only(test: Any) -> Any:
    """Run ``test`` over HTTP and HTTPS only: it is about the pipe itself."""
    HTTP_ONLY.add(test.__name__)
    return pytest.mark.parametrize("route", ["http", "https"])(test)


@pytest.fixture(autouse=True)
def _ran(request: pytest.FixtureRequest) -> None:
    if "route" in request.fixturenames and request.node.originalname != FINAL:
        backend = request.getfixturevalue("backend")
        RAN[backend].add(request.node.originalname)


async def a_bearer(pipe: Pipe, emulator: Emulator) -> str:
    """The Administrator's bearer as the browser gets it (a handle, with the library)."""
    status, _, answer = await pipe("POST", "auth/refresh", {"refresh_token": emulator.admin_token})
    assert status == 200, answer
    return answer["access_token"]


pytestmark = pytest.mark.usefixtures("no_faults_left")


# Units ---------------------------------------------------------------------------------


def test_paths_are_split_into_plain_segments() -> None:
    assert parse_path("tokens/me") == ("tokens", "me")
    assert parse_path("tokens/a.b_c~d-e") == ("tokens", "a.b_c~d-e")
    for raw in ("../x", "tokens/..", "a//b", "a%2fb", "a\\b", "a:b", "a@b", "x/", "/x"):
        with pytest.raises(PipeError) as refused:
            parse_path(raw)
        assert refused.value.status == 400


def test_only_contract_operations_are_forwarded() -> None:
    check_route("GET", ("tokens", "me"))
    check_route("DELETE", ("tokens", "me"))  # a token may be called "me"
    check_route("DELETE", ("tokens", "alice"))
    with pytest.raises(PipeError) as refused:
        check_route("GET", ("tokens", "alice"))
    assert (refused.value.status, refused.value.allow) == (405, "DELETE")
    with pytest.raises(PipeError) as refused:
        check_route("GET", ("_emulator", "stats"))
    assert refused.value.status == 404


def test_targets_stay_below_the_base() -> None:
    base = parse_base("https://mlp.example:8443/api/v1/")
    assert build_target(base, ("tokens", "me")) == "https://mlp.example:8443/api/v1/tokens/me"
    for bad in ("ftp://x", "https://user:pw@x", "https://x/?q=1", "https://x/#f", "x", ""):
        with pytest.raises(PipeError) as refused:
            parse_base(bad)
        assert refused.value.status == 503


def test_only_the_bearer_goes_upstream_as_authorization() -> None:
    request = PipeRequest("GET", "tokens/me", authorization="Bearer abc.def-ghi_jkl")
    assert upstream_headers(request) == {
        "Accept": "application/json",
        "Authorization": "Bearer abc.def-ghi_jkl",
    }
    lower = PipeRequest("GET", "tokens/me", authorization="bearer  abc")
    assert upstream_headers(lower)["Authorization"] == "Bearer abc"
    for bad in ("token abc", "Bearer", "Bearer a b", "Basic abc", "Bearer " + "a" * 9000):
        with pytest.raises(PipeError):
            upstream_headers(PipeRequest("GET", "tokens/me", authorization=bad))


def test_bodies_are_json_for_post_only() -> None:
    post = PipeRequest("POST", "auth/refresh", content_type="application/json", body=b"{}")
    assert check_body(post) == b"{}"
    for bad in (
        PipeRequest("POST", "auth/refresh", content_type="text/plain", body=b"{}"),
        PipeRequest("POST", "auth/refresh", content_type="application/json", body=b"{"),
        PipeRequest("GET", "tokens/me", body=b"{}"),
    ):
        with pytest.raises(PipeError):
            check_body(bad)


# Against the emulator ------------------------------------------------------------------


async def test_every_api_call_round_trips(pipe: Pipe, emulator: Emulator, backend: str) -> None:
    status, _, answer = await pipe("POST", "auth/refresh", {"refresh_token": emulator.admin_token})
    assert status == 200
    assert answer["token_type"] == "Bearer"
    bearer = answer["access_token"]

    status, headers, me = await pipe("GET", "tokens/me", bearer=bearer)
    assert status == 200
    truth = emulator.call("GET", "tokens/me", bearer=emulator.bearer())
    # The library does not say when a token was created (its documented fields).
    assert me == (truth if backend == "http" else {**truth, "created_at": ""})
    assert headers["Content-Type"].startswith("application/json")
    assert headers["Cache-Control"] == "no-store"

    name = unique("colleague")
    request = {"client_name": name, "access_ttl": "2h", "token_type": "USER"}
    status, _, registration = await pipe("POST", "register-tokens", request, bearer=bearer)
    assert status == 201
    assert registration["client_name"] == name
    assert registration["refresh_ttl"] is None

    status, _, redeemed = await pipe(
        "POST", "register-tokens/redeem", {"register_token": registration["register_token"]}
    )
    assert status == 201
    assert redeemed["token"]["name"] == name
    assert redeemed["token"]["type"] == "USER"

    status, _, listed = await pipe("GET", "tokens", bearer=bearer)
    assert status == 200
    assert name in [token["name"] for token in listed["tokens"]]

    # A User token is refused the admin listing, with the missing scope named.
    status, _, user = await pipe(
        "POST", "auth/refresh", {"refresh_token": redeemed["refresh_token"]}
    )
    status, _, refused = await pipe("GET", "tokens", bearer=user["access_token"])
    assert status == 403
    assert "does not contain the following scopes" in refused["errorParams"]["field"]

    status, _, again = await pipe("POST", "register-tokens", request, bearer=bearer)
    assert status == 409
    assert again["errorCode"] == "ConflictException"

    status, _, body = await pipe("DELETE", f"tokens/{name}", bearer=bearer)
    assert (status, body) == (204, None)
    status, _, body = await pipe("DELETE", f"tokens/{name}", bearer=bearer)
    assert status == 404
    assert body["errorParams"]["field"] == "name"

    # The deleted token's bearer is now refused as Forbidden.
    status, _, body = await pipe("GET", "tokens/me", bearer=user["access_token"])
    assert status == 403
    assert body["errorParams"]["field"] == "Forbidden"


async def test_api_errors_pass_through_unchanged(pipe: Pipe, emulator: Emulator) -> None:
    bearer = await a_bearer(pipe, emulator)
    request = {"client_name": unique("x"), "access_ttl": "2 hours", "token_type": "USER"}
    status, _, body = await pipe("POST", "register-tokens", request, bearer=bearer)
    assert status == 400
    assert body["errorParams"]["field"] == "access_ttl"
    status, _, body = await pipe("GET", "tokens/me")
    assert status == 401
    assert body["errorCode"] == "UnauthorizedException"
    status, _, body = await pipe("POST", "auth/refresh", {"refresh_token": "mlp_rt_unknown"})
    assert status == 403
    assert body == {
        "status": 403,
        "errorCode": "ForbiddenException",
        "errorParams": {"field": "Forbidden"},
    }


async def test_retry_after_is_passed_back(pipe: Pipe, emulator: Emulator) -> None:
    fault = {"kind": "status", "status": 429, "retry_after": 7, "count": 1}
    bearer = await a_bearer(pipe, emulator)
    emulator.control("POST", "faults", {**fault, "path_prefix": "/tokens/me"})
    status, headers, body = await pipe("GET", "tokens/me", bearer=bearer)
    assert status == 429
    assert headers["Retry-After"] == "7"
    assert body["errorCode"] == "TooManyRequestsException"


async def test_a_non_json_answer_becomes_a_502(pipe: Pipe, emulator: Emulator) -> None:
    bearer = await a_bearer(pipe, emulator)
    fault = {"kind": "non-json", "status": 503, "retry_after": "3", "path_prefix": "/tokens"}
    emulator.control("POST", "faults", fault)
    status, headers, body = await pipe("GET", "tokens/me", bearer=bearer)
    assert status == 502
    assert headers["Retry-After"] == "3"
    assert body["status"] == 502
    assert body["errorCode"] == "UpstreamProtocolError"
    assert "not JSON" in body["message"]


async def test_a_dropped_connection_is_unavailable(pipe: Pipe, emulator: Emulator) -> None:
    bearer = await a_bearer(pipe, emulator)
    # Twice: the pipe sends a GET once more when its kept-alive connection closed before
    # a byte of an answer came; a lasting drop is a failure on both backends.
    emulator.control("POST", "faults", {"kind": "drop", "count": 2, "path_prefix": "/tokens"})
    status, _, body = await pipe("GET", "tokens/me", bearer=bearer)
    assert status == 502
    assert body["errorCode"] == "UpstreamUnavailable"
    assert body["errorParams"]["field"] == "upstream"


@pytest.mark.parametrize("mlp_settings", [{"upstream_timeout": 0.5}])
async def test_a_slow_upstream_times_out_instead_of_hanging(pipe: Pipe, emulator: Emulator) -> None:
    bearer = await a_bearer(pipe, emulator)
    fault = {"kind": "latency", "latency_ms": 5000, "count": 1, "path_prefix": "/tokens"}
    emulator.control("POST", "faults", fault)
    started = time.monotonic()
    status, _, body = await pipe("GET", "tokens/me", bearer=bearer)
    assert status == 504
    assert body["errorCode"] == "UpstreamTimeout"
    assert time.monotonic() - started < 3


@http_only
@pytest.mark.parametrize("mlp_settings", [{"api_url": DEAD_URL}])
async def test_a_dead_upstream_is_unavailable(pipe: Pipe) -> None:
    started = time.monotonic()
    status, _, body = await pipe("POST", "auth/refresh", {"refresh_token": "x"})
    assert status == 502
    assert body["errorCode"] == "UpstreamUnavailable"
    assert time.monotonic() - started < 5


@http_only
@pytest.mark.parametrize("mlp_settings", [{"api_url": ""}])
async def test_no_url_configured_is_a_clear_503(pipe: Pipe) -> None:
    status, _, body = await pipe("GET", "tokens/me")
    assert status == 503
    assert body["errorCode"] == "UpstreamNotConfigured"
    assert "MLPLATFORM_API_URL" in body["message"]


async def test_nothing_secret_is_logged(
    pipe: Pipe, emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        _, _, answer = await pipe("POST", "auth/refresh", {"refresh_token": emulator.admin_token})
        bearer = answer["access_token"]
        await pipe("GET", "tokens/me", bearer=bearer)
        await pipe("GET", "tokens/me", bearer=bearer + "x")  # a refusal is logged as 401
        emulator.control("POST", "faults", {"kind": "status", "status": 500, "count": 1})
        await pipe("GET", "tokens/me", bearer=bearer)  # and a failure with some headers
    assert "upstream/tokens/me" in caplog.text  # the access log is there...
    assert emulator.admin_token not in caplog.text  # ...without secrets
    assert bearer not in caplog.text


@http_only
async def test_calls_in_flight_are_limited(emulator: Emulator) -> None:
    upstream = Upstream(lambda: emulator.url, 5, max_in_flight=1, ca_bundle=emulator.ca_bundle)
    emulator.control("POST", "faults", {"kind": "latency", "latency_ms": 800, "count": 1})
    slow = asyncio.ensure_future(upstream.forward(PipeRequest("GET", "tokens/me")))
    await asyncio.sleep(0.2)
    busy = await upstream.forward(PipeRequest("GET", "tokens/me"))
    assert busy.status == 503
    assert busy.retry_after == "1"
    assert (await slow).status == 401
    assert upstream.in_flight == 0
    await upstream.close()


async def test_a_browser_that_goes_away_leaves_nothing_behind(
    pipe: Pipe,
    emulator: Emulator,
    jp_serverapp: Any,
    jp_http_port: int,
    jp_base_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    upstream = jp_serverapp.web_app.settings[SETTINGS_KEY].upstream
    bearer = await a_bearer(pipe, emulator)
    fault = {"kind": "latency", "latency_ms": 700, "count": 1, "path_prefix": "/tokens"}
    emulator.control("POST", "faults", fault)
    _, writer = await asyncio.open_connection("127.0.0.1", jp_http_port)
    token = jp_serverapp.identity_provider.token
    writer.write(
        f"GET {jp_base_url}mlplatform-tokens/upstream/tokens/me HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{jp_http_port}\r\nAuthorization: token {token}\r\n"
        f"X-MLPlatform-Authorization: Bearer {bearer}\r\n\r\n".encode()
    )
    await writer.drain()
    deadline = time.monotonic() + 5
    while upstream.in_flight == 0:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.02)
    writer.close()  # the browser tab closes while the call is under way
    with caplog.at_level(logging.DEBUG):
        while upstream.in_flight:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.05)
        status, _, _ = await pipe("GET", "tokens/me")  # the pipe still works
    assert status == 401
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


FINAL = "test_both_backends_ran_the_same_cases"


# The module's emulator fixtures reach this one too: one route is enough.
@pytest.mark.parametrize("route", ["http"])
def test_both_backends_ran_the_same_cases() -> None:
    """Every case of the contract that is not about the pipe itself ran on both backends."""
    if not RAN["http"] or not RAN["library"]:
        pytest.skip("the cases of only one backend were selected")
    print(
        f"\ncases per backend: http {len(RAN['http'])} (of which {len(HTTP_ONLY)} http only), "
        f"library {len(RAN['library'])}"
    )
    assert RAN["library"] == RAN["http"] - HTTP_ONLY
