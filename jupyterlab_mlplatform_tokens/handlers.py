"""HTTP handlers of the server extension: validate, delegate, answer JSON."""

from __future__ import annotations

import json
from typing import Any

import tornado
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join

from . import __version__
from .config import MLPlatformTokens

NAMESPACE = "mlplatform-tokens"


class BaseHandler(APIHandler):
    """Common ground of every handler: the extension's configuration."""

    def initialize(self, config: MLPlatformTokens) -> None:
        self.mlp_config = config

    def write_json(self, payload: dict[str, Any], status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=UTF-8")
        self.finish(json.dumps(payload))


class StatusHandler(BaseHandler):
    """``GET /mlplatform-tokens/status``: what the frontend needs to know first."""

    @tornado.web.authenticated
    def get(self) -> None:
        self.write_json(
            {
                "version": __version__,
                "api_configured": bool(self.mlp_config.resolved_api_url()),
                "api_url": self.mlp_config.api_origin(),
            }
        )


def setup_handlers(web_app: Any, config: MLPlatformTokens) -> None:
    """Add the extension's routes under the server's base URL."""
    base_url = web_app.settings["base_url"]
    kwargs = {"config": config}
    handlers = [
        (url_path_join(base_url, NAMESPACE, "status"), StatusHandler, kwargs),
    ]
    web_app.add_handlers(".*$", handlers)
