"""The library backend under load and misbehaviour: deadlines, the queue, foreign exceptions,
the import that decides ``auto``, the streams and loggers of the server, handles' lifetime."""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jupyterlab_mlplatform_tokens import library as library_module
from jupyterlab_mlplatform_tokens.backends import Backends
from jupyterlab_mlplatform_tokens.config import MLPlatformTokens
from jupyterlab_mlplatform_tokens.library import LIBRARY_MODULE, LibraryUpstream
from jupyterlab_mlplatform_tokens.upstream import PipeRequest

from .conftest import forget_library as _forget_library

pytestmark = pytest.mark.usefixtures("no_faults_left")

MAX_QUEUED = getattr(library_module, "MAX_QUEUED", 8)


def _refresh(token: str = "mlp_rt_x") -> PipeRequest:  # noqa: S107 (a made-up value)
    return PipeRequest(
        "POST",
        "auth/refresh",
        content_type="application/json",
        body=json.dumps({"refresh_token": token}).encode(),
    )


def _redeem(value: str = "mlp_reg_x") -> PipeRequest:
    return PipeRequest(
        "POST",
        "register-tokens/redeem",
        content_type="application/json",
        body=json.dumps({"register_token": value}).encode(),
    )


def _body(response: Any) -> dict[str, Any]:
    return json.loads(response.body) if response.body else {}


ME = {"id": "9", "name": "late", "type": "USER", "issuer_name": "admin", "exp": None}


# Deadlines and the queue --------------------------------------------------------------


async def test_a_call_past_its_deadline_never_starts_and_the_queue_is_bounded(
    standin: Any, monkeypatch: Any
) -> None:
    release = threading.Event()
    ran: list[int] = []

    def slow(self: Any) -> Any:
        ran.append(1)
        release.wait(10)
        return ME

    monkeypatch.setattr(standin.MLPlatform, "who_am_i", slow)
    library = LibraryUpstream(0.5, concurrency=2)
    answers = await asyncio.gather(*(library.forward(_refresh()) for _ in range(50)))
    release.set()
    statuses = [answer.status for answer in answers]
    assert statuses.count(503) == 50 - 2 - MAX_QUEUED
    assert statuses.count(504) == 2 + MAX_QUEUED
    busy = next(answer for answer in answers if answer.status == 503)
    assert busy.retry_after == "1"
    assert _body(busy)["errorCode"] == "ServiceUnavailableException"
    for _ in range(50):
        if library.in_flight == 0:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.2)
    assert len(ran) == 2  # the queued calls were cancelled at their deadline
    assert library.in_flight == 0
    library.close()


async def test_a_redeem_that_outlives_the_timeout_is_delivered_to_the_retry(
    standin: Any, monkeypatch: Any
) -> None:
    redeemed: list[str] = []

    def late(self: Any, register_token: str) -> str:
        redeemed.append(register_token)
        time.sleep(0.8)
        return "mlp_rt_minted_late_0123456789"

    monkeypatch.setattr(standin.MLPlatform, "create_refresh_token", late)
    monkeypatch.setattr(standin.MLPlatform, "who_am_i", lambda self: ME)
    library = LibraryUpstream(0.3, concurrency=2)
    first = await library.forward(_redeem("mlp_reg_slow"))
    assert (first.status, _body(first)["errorCode"]) == (504, "UpstreamTimeout")
    # Tried again while the first still runs, then after it ended: the token it minted
    # is answered (not a second redemption, which would say "already used").
    retried = await library.forward(_redeem("mlp_reg_slow"))
    if retried.status == 504:
        await asyncio.sleep(0.6)
        retried = await library.forward(_redeem("mlp_reg_slow"))
    assert retried.status == 201, retried
    assert _body(retried)["refresh_token"] == "mlp_rt_minted_late_0123456789"
    assert _body(retried)["token"]["name"] == "late"
    assert redeemed == ["mlp_reg_slow"]
    assert not library._late  # delivered once, then forgotten
    library.close()


