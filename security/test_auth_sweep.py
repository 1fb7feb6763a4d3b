"""Authentication sweep over every route of the extension.

The routes are read from the running tornado application (every handler whose
pattern contains ``/mlplatform-tokens/``, with every HTTP method its class
implements), so a route added later is swept without anyone listing it here.

- Without authentication, every route and method is refused (403) and nothing changes.
- From a logged-in browser session (cookies) without the XSRF header, every mutating
  method is refused and nothing changes; the same request with the header gets past
  the check (so the refusal really is the XSRF check).
- The upstream pipe refuses every escape attempt of the corpus in
  ``jupyterlab_mlplatform_tokens/tests/test_upstream_guard.py`` before anything is sent.
- A second user's Jupyter server (its own process, port, vault and token) shows only
  its own vault through every route, and refuses the first user's token and cookies.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jupyterlab_mlplatform_tokens.tests.conftest import Pipe, call
from jupyterlab_mlplatform_tokens.tests.routes import (
    BODIES,
    MUTATING,
    extension_routes,
    prepare,
    request_body,
    state,
)
from jupyterlab_mlplatform_tokens.tests.test_auth import browser_session, cookie_call
from jupyterlab_mlplatform_tokens.tests.test_upstream_guard import ESCAPES, Recorder

from . import figures
from .servers import JupyterServer

SUITE = "Auth sweep"
VALUE = "mlp_rt_first_user_value_1234"


# Unauthenticated and XSRF-less requests ----------------------------------------------


@pytest.fixture(scope="module")
def recorder() -> Iterator[Recorder]:
    server = Recorder()
    yield server
    server.close()


@pytest.fixture
def mlp_config(recorder: Recorder) -> dict[str, Any]:
    return {"api_url": f"{recorder.url}/api/v1/"}


async def test_every_route_refuses_unauthenticated_requests(
    jp_fetch: Any, jp_serverapp: Any, jp_base_url: str, recorder: Recorder
) -> None:
    routes = extension_routes(jp_serverapp.web_app, jp_base_url)
    failures, refused, total = [], 0, 0
    for route in routes:
        for method, path, body in route.requests(await prepare(jp_fetch, VALUE)):
            before = await state(jp_fetch)
            recorder.seen.clear()
            status, answer = await call(
                jp_fetch,
                method,
                *path.split("/"),
                body=request_body(method, body),
                headers={"Authorization": ""},
                allow_nonstandard_methods=True,
            )
            total += 1
            ok = status == 403 and VALUE not in json.dumps(answer)
            ok = ok and await state(jp_fetch) == before and recorder.seen == []
            refused += ok
            if not ok:
                failures.append(f"{method} {route.pattern}: {status} {answer}")
    # Jupyter answers the CORS preflight without authentication: it must carry nothing.
    for route in routes:
        path = route.path.replace("<record>", "x").replace("<invitation>", "y")
        status, answer = await call(
            jp_fetch, "OPTIONS", *path.split("/"), headers={"Authorization": ""}
        )
        if status >= 300 or answer is not None:
            failures.append(f"OPTIONS {route.pattern}: {status} {answer}")
    figures.record(SUITE, "routes found (patterns)", len(routes))
    figures.record(SUITE, "route x method pairs", total)
    figures.record(SUITE, "refused without auth", f"{refused}/{total}", "all")
    assert not failures, "\n".join(failures)


async def test_every_mutating_route_refuses_requests_without_xsrf(
    jp_fetch: Any,
    jp_serverapp: Any,
    jp_base_url: str,
    http_server_client: Any,
    recorder: Recorder,
) -> None:
    routes = extension_routes(jp_serverapp.web_app, jp_base_url)
    cookies, xsrf = await browser_session(
        http_server_client, jp_base_url, jp_serverapp.identity_provider.token
    )
    failures, refused, total = [], 0, 0
    for route in routes:
        for method, path, body in route.requests(await prepare(jp_fetch, VALUE)):
            if method not in MUTATING:
                continue
            total += 1
            before = await state(jp_fetch)
            recorder.seen.clear()
            answer = await cookie_call(
                http_server_client, jp_base_url, cookies, method, path, body, None
            )
            ok = answer.code == 403 and "xsrf" in answer.body.decode().lower()
            ok = ok and await state(jp_fetch) == before and recorder.seen == []
            accepted = await cookie_call(
                http_server_client, jp_base_url, cookies, method, path, body, xsrf
            )
            ok = ok and accepted.code != 403
            refused += ok
            if not ok:
                failures.append(f"{method} {route.pattern}: {answer.code}, then {accepted.code}")
    figures.record(SUITE, "mutating pairs refused without XSRF", f"{refused}/{total}", "all")
    assert total > 0
    assert not failures, "\n".join(failures)


async def test_the_pipe_refuses_every_escape_attempt(
    http_server_client: Any, jp_base_url: str, jp_serverapp: Any, recorder: Recorder
) -> None:
    pipe = Pipe(http_server_client, jp_base_url, jp_serverapp.identity_provider.token)
    refused, failures = 0, []
    for method, path in ESCAPES:
        recorder.seen.clear()
        body = {"refresh_token": "x"} if method in ("POST", "PUT", "PATCH") else None
        status, _, answer = await pipe(method, path, body, bearer="abc")
        if status in (400, 404, 405) and recorder.seen == []:
            refused += 1
        else:
            failures.append(f"{method} {path}: {status} {answer}, sent: {recorder.seen}")
    figures.record(SUITE, "pipe escape attempts refused", f"{refused}/{len(ESCAPES)}", "all")
    assert len(ESCAPES) >= 20
    assert not failures, "\n".join(failures)


# A second user's server ----------------------------------------------------------------


def _seed(server: JupyterServer, value: str, label: str) -> dict[str, str]:
    answer = server.request(
        "POST",
        "mlplatform-tokens/tokens",
        {**BODIES[("TokensHandler", "POST")], "value": value, "label": label, "activate": True},
    )
    assert answer.status == 201, answer.body
    invitation = server.request(
        "POST", "mlplatform-tokens/invitations", BODIES[("InvitationsHandler", "POST")]
    )
    assert invitation.status == 201, invitation.body
    return {
        "<record>": answer.json()["token"]["id"],
        "<invitation>": invitation.json()["invitation"]["id"],
    }


async def test_a_second_users_server_cannot_read_the_first_users_vault(
    tmp_path: Path, jp_serverapp: Any, jp_base_url: str
) -> None:
    routes = extension_routes(jp_serverapp.web_app, jp_base_url)
    first = JupyterServer(tmp_path / "alice")
    second = JupyterServer(tmp_path / "bob")
    first.start()
    second.start()
    try:
        secrets_of_first = _seed(first, VALUE, "alice-private-label")
        secret_texts = [VALUE, "alice-private-label", *secrets_of_first.values()]
        own = _seed(second, "mlp_rt_second_user_value_5678", "bob-label")
        first_file = first.vault_path.read_bytes()
        cookies = first.browser_cookies()
        xsrf = cookies.get("_xsrf", "")
        as_first = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        as_first["X-XSRFToken"] = xsrf

        reads = leaks = refusals = attempts = 0
        failures: list[str] = []
        for route in routes:
            # Paths carry the first user's ids: the attack asks for their records.
            for method, path, body in route.requests(secrets_of_first):
                full = f"mlplatform-tokens/{path}"
                # With its own credentials, the second user sees only its own vault.
                answer = second.request(method, full, body)
                reads += 1
                if any(text in answer.body.decode(errors="replace") for text in secret_texts):
                    leaks += 1
                    failures.append(f"own token: {method} {full} -> {answer.status}")
                # With the first user's token or cookies replayed: nothing.
                for credentials in ({"token": first.token}, {"token": None, "headers": as_first}):
                    attempts += 1
                    replayed = second.request(method, full, body, **credentials)
                    text = replayed.body.decode(errors="replace")
                    if replayed.status == 403 and not any(t in text for t in secret_texts):
                        refusals += 1
                    else:
                        failures.append(f"replayed: {method} {full} -> {replayed.status}")
                        leaks += any(t in text for t in secret_texts)
        listing = second.request("GET", "mlplatform-tokens/tokens").json()
        listed = [t["id"] for t in listing["tokens"]]
        if own["<record>"] not in listed or secrets_of_first["<record>"] in listed:
            failures.append(f"the second user's listing is not its own vault: {listing}")
        if first.vault_path.read_bytes() != first_file:
            failures.append("the first user's vault file changed")
    finally:
        first.stop()
        second.stop()
    figures.record(SUITE, "cross-user requests with own credentials", reads)
    figures.record(SUITE, "replayed credentials refused", f"{refusals}/{attempts}", "all")
    figures.record(SUITE, "cross-user reads", leaks, "0")
    assert not failures, "\n".join(failures)
