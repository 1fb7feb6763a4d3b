"""Every endpoint needs Jupyter's authentication; every mutating one needs XSRF as well.

The routes are read from the running application (``routes.py``), never listed here."""

from __future__ import annotations

import json
from http.cookies import SimpleCookie
from typing import Any

from tornado.httpclient import HTTPResponse

from .conftest import call
from .routes import MUTATING, RECORD, extension_routes, prepare, request_body, state

VALUE = "mlp_rt_protected_value_1234"


async def test_unauthenticated_requests_are_refused(
    jp_fetch: Any, jp_serverapp: Any, jp_base_url: str
) -> None:
    failures, total = [], 0
    for route in extension_routes(jp_serverapp.web_app, jp_base_url):
        for method, path, body in route.requests(await prepare(jp_fetch, VALUE)):
            before = await state(jp_fetch)
            status, answer = await call(
                jp_fetch,
                method,
                *path.split("/"),
                body=request_body(method, body),
                headers={"Authorization": ""},
                allow_nonstandard_methods=True,
            )
            total += 1
            if status != 403 or VALUE in json.dumps(answer) or await state(jp_fetch) != before:
                failures.append(f"{method} {path}: {status}")
    assert total >= 16
    assert not failures, failures


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


async def test_mutating_requests_without_xsrf_are_refused(
    jp_fetch: Any, http_server_client: Any, jp_base_url: str, jp_serverapp: Any
) -> None:
    cookies, xsrf = await browser_session(
        http_server_client, jp_base_url, jp_serverapp.identity_provider.token
    )
    failures, total = [], 0
    for route in extension_routes(jp_serverapp.web_app, jp_base_url):
        for method, path, body in route.requests(await prepare(jp_fetch, VALUE)):
            if method not in MUTATING:
                continue
            total += 1
            before = await state(jp_fetch)
            refused = await cookie_call(
                http_server_client, jp_base_url, cookies, method, path, body, None
            )
            if refused.code != 403 or "xsrf" not in json.loads(refused.body)["message"].lower():
                failures.append(f"{method} {path}: {refused.code} without XSRF")
            if await state(jp_fetch) != before:
                failures.append(f"{method} {path}: changed the vault without XSRF")
            # The same browser session with the XSRF header gets past the check.
            accepted = await cookie_call(
                http_server_client, jp_base_url, cookies, method, path, body, xsrf
            )
            if accepted.code == 403:
                failures.append(f"{method} {path}: refused with XSRF: {accepted.body!r}")
    assert total >= 10
    assert not failures, failures


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
