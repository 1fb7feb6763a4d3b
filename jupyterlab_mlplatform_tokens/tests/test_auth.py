"""Jupyter's authentication and XSRF: a wrong server token, and browser sessions.

Every route, read from the running application (``routes.py``), is swept without
authentication and without XSRF by ``security/test_auth_sweep.py``; this file keeps
the browser-session helpers that sweep uses and the cases it does not cover."""

from __future__ import annotations

import json
from http.cookies import SimpleCookie
from typing import Any

from tornado.httpclient import HTTPResponse

from .conftest import call
from .routes import RECORD, prepare, request_body

VALUE = "mlp_rt_protected_value_1234"


async def test_a_wrong_server_token_is_refused(jp_fetch: Any) -> None:
    ids = await prepare(jp_fetch, VALUE)
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


async def test_cookie_sessions_read_without_xsrf(
    jp_fetch: Any, http_server_client: Any, jp_base_url: str, jp_serverapp: Any
) -> None:
    await prepare(jp_fetch, VALUE)
    cookies, _ = await browser_session(
        http_server_client, jp_base_url, jp_serverapp.identity_provider.token
    )
    response = await cookie_call(
        http_server_client, jp_base_url, cookies, "GET", "tokens", None, None
    )
    assert response.code == 200
    assert VALUE not in response.body.decode()
