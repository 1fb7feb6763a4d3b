"""The extension's routes as the running tornado application has them.

Read from the application (every handler whose pattern contains
``/mlplatform-tokens/``, with every HTTP method its class implements), so a
route added later is covered by every test that walks them, without anyone
listing it by hand.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from jupyter_server.base.handlers import APIHandler
from tornado.routing import PathMatches
from tornado.web import RequestHandler

NAMESPACE = "/mlplatform-tokens/"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
MUTATING = ("POST", "PUT", "PATCH", "DELETE")
#: A sample value for each capture group of a route, by group name.
SAMPLES = {"record_id": "<record>", "invitation_id": "<invitation>", None: "tokens/me"}
#: Bodies that pass validation, so an accepted request really does something.
BODIES: dict[tuple[str, str], Any] = {
    ("TokensHandler", "POST"): {
        "value": "mlp_rt_new_value_9",
        "name": "n",
        "role": "USER",
        "issuer": "",
        "expires_at": None,
    },
    ("TokenHandler", "PATCH"): {"label": "renamed"},
    ("VerifiedHandler", "POST"): {"name": "n", "role": "USER", "issuer": "", "expires_at": None},
    ("InvitationsHandler", "POST"): {
        "name": "bob",
        "role": "USER",
        "expires_at": "2030-01-01T00:00:00Z",
    },
    ("UpstreamHandler", "POST"): {"refresh_token": "mlp_rt_x"},
}


class Route:
    """One handler of the extension with a concrete path and the methods it implements."""

    def __init__(self, pattern: str, handler: type[RequestHandler], base_url: str) -> None:
        self.pattern = pattern
        self.handler = handler
        regex = re.compile(pattern)
        names = {index: name for name, index in regex.groupindex.items()}
        path = pattern.rstrip("$")
        for index in range(regex.groups, 0, -1):
            name = names.get(index)
            if name not in SAMPLES:
                raise AssertionError(f"{pattern}: no sample value for the group {name!r}")
            path = _replace_group(path, index, SAMPLES[name])
        assert path.startswith(base_url), path
        self.path = path[len(base_url) :].split("mlplatform-tokens/", 1)[1]
        # The methods the extension's classes implement; Jupyter's own OPTIONS (the CORS
        # preflight, answered without authentication) is checked on its own.
        self.methods = [
            m for m in METHODS if getattr(handler, m.lower()) is not getattr(APIHandler, m.lower())
        ]

    def requests(self, ids: dict[str, str]) -> Iterator[tuple[str, str, Any]]:
        for method in self.methods:
            path = self.path
            for placeholder, value in ids.items():
                path = path.replace(placeholder, value)
            yield method, path, BODIES.get((self.handler.__name__, method))


def _replace_group(pattern: str, index: int, sample: str) -> str:
    """Replace the index-th capture group (counting opening parentheses) with ``sample``."""
    count = 0
    for position, char in enumerate(pattern):
        if char == "(" and (position == 0 or pattern[position - 1] != "\\"):
            if pattern[position + 1 : position + 3] != "?:":
                count += 1
            if count == index:
                depth = 0
                for end in range(position, len(pattern)):
                    depth += {"(": 1, ")": -1}.get(pattern[end], 0)
                    if depth == 0:
                        return pattern[:position] + sample + pattern[end + 1 :]
    raise AssertionError(f"{pattern}: group {index} not found")


def extension_routes(web_app: Any, base_url: str) -> list[Route]:
    """Every handler of the tornado application whose pattern contains /mlplatform-tokens/."""
    routes: list[Route] = []

    def walk(rules: list[Any]) -> None:
        for rule in rules:
            target = rule.target
            if hasattr(target, "rules"):
                walk(target.rules)
            elif isinstance(rule.matcher, PathMatches):
                pattern = rule.matcher.regex.pattern
                if NAMESPACE in pattern and isinstance(target, type):
                    routes.append(Route(pattern, target, base_url))

    walk(web_app.default_router.rules)
    unique = {route.pattern: route for route in routes}
    assert unique, "no route of the extension was found"
    return list(unique.values())


RECORD = SAMPLES["record_id"]
INVITATION = SAMPLES["invitation_id"]


async def prepare(jp_fetch: Any, value: str) -> dict[str, str]:
    """A saved, active token and an invitation note; the ids to put in paths."""
    from .conftest import add_token, call

    record = (await add_token(jp_fetch, value, activate=True))["token"]["id"]
    status, answer = await call(
        jp_fetch, "POST", "invitations", body=BODIES[("InvitationsHandler", "POST")]
    )
    assert status == 201, answer
    return {RECORD: record, INVITATION: answer["invitation"]["id"]}


async def state(jp_fetch: Any) -> tuple[Any, Any]:
    """The saved tokens and invitation notes, to compare before and after a request."""
    from .conftest import call

    return await call(jp_fetch, "GET", "tokens"), await call(jp_fetch, "GET", "invitations")


def request_body(method: str, body: Any) -> str | None:
    """The JSON body to send, or an empty one where tornado needs a body."""
    if body is not None:
        return json.dumps(body)
    return "" if method in ("POST", "PATCH", "PUT") else None
