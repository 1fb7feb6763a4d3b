"""Which way the server part reaches ML Platform: the HTTP pipe or the vendor's library.

``c.MLPlatformTokens.backend``: ``http`` forwards to ``api_url`` (``upstream.py``),
``library`` answers through ``mlplatform_client`` (``library.py``), ``auto`` (the
default) takes ``http`` when an API URL is set, otherwise ``library`` when the
module can be imported, otherwise ``http``, which then answers that nothing is
configured. The choice is made per call, so setting the URL or installing the
library needs no change here (the server still has to be restarted to read a
new configuration or to import a newly installed library).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from .config import MLPlatformTokens
from .library import LibraryUpstream, library_available, library_version
from .upstream import PipeRequest, PipeResponse, Upstream


class Backends:
    """The pipe's entry point: forwards each call to the backend in use."""

    def __init__(self, config: MLPlatformTokens, *, log: logging.Logger | None = None) -> None:
        self._config = config
        self.http = Upstream(
            config.resolved_api_url,
            config.upstream_timeout,
            pool_size=config.upstream_pool_size,
            ca_bundle=config.ca_bundle,
            log=log,
        )
        self.library = LibraryUpstream(
            config.upstream_timeout, concurrency=config.library_concurrency, log=log
        )

    def current(self) -> str | None:
        """``http``, ``library``, or None when neither is configured."""
        chosen = self._config.backend
        if chosen != "auto":
            return chosen
        if self._config.resolved_api_url():
            return "http"
        return "library" if library_available() else None

    @property
    def in_flight(self) -> int:
        """Calls of either backend not yet finished."""
        return self.http.in_flight + self.library.in_flight

    async def forward(self, request: PipeRequest) -> PipeResponse:
        return await asyncio.shield(self.start(request))

    def start(self, request: PipeRequest) -> asyncio.Future[PipeResponse]:
        """Start one call on the backend in use; the future's result is the response.
        Nothing that waits for it can cancel it (both backends run a call out)."""
        if self.current() == "library":
            return asyncio.ensure_future(self.library.forward(request))
        return self.http.start(request)

    def describe(self) -> dict[str, Any]:
        """What ``GET /status`` says of the backend: which, the library's version, and
        whether it can be used (an API URL is set, or the library is installed)."""
        backend = self.current()
        version = library_version() if backend == "library" else None
        usable = bool(self._config.resolved_api_url()) if backend == "http" else version is not None
        return {"backend": backend, "library_version": version, "usable": usable}

    async def close(self) -> None:
        """Close the pipe's connections and the library's threads (the server is stopping)."""
        await self.http.close()
        self.library.close()
