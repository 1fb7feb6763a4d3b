"""Which way the server part reaches ML Platform: the HTTP pipe or the vendor's library.

``c.MLPlatformTokens.backend``: ``http`` forwards to ``api_url`` (``upstream.py``),
``library`` answers through ``mlplatform_client`` (``library.py``), ``auto`` (the
default) takes ``http`` when an API URL is set, otherwise ``library`` when the
module really imports (tried once, in a thread, off the event loop; the outcome
is kept), otherwise ``http``, which then answers that nothing is configured.
The choice is made per call, so setting the URL needs no change here (the
server still has to be restarted to read a new configuration or to import a
newly installed or repaired library).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from .config import MLPlatformTokens
from .library import LibraryUpstream
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

    def _fixed(self) -> str | None:
        """The backend decided by the configuration alone, or None when ``auto`` needs
        to know whether the library imports."""
        chosen = self._config.backend
        if chosen != "auto":
            return chosen
        return "http" if self._config.resolved_api_url() else None

    def current(self) -> str | None:
        """``http``, ``library``, or None when neither is configured, as known now (an
        ``auto`` library counts once it has imported)."""
        fixed = self._fixed()
        if fixed is not None:
            return fixed
        return "library" if self.library.imported_now() else None

    async def choose(self) -> str | None:
        """Like ``current``, importing the library first where ``auto`` depends on it."""
        fixed = self._fixed()
        if fixed is not None:
            return fixed
        return "library" if await self.library.imported() else None

    @property
    def in_flight(self) -> int:
        """Calls of either backend not yet finished."""
        return self.http.in_flight + self.library.in_flight

    async def forward(self, request: PipeRequest) -> PipeResponse:
        return await asyncio.shield(self.start(request))

    def start(self, request: PipeRequest) -> asyncio.Future[PipeResponse]:
        """Start one call on the backend in use; the future's result is the response.
        Nothing that waits for it can cancel it (both backends run a call out)."""
        fixed = self._fixed()
        if fixed == "http":
            return self.http.start(request)
        if fixed == "library":
            return asyncio.ensure_future(self.library.forward(request))
        return asyncio.ensure_future(self._auto(request))

    async def _auto(self, request: PipeRequest) -> PipeResponse:
        if await self.choose() == "library":
            return await self.library.forward(request)
        return await self.http.start(request)  # answers that nothing is configured

    async def describe(self) -> dict[str, Any]:
        """What ``GET /status`` says of the backend: which, the library's version, whether
        it can be used (an API URL is set, or the library imports), and why the library
        cannot be used when that decided (``library_problem``, one sentence)."""
        backend = await self.choose()
        if backend == "http":
            usable = bool(self._config.resolved_api_url())
            return {
                "backend": backend,
                "library_version": None,
                "usable": usable,
                "library_problem": None,
            }
        if backend == "library":
            await self.library.imported()
        version = self.library.version if backend == "library" else None
        return {
            "backend": backend,
            "library_version": version,
            "usable": version is not None,
            "library_problem": self.library.problem,
        }

    async def close(self) -> None:
        """Close the pipe's connections and the library's threads (the server is stopping)."""
        await self.http.close()
        self.library.close()
