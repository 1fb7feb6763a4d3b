"""Authorization, not only authentication: the server's ``Authorizer`` decides every route.

JupyterHub's granular sharing and any jupyter_server ``Authorizer`` (read-only
collaborators) ask ``is_authorized(handler, user, action, resource)``. Every
route of the extension, as the application has them (``routes.py``), asks about
the resource ``mlplatform_tokens``: listing, the status and the redaction log
need ``read``; reading a value and every change need ``write``; so does the
upstream pipe.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

import pytest
from jupyter_server.auth.authorizer import Authorizer

from .conftest import call
from .routes import extension_routes, prepare, request_body, state

VALUE = "mlp_rt_collaborator_must_not_see_1234"
RESOURCE = "mlplatform_tokens"

#: Routes a read-only collaborator may use: path below /mlplatform-tokens/ and method.
READABLE = {
    ("GET", "status"),
    ("GET", "tokens"),
    ("GET", "invitations"),
    ("GET", "redactions"),
}


class Recording(Authorizer):
    """Grants what :attr:`granted` lists for our resource; records every question."""

    granted: ClassVar[set[str]] = set()
    asked: ClassVar[list[tuple[str, str]]] = []

    def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        if resource == RESOURCE:
            type(self).asked.append((action, handler.request.path))
            return action in type(self).granted
        return True  # Jupyter's own routes stay open, so the test can set things up


class ReadOnly(Recording):
    granted: ClassVar[set[str]] = {"read"}
    asked: ClassVar[list[tuple[str, str]]] = []


class Nothing(Recording):
    granted: ClassVar[set[str]] = set()
    asked: ClassVar[list[tuple[str, str]]] = []


@pytest.fixture
def jp_server_config(jp_server_config: dict[str, Any], authorizer: type[Recording]) -> dict:
    server_app = {**jp_server_config.get("ServerApp", {}), "authorizer_class": authorizer}
    return {**jp_server_config, "ServerApp": server_app}


async def _seed(jp_serverapp: Any, jp_fetch: Any, authorizer: type[Recording]) -> dict[str, str]:
    """Save a token and a note with every action granted for a moment."""
    saved = authorizer.granted
    authorizer.granted = {"read", "write", "execute"}
    try:
        return await prepare(jp_fetch, VALUE)
    finally:
        authorizer.granted = saved


def _shape(path: str, ids: dict[str, str]) -> str:
    for placeholder, value in ids.items():
        path = path.replace(value, placeholder)
    return path


@pytest.mark.parametrize("authorizer", [ReadOnly])
async def test_a_read_only_collaborator_lists_but_never_reads_values_or_changes_anything(
    jp_fetch: Any, jp_serverapp: Any, jp_base_url: str, authorizer: type[Recording]
) -> None:
    ids = await _seed(jp_serverapp, jp_fetch, authorizer)
    failures, refused, allowed = [], 0, 0
    for route in extension_routes(jp_serverapp.web_app, jp_base_url):
        for method, path, body in route.requests(ids):
            before = await state(jp_fetch)
            status, answer = await call(
                jp_fetch,
                method,
                *path.split("/"),
                body=request_body(method, body),
                allow_nonstandard_methods=True,
            )
            if VALUE in json.dumps(answer):
                failures.append(f"{method} {path}: the value reached a read-only user")
            if (method, path) in READABLE:
                allowed += status == 200
                if status != 200:
                    failures.append(f"{method} {path}: {status}, expected 200")
            else:
                refused += status == 403
                if status != 403:
                    failures.append(f"{method} {path}: {status}, expected 403")
                if await state(jp_fetch) != before:
                    failures.append(f"{method} {path}: changed the vault")
    assert allowed == len(READABLE)
    assert refused >= 12
    assert not failures, "\n".join(failures)
    assert {action for action, _ in authorizer.asked} == {"read", "write"}


@pytest.mark.parametrize("authorizer", [Nothing])
async def test_a_user_granted_nothing_gets_nothing(
    jp_fetch: Any, jp_serverapp: Any, jp_base_url: str, authorizer: type[Recording]
) -> None:
    ids = await _seed(jp_serverapp, jp_fetch, authorizer)
    failures, total = [], 0
    for route in extension_routes(jp_serverapp.web_app, jp_base_url):
        for method, path, body in route.requests(ids):
            authorizer.asked.clear()
            status, answer = await call(
                jp_fetch,
                method,
                *path.split("/"),
                body=request_body(method, body),
                allow_nonstandard_methods=True,
            )
            total += 1
            if status != 403 or VALUE in json.dumps(answer):
                failures.append(f"{method} {_shape(path, ids)}: {status}")
            if not authorizer.asked:
                failures.append(f"{method} {_shape(path, ids)}: the Authorizer was not asked")
    assert total >= 16
    assert not failures, "\n".join(failures)