async def test_a_late_token_nobody_asks_for_is_forgotten(standin: Any, monkeypatch: Any) -> None:
    def late(self: Any, register_token: str) -> str:
        time.sleep(0.5)
        return "mlp_rt_minted_late_forgotten_0123"

    monkeypatch.setattr(standin.MLPlatform, "create_refresh_token", late)
    monkeypatch.setattr(library_module, "LATE_SECONDS", 1)
    library = LibraryUpstream(0.2, concurrency=2)
    assert (await library.forward(_redeem("mlp_reg_gone"))).status == 504
    assert library._late
    await asyncio.sleep(1.5)
    assert not library._late  # swept at its expiry
    library.close()


# Exceptions that are not Exception -----------------------------------------------------


@pytest.mark.parametrize("raised", [SystemExit(3), KeyboardInterrupt(), GeneratorExit()])
async def test_a_call_raising_a_base_exception_is_one_sentence(
    standin: Any, monkeypatch: Any, raised: BaseException
) -> None:
    def leaving(self: Any) -> Any:
        raise raised

    monkeypatch.setattr(standin.MLPlatform, "who_am_i", leaving)
    library = LibraryUpstream(2.0, concurrency=2)
    answer = await library.forward(_refresh())
    body = _body(answer)
    assert (answer.status, body["errorCode"]) == (502, "UpstreamLibraryUnsupported")
    assert type(raised).__name__ in body["message"] or "understand" in body["message"]
    library.close()


def _broken_package(root: Path, raising: str) -> None:
    package = root / LIBRARY_MODULE
    package.mkdir()
    (package / "__init__.py").write_text(f"raise {raising}\n")


@pytest.fixture
def broken_library(tmp_path: Path, monkeypatch: Any, request: Any) -> Any:
    """An ``mlplatform_client`` that is findable but whose import raises ``request.param``."""
    monkeypatch.delenv("MLPLATFORM_API_URL", raising=False)
    _broken_package(tmp_path, request.param)
    monkeypatch.syspath_prepend(str(tmp_path))
    _forget_library()
    yield request.param
    monkeypatch.undo()
    _forget_library()


BROKEN = pytest.mark.parametrize(
    "broken_library",
    ["ImportError('no libfoo')", "SystemExit(1)", "RuntimeError('bad build')"],
    indirect=True,
)


@BROKEN
async def test_a_library_whose_import_fails_is_missing(broken_library: str) -> None:
    library = LibraryUpstream(2.0, concurrency=2)
    answer = await library.forward(_refresh())
    body = _body(answer)
    assert (answer.status, body["errorCode"]) == (503, "UpstreamLibraryMissing")
    library.close()


@BROKEN
async def test_auto_does_not_choose_a_library_that_does_not_import(broken_library: str) -> None:
    backends = Backends(MLPlatformTokens(api_url=""))
    described = await backends.describe()
    assert (described["backend"], described["usable"], described["library_version"]) == (
        None,
        False,
        None,
    )
    assert broken_library.split("(")[0] in described["library_problem"]
    answer = await backends.forward(_refresh())
    assert (answer.status, _body(answer)["errorCode"]) == (503, "UpstreamNotConfigured")
    await backends.close()


@BROKEN
async def test_a_forced_library_that_does_not_import_is_unusable(broken_library: str) -> None:
    backends = Backends(MLPlatformTokens(api_url="", backend="library"))
    described = await backends.describe()
    assert (described["backend"], described["usable"]) == ("library", False)
    assert described["library_problem"]
    await backends.close()


async def test_auto_chooses_a_library_that_imports(standin: Any) -> None:
    backends = Backends(MLPlatformTokens(api_url=""))
    described = await backends.describe()
    assert described == {
        "backend": "library",
        "library_version": standin.__version__,
        "usable": True,
        "library_problem": None,
    }
    assert backends.current() == "library"
    await backends.close()


# What the vendor's errors say ----------------------------------------------------------


