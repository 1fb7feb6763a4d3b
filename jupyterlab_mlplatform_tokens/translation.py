"""Sentences the server words itself, in the user's JupyterLab language.

The server part answers its own routes with a ``code`` and ``params`` that the
frontend words (:mod:`.messages`). Where JupyterLab's own UI shows a sentence of
this server instead (an upload refused by redaction, shown by the file browser),
the server words it, from the same compiled catalog the frontend reads
(``locale/<ll_CC>/LC_MESSAGES/jupyterlab_mlplatform_tokens.json``), in the
language JupyterLab is set to: the ``locale`` of the user's
``@jupyterlab/translation-extension:plugin`` settings, or else the default an
administrator set in ``overrides.json`` (or ``overrides.d/``) of JupyterLab's
application settings, both in the folders the running JupyterLab uses
(:func:`use_settings_of`). Without either, or for a language without a catalog,
the sentence stays in English.

Such sentences are marked with :func:`server_text` (context ``server sentence``),
which ``scripts/i18n/catalog.py extract`` collects into the catalog next to the
frontend's messages.
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

#: The translation domain (the frontend's).
DOMAIN = "jupyterlab_mlplatform_tokens"

#: The catalog context of the sentences the server words.
CONTEXT = "server sentence"

#: The settings JupyterLab keeps the chosen language in.
SETTINGS_FILE = Path("@jupyterlab", "translation-extension", "plugin.jupyterlab-settings")

_LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def server_text(msgid: str) -> str:
    """Mark an English sentence the server words itself (kept as it is)."""
    return msgid


#: What a locale name looks like (``ru_RU``, ``ru-RU``, ``en``).
_LOCALE_NAME = re.compile(r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})*")

#: The plugin whose ``locale`` setting is the language.
PLUGIN_ID = "@jupyterlab/translation-extension:plugin"

#: The settings folders of the running JupyterLab, once :func:`use_settings_of` found them.
_folders: dict[str, Path] = {}


def use_settings_of(apps: Any) -> None:
    """Read the language from the settings folders of the JupyterLab among ``apps``.

    ``apps`` are the server's extension applications; the first with a
    ``user_settings_dir`` (JupyterLab's, or Notebook's) gives it and its
    ``app_settings_dir``. Without one, JupyterLab's defaults are used.
    """
    for app in apps:
        user = getattr(app, "user_settings_dir", None)
        if isinstance(user, str) and user:
            _folders["user"] = Path(user)
            shared = getattr(app, "app_settings_dir", None)
            if isinstance(shared, str) and shared:
                _folders["app"] = Path(shared)
            return


def user_settings_dir() -> Path:
    """JupyterLab's user settings folder, as the running JupyterLab has it."""
    if "user" in _folders:
        return _folders["user"]
    configured = os.environ.get("JUPYTERLAB_SETTINGS_DIR")
    if configured:
        return Path(configured)
    from jupyter_core.paths import jupyter_config_dir

    return Path(jupyter_config_dir(), "lab", "user-settings")


def app_settings_dir() -> Path:
    """JupyterLab's application settings folder (where ``overrides.json`` is)."""
    if "app" in _folders:
        return _folders["app"]
    return Path(sys.prefix, "share", "jupyter", "lab", "settings")


def current_locale(settings_dir: Path | None = None, app_dir: Path | None = None) -> str:
    """The language JupyterLab is set to (``ru_RU``), or ``en`` when it is not set.

    The user's own choice wins; without one (or with "default"), the default of
    the administrator's overrides.
    """
    chosen = _locale_in_file((settings_dir or user_settings_dir()) / SETTINGS_FILE, None)
    if chosen is not None:
        return chosen
    folder = app_dir or app_settings_dir()
    overrides = [
        *sorted((folder / "overrides.d").glob("*.json*")),
        folder / "overrides.json",
        folder / "overrides.json5",
    ]
    # Later files override earlier ones, as JupyterLab merges them.
    for path in reversed(overrides):
        default = _locale_in_file(path, PLUGIN_ID)
        if default is not None:
            return default
    return "en"


def _locale_in_file(path: Path, plugin: str | None) -> str | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return _locale_in(str(path), plugin, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _locale_in(path: str, plugin: str | None, _mtime: int, _size: int) -> str | None:
    """The ``locale`` of a settings file (of ``plugin``'s part of an overrides file)."""
    try:
        import json5

        data = json5.loads(Path(path).read_text(encoding="utf-8"))
    except Exception:
        return None
    if plugin is not None:
        data = data.get(plugin) if isinstance(data, dict) else None
    value = data.get("locale") if isinstance(data, dict) else None
    # "default", and anything that is not a locale name, is no choice.
    if not isinstance(value, str) or not _LOCALE_NAME.fullmatch(value):
        return None
    return value.replace("-", "_")


@functools.lru_cache(maxsize=8)
def _catalog(locale: str) -> dict[str, Any]:
    if not locale.replace("_", "").isalnum():
        return {}
    path = _LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def word(msgid: str, locale: str | None = None) -> str:
    """``msgid`` (a :func:`server_text` sentence) in ``locale`` (default: JupyterLab's)."""
    locale = locale if locale is not None else current_locale()
    if locale.split("_", 1)[0] == "en":
        return msgid
    forms = _catalog(locale).get(f"{CONTEXT}\u0004{msgid}")
    if isinstance(forms, list) and forms and isinstance(forms[0], str) and forms[0]:
        return forms[0]
    return msgid
