"""The one configurable object of the server extension."""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

from traitlets import Unicode
from traitlets.config import Configurable

API_URL_ENV = "MLPLATFORM_API_URL"


class MLPlatformTokens(Configurable):
    """Settings of the ML Platform tokens server extension.

    Set them in a ``jupyter_server_config`` file, e.g.
    ``c.MLPlatformTokens.api_url = "https://mlplatform.example/api"``.
    """

    api_url = Unicode(
        "",
        config=True,
        help=(
            "Base URL of the ML Platform API that the upstream pipe forwards to. "
            f"When empty, the {API_URL_ENV} environment variable is used."
        ),
    )

    def resolved_api_url(self) -> str:
        """The configured API base URL without a trailing slash, or '' when none is set."""
        url = (self.api_url or os.environ.get(API_URL_ENV, "")).strip()
        return url.rstrip("/")

    def api_origin(self) -> str:
        """The API URL safe to show: scheme, host and path, never user info or a query."""
        url = self.resolved_api_url()
        if not url:
            return ""
        parts = urlsplit(url)
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        return urlunsplit((parts.scheme, host, parts.path, "", ""))
