"""Wiring: build the extension's parts for a running Jupyter server."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from .backends import Backends
from .config import MLPlatformTokens
from .kernel_env import KERNEL_ACTIONS_SCHEMA, KernelEnvironment
from .records import VaultError
from .scrub import RedactionLog, Scrubber
from .service import TokenService
from .uploads import Uploads
from .vault import Vault


@dataclass
class Context:
    """Everything the handlers delegate to."""

    config: MLPlatformTokens
    service: TokenService
    redactions: RedactionLog
    upstream: Backends


def build_context(server_app: Any, config: MLPlatformTokens) -> Context:
    """Create the vault, the environment sync, the scrubbers of saves and uploads and the
    pipe, and hook them in."""
    log: logging.Logger = server_app.log
    vault = Vault(
        config.resolved_vault_path(), own_folder=config.uses_default_vault_path(), log=log
    )
    environment = KernelEnvironment(
        config.env_names, getattr(server_app, "kernel_manager", None), log=log
    )
    redactions = RedactionLog()
    scrubber: Scrubber | None = None
    if config.redact_on_save:
        scrubber = Scrubber(
            lambda: _saved_values(vault), redactions, log=log, env_names=config.env_names
        )
        install_redaction(server_app.contents_manager, scrubber, log)
    known = scrubber.known if scrubber is not None else None
    service = TokenService(
        vault,
        environment,
        log=log,
        # Every state written is learnt at once, so a value saved and then a vault that
        # cannot be read before the next save is still redacted.
        on_state=(lambda state: known.learn(state.values())) if known is not None else None,
    )
    try:
        service.start()
    except VaultError as error:
        log.error("The token vault could not be read at start: %s", error)
    _listen_to_kernel_starts(server_app, environment)

    upstream = Backends(config, log=log)
    context = Context(config=config, service=service, redactions=redactions, upstream=upstream)
    _close_on_stop(server_app, context, log)
    return context


def install_redaction(
    contents_manager: Any, scrubber: Scrubber, log: logging.Logger | None = None
) -> None:
    """Redact what ``contents_manager`` saves: notebooks and text files, and uploads,
    whole or in chunks."""
    contents_manager.register_pre_save_hook(scrubber.hook)
    Uploads(scrubber, log=log).install(contents_manager)


def _saved_values(vault: Vault) -> tuple[str, ...]:
    return vault.read().values()


def _close_on_stop(server_app: Any, context: Context, log: logging.Logger) -> None:
    """Close the pipe's connections and the worker threads when the server stops.

    jupyter_server calls a stop hook only on ExtensionApps (``stop_extension``); a module
    extension such as this one gets none, so this joins the step of the server's own
    clean-up that stops extensions (``ServerApp.cleanup_extensions``, run by ``_cleanup``
    on every stop), keeping what it did before.
    """
    cleanup = getattr(server_app, "cleanup_extensions", None)
    if not callable(cleanup):
        log.debug("This Jupyter server has no extension clean-up to close the pipe in.")
        return

    async def cleanup_then_close() -> None:
        try:
            await cleanup()
        finally:
            await context.upstream.close()
            context.service.close()

    server_app.cleanup_extensions = cleanup_then_close


def _listen_to_kernel_starts(server_app: Any, environment: KernelEnvironment) -> None:
    """Correct a kernel's restart env right after its start.

    Needs jupyter_server's kernel action events and jupyter_events' listeners (both
    in releases since 2023); without them only a change made while a kernel was
    starting can leave that kernel a stale value for its restarts.
    """
    add_listener = getattr(getattr(server_app, "event_logger", None), "add_listener", None)
    if callable(add_listener):
        add_listener(schema_id=KERNEL_ACTIONS_SCHEMA, listener=environment.on_kernel_action)
