"""JupyterLab extension for VK Cloud ML Platform access and registration tokens."""

from __future__ import annotations

from typing import Any

try:
    from ._version import __version__
except ImportError:  # pragma: no cover - only without a build
    import warnings

    warnings.warn(
        "Importing 'jupyterlab_mlplatform_tokens' outside a proper installation.",
        stacklevel=2,
    )
    __version__ = "dev"


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "jupyterlab-mlplatform-tokens"}]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "jupyterlab_mlplatform_tokens"}]


def _load_jupyter_server_extension(server_app: Any) -> None:
    """Register the extension's handlers with the running Jupyter server."""
    from .config import MLPlatformTokens
    from .extension import build_context
    from .handlers import setup_handlers

    config = MLPlatformTokens(parent=server_app)
    setup_handlers(server_app.web_app, build_context(server_app, config))
    # Sentences the server words itself follow the language where this
    # JupyterLab keeps it (its configured settings folders).
    from .translation import use_settings_of

    manager = getattr(server_app, "extension_manager", None)
    apps = getattr(manager, "extension_apps", {}) or {}
    use_settings_of(app for group in apps.values() for app in group)
    if config.kernel_websocket_nodelay:
        from .kernel_websockets import install

        install(server_app.web_app)
    server_app.log.info(
        "jupyterlab_mlplatform_tokens %s loaded (upstream API %s)",
        __version__,
        "configured" if config.resolved_api_url() else "not configured",
    )
