"""Every endpoint needs Jupyter's authentication; every mutating one needs XSRF as well."""

from __future__ import annotations

import json
from http.cookies import SimpleCookie
from typing import Any

import pytest
from tornado.httpclient import HTTPResponse

from .conftest import add_token, call

RECORD = "<record>"
INVITATION = "<invitation>"

#: Every route of the extension: method, path below /mlplatform-tokens/, JSON body.
ROUTES: list[tuple[str, str, Any]] = [
    ("GET", "status", None),
    ("GET", "tokens", None),
    ("POST", "tokens", {"value": "mlp_rt_new_value_9", "name": "n", "role": "USER",
                        "issuer": "", "expires_at": None}),
    ("PATCH", f"tokens/{RECORD}", {"label": "renamed"}),
    ("DELETE", f"tokens/{RECORD}", None),
    ("POST", f"tokens/{RECORD}/activate", None),
    ("POST", "tokens/deactivate", None),
    ("GET", f"tokens/{RECORD}/value", None),
    ("POST", f"tokens/{RECORD}/verified", {"name": "n", "role": "USER", "issuer": "",
                                           "expires_at": None}),
    ("GET", "invitations", None),
    ("POST", "invitations", {"name": "bob", "role": "USER",
                             "expires_at": "2030-01-01T00:00:00Z"}),
    ("DELETE", f"invitations/{INVITATION}", None),
    ("GET", "redactions", None),
    ("GET", "upstream/tokens/me", None),
    ("POST", "upstream/auth/refresh", {"refresh_token": "mlp_rt_x"}),
    ("DELETE", "upstream/tokens/someone", None),
]  # fmt: skip
MUTATING = [route for route in ROUTES if route[0] != "GET"]
VALUE = "mlp_rt_protected_value_1234"


async def prepare(jp_fetch: Any) -> dict[str, str]:
    """A saved, active token and an invitation note; returns the ids to put in paths."""
    record = (await add_token(jp_fetch, VALUE, activate=True))["token"]["id"]
    status, answer = await call(jp_fetch, "POST", "invitations", body=ROUTES[10][2])
    assert status == 201
    return {RECORD: record, INVITATION: answer["invitation"]["id"]}


def fill(path: str, ids: dict[str, str]) -> str:
    for placeholder, value in ids.items():
        path = path.replace(placeholder, value)
    return path


def request_body(method: str, body: Any) -> str | None:
    if body is not None:
        return json.dumps(body)
    return "" if method in ("POST", "PATCH") else None


@pytest.mark.parametrize(("method", "path", "body"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
async def test_unauthenticated_requests_are_refused(
    jp_fetch: Any, method: str, path: str, body: Any
) -> None:
    ids = await prepare(jp_fetch)
    before = await call(jp_fetch, "GET", "tokens")
    status, answer = await call(
        jp_fetch,
        method,
        *fill(path, ids).split("/"),
        body=request_body(method, body),
        headers={"Authorization": ""},
    )
    assert status == 403
    assert VALUE not in json.dumps(answer)
    assert await call(jp_fetch, "GET", "tokens") == before


async def test_a_wrong_server_token_is_refused(jp_fetch: Any) -> None:
    ids = await prepare(jp_fetch)
    status, answer = await call(
        jp_fetch,
        "GET",
        "tokens",
        ids[RECORD],
        "value",
        headers={"Authorization": "token wrong"},
    )
    assert status == 403
    assert VALUE not in json.dumps(answer)


def cookies_of(response: HTTPResponse) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for header in response.headers.get_list("Set-Cookie"):
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


async def browser_session(
    http_server_client: Any, jp_base_url: str, server_token: str
) -> tuple[dict[str, str], str]:
    """Log in the way a browser does: a login cookie, and the _xsrf cookie from a page."""
    login = await http_server_client.fetch(
        f"{jp_base_url}mlplatform-tokens/status?token={server_token}", raise_error=False
    )
    assert login.code == 200
    cookies = cookies_of(login)
    page = await http_server_client.fetch(f"{jp_base_url}login", raise_error=False)
    cookies.update(cookies_of(page))
    assert "_xsrf" in cookies
    assert any(name.startswith("username-") for name in cookies)
    return cookies, cookies["_xsrf"]


async def cookie_call(
    http_server_client: Any,
    jp_base_url: str,
    cookies: dict[str, str],
    method: str,
    path: str,
    body: Any,
    xsrf: str | None,
) -> HTTPResponse:
    headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items())}
    if xsrf is not None:
        headers["X-XSRFToken"] = xsrf
    if path.startswith("upstream/") and method == "POST":
        headers["Content-Type"] = "application/json"
    return await http_server_client.fetch(
        f"{jp_base_url}mlplatform-tokens/{path}",
        method=method,
        headers=headers,
        body=request_body(method, body),
        raise_error=False,
        allow_nonstandard_methods=True,
    )


@pytest.mark.parametrize(
    ("method", "path", "body"), MUTATING, ids=[f"{m} {p}" for m, p, _ in MUTATING]
)
async def test_mutating_requests_without_xsrf_are_refused(
    jp_fetch: Any,
    http_server_client: Any,
    jp_base_url: str,
    jp_serverapp: Any,
    method: str,
    path: str,
    body: Any,
) -> None:
    ids = await prepare(jp_fetch)
    cookies, xsrf = await browser_session(
        http_server_client, jp_base_url, jp_serverapp.identity_provider.token
    )
    before = await call(jp_fetch, "GET", "tokens")
    refused = await cookie_call(
        http_server_client, jp_base_url, cookies, method, fill(path, ids), body, None
    )
    assert refused.code == 403
    assert "xsrf" in json.loads(refused.body)["message"].lower()
    assert await call(jp_fetch, "GET", "tokens") == before
    # The same browser session with the XSRF header gets past the check.
    accepted = await cookie_call(
        http_server_client, jp_base_url, cookies, method, fill(path, ids), body, xsrf
    )
    assert accepted.code != 403, accepted.body


async def test_cookie_sessions_read_without_xsrf(
    jp_fetch: Any, http_server_client: Any, jp_base_url: str, jp_serverapp: Any
) -> None:
    await prepare(jp_fetch)
    cookies, _ = await browser_session(
        http_server_client, jp_base_url, jp_serverapp.identity_provider.token
    )
    response = await cookie_call(
        http_server_client, jp_base_url, cookies, "GET", "tokens", None, None
    )
    assert response.code == 200
    assert VALUE not in response.body.decode()