class _Response:
    status_code = 403

    def __init__(self) -> None:
        self.headers: dict[str, str] = {}

    def __repr__(self) -> str:
        return "<Response [403]>"


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(info=st.text(max_size=200))
def test_a_forbidden_exception_is_a_refusal_whatever_its_info(standin: Any, info: str) -> None:
    exceptions = importlib.import_module(f"{LIBRARY_MODULE}.core.exceptions")
    response = _Response()
    response.text = info  # type: ignore[attr-defined]
    error = exceptions.ForbiddenException(response)
    mapped = LibraryUpstream(1.0)._mapped(error, [])
    assert mapped.status == 403
    assert mapped.code == "ForbiddenException"


async def test_an_unsupported_answer_names_the_version_as_a_param(
    standin: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(standin.MLPlatform, "who_am_i", lambda self: 42)
    library = LibraryUpstream(2.0, concurrency=2)
    answer = await library.forward(_refresh())
    body = _body(answer)
    assert body["errorCode"] == "UpstreamLibraryUnsupported"
    assert body["params"] == {"library_version": standin.__version__}
    library.close()


# Handles' lifetime ---------------------------------------------------------------------


async def test_expired_handles_are_forgotten_without_being_used(
    standin: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(standin.MLPlatform, "who_am_i", lambda self: ME)
    monkeypatch.setattr(library_module, "HANDLE_SECONDS", 1)
    library = LibraryUpstream(2.0, concurrency=2)
    answer = await library.forward(_refresh("mlp_rt_short_lived"))
    assert answer.status == 200
    assert len(library._handles) == 1
    await asyncio.sleep(1.4)
    assert not library._handles  # swept at its expiry, no call needed
    library.close()


async def test_every_lookup_sweeps_expired_handles(standin: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(standin.MLPlatform, "who_am_i", lambda self: ME)
    now = [1000.0]
    library = LibraryUpstream(2.0, concurrency=2, clock=lambda: now[0])
    await library.forward(_refresh("mlp_rt_first"))
    second = _body(await library.forward(_refresh("mlp_rt_second")))["access_token"]
    assert second in library._handles
    now[0] += 301
    answer = await library.forward(PipeRequest("GET", "tokens/me", authorization="Bearer nope"))
    assert answer.status == 401
    assert not library._handles
    library.close()


# The server's streams and loggers ------------------------------------------------------


async def test_the_server_s_streams_still_work_after_a_call(
    standin: Any, monkeypatch: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(standin.MLPlatform, "who_am_i", lambda self: ME)
    real_out, real_err = sys.stdout, sys.stderr
    library = LibraryUpstream(2.0, concurrency=2)
    await library.forward(_refresh())
    for stream, real in ((sys.stdout, real_out), (sys.stderr, real_err)):
        assert stream.fileno() == real.fileno()
        assert stream.encoding == real.encoding
        assert stream.encoding is not None
        assert stream.writable()
        assert stream.isatty() == real.isatty()
        if hasattr(real, "buffer"):
            stream.buffer.write(b"")
    seen = []
    thread = threading.Thread(target=lambda: (print("from another thread"), seen.append(1)))
    thread.start()
    thread.join()
    library.close()
    assert "from another thread" in capfd.readouterr().out


async def test_handlers_on_the_library_s_loggers_get_no_values(
    standin: Any, monkeypatch: Any
) -> None:
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    keep = Keep()
    vendor = logging.getLogger(LIBRARY_MODULE)
    vendor.addHandler(keep)
    urllib3 = logging.getLogger("urllib3.connectionpool")
    urllib3.setLevel(logging.DEBUG)
    urllib3.addHandler(keep)

    def chatty(self: Any) -> Any:
        logging.getLogger(LIBRARY_MODULE).warning("token %s", self._refresh_token)
        logging.getLogger("urllib3.connectionpool").warning("sent %s", self._refresh_token)
        return ME

    monkeypatch.setattr(standin.MLPlatform, "who_am_i", chatty)
    library = LibraryUpstream(2.0, concurrency=2)
    try:
        await library.forward(_refresh("mlp_rt_logged_value"))
    finally:
        vendor.removeHandler(keep)
        urllib3.removeHandler(keep)
        library.close()
    assert not [record for record in records if "mlp_rt_logged_value" in record]
