"""Which language the server words its own sentences in: the user's choice, else the default
an administrator set in JupyterLab's overrides, in the folders the running JupyterLab uses."""

from __future__ import annotations

import json
import re
import types
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jupyterlab_mlplatform_tokens import translation

PLUGIN = "@jupyterlab/translation-extension:plugin"


def choose(user_dir: Path, locale: str) -> None:
    path = user_dir / translation.SETTINGS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"// Language\n{json.dumps({'locale': locale})}\n", encoding="utf-8")


def override(app_dir: Path, locale: str, name: str = "overrides.json") -> None:
    path = app_dir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({PLUGIN: {"locale": locale}}), encoding="utf-8")


@pytest.mark.parametrize(
    ("chosen", "default", "expected"),
    [
        (None, None, "en"),
        (None, "ru_RU", "ru_RU"),
        ("default", "ru_RU", "ru_RU"),
        ("en", "ru_RU", "en"),
        ("ru-RU", None, "ru_RU"),
        ("ru_RU", "de_DE", "ru_RU"),
    ],
)
def test_the_users_choice_wins_over_the_administrators_default(
    tmp_path: Path, chosen: str | None, default: str | None, expected: str
) -> None:
    user, app = tmp_path / "user", tmp_path / "app"
    if chosen is not None:
        choose(user, chosen)
    if default is not None:
        override(app, default)
    assert translation.current_locale(user, app) == expected


def test_overrides_d_counts_and_overrides_json_comes_last(tmp_path: Path) -> None:
    app = tmp_path / "app"
    override(app, "ru_RU", "overrides.d/10-site.json")
    assert translation.current_locale(tmp_path / "user", app) == "ru_RU"
    override(app, "en", "overrides.json")
    assert translation.current_locale(tmp_path / "user", app) == "en"


def test_an_unreadable_settings_file_is_no_choice(tmp_path: Path) -> None:
    user, app = tmp_path / "user", tmp_path / "app"
    (user / translation.SETTINGS_FILE).parent.mkdir(parents=True)
    (user / translation.SETTINGS_FILE).write_text("{not json", encoding="utf-8")
    override(app, "ru_RU")
    assert translation.current_locale(user, app) == "ru_RU"


def test_the_folders_of_the_running_jupyterlab_are_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(translation, "_folders", {})
    user, app = tmp_path / "configured-user", tmp_path / "configured-app"
    lab = types.SimpleNamespace(user_settings_dir=str(user), app_settings_dir=str(app))
    translation.use_settings_of([object(), lab])
    override(app, "ru_RU")
    assert translation.current_locale() == "ru_RU"
    choose(user, "en")
    assert translation.current_locale() == "en"
    assert translation.word("no such sentence") == "no such sentence"


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    locale=st.text(max_size=20),
    content=st.one_of(st.none(), st.text(max_size=80), st.binary(max_size=40)),
)
def test_any_settings_file_gives_one_language_and_never_fails(
    tmp_path_factory: pytest.TempPathFactory, locale: str, content: str | bytes | None
) -> None:
    root = tmp_path_factory.mktemp("lang")
    user, app = root / "user", root / "app"
    path = user / translation.SETTINGS_FILE
    path.parent.mkdir(parents=True)
    if content is None:
        path.write_text(json.dumps({"locale": locale}), encoding="utf-8")
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    chosen = translation.current_locale(user, app)
    assert isinstance(chosen, str) and chosen
    if content is None:
        is_name = re.fullmatch(r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})*", locale)
        assert chosen == (locale.replace("-", "_") if is_name else "en")
    # Whatever the file says, a sentence comes back (English when no catalog).
    assert translation.word("no such sentence", chosen) == "no such sentence"
