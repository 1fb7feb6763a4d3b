"""Every route of the installed server extension with the methods it answers, as JSON.

Read from the handler table itself (``setup_handlers`` in
``jupyterlab_mlplatform_tokens/handlers.py``, as installed in the hub's
environment), so a route added there is tried by the journeys without anyone
listing it by hand. Run it with the hub's Python, from ``/`` so that the
installed package is the one found:

    /opt/mlp-hub-5/bin/python e2e/hub/support/routes.py

prints ``{"module": <handlers.py>, "routes": [{"path", "handler", "methods"}]}``,
each path relative to ``<server>/mlplatform-tokens/`` with ``{<group>}`` for a
named part (``{record_id}``, ``{invitation_id}``) and ``{path}`` for the rest of
an upstream path.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from jupyter_server.base.handlers import APIHandler

from jupyterlab_mlplatform_tokens import handlers

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")
PREFIX = "/" + handlers.NAMESPACE + "/"


class _Application:
    """What ``setup_handlers`` needs of a tornado application: settings and the table."""

    def __init__(self) -> None:
        self.settings: dict[str, Any] = {"base_url": "/"}
        self.rules: list[Any] = []

    def add_handlers(self, _host: str, rules: list[Any]) -> None:
        self.rules.extend(rules)


def _path(pattern: str) -> str:
    if not pattern.startswith(PREFIX):
        raise SystemExit(f"{pattern}: not under {PREFIX}")
    path = re.sub(r"\(\?P<(\w+)>[^()]*\)", r"{\1}", pattern[len(PREFIX) :])
    path = path.replace("(.*)", "{path}").rstrip("$")
    if re.search(r"[()\[\]*+?\\]", path):
        raise SystemExit(f"{pattern}: a part this script cannot fill in")
    return path


def main() -> None:
    app = _Application()
    handlers.setup_handlers(app, context=None)
    routes = []
    for pattern, handler, _kwargs in app.rules:
        methods = [
            method
            for method in METHODS
            if getattr(handler, method.lower()) is not getattr(APIHandler, method.lower())
        ]
        routes.append({"path": _path(pattern), "handler": handler.__name__, "methods": methods})
    if not routes:
        raise SystemExit("setup_handlers added no route")
    json.dump({"module": handlers.__file__, "routes": routes}, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
