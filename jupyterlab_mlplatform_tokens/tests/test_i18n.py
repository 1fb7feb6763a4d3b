"""The Russian catalog of the frontend is complete, current and what JupyterLab reads.

Fails when a msgid in ``src/`` has no Russian translation, when the catalog has
entries no longer in ``src/`` (or lacks some that are), when a translation
loses a placeholder or is left in English, and when a user-visible string in
``src/`` bypasses ``trans`` (JSX text, ``textContent``, ``title`` /
``aria-label`` / ``placeholder``, dialog and command options, Notification
messages). ``python scripts/i18n/catalog.py check`` says the same from the
command line; ``extract`` and ``compile`` fix most of it.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest
from jupyterlab_server import translation_utils

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = "jupyterlab_mlplatform_tokens"


def _load_catalog_module() -> Any:
    path = ROOT / "scripts" / "i18n" / "catalog.py"
    spec = importlib.util.spec_from_file_location("mlp_tokens_catalog", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


catalog = _load_catalog_module()
RU = catalog.LANGUAGES["ru_RU"]


@pytest.fixture(scope="module")
def scanned() -> dict[str, Any]:
    return catalog.scan_sources()


@pytest.fixture(scope="module")
def problems(scanned: dict[str, Any]) -> dict[str, list[str]]:
    return catalog.check(RU, scanned)


def _say(items: list[str]) -> str:
    return "\n".join(items) + "\n(python scripts/i18n/catalog.py check lists them all)"


def test_no_user_visible_string_bypasses_translation(problems: dict[str, list[str]]) -> None:
    assert problems["source"] == [], _say(problems["source"])


def test_every_msgid_in_src_has_a_russian_translation(problems: dict[str, list[str]]) -> None:
    assert problems["missing"] == [], _say(problems["missing"])
    assert problems["untranslated"] == [], _say(problems["untranslated"])


def test_the_catalog_has_no_stale_entries(problems: dict[str, list[str]]) -> None:
    assert problems["stale"] == [], _say(problems["stale"])


def test_translations_keep_placeholders_and_are_russian(problems: dict[str, list[str]]) -> None:
    assert problems["placeholders"] == [], _say(problems["placeholders"])
    assert problems["english"] == [], _say(problems["english"])
    assert problems["header"] == [], _say(problems["header"])
    assert problems["generated"] == [], _say(problems["generated"])


def test_the_catalog_is_complete(scanned: dict[str, Any]) -> None:
    total, translated = catalog.stats(RU, scanned)
    assert total > 200
    assert translated == total


def test_the_scanner_finds_what_bypasses_translation(tmp_path: Path) -> None:
    """The check can fail: each kind of bypass in a sample is reported."""
    sample = tmp_path / "src"
    sample.mkdir()
    (sample / "sample.tsx").write_text(
        "\n".join(
            [
                "export function A(p: any) {",
                "  Notification.error('Something failed');",
                "  node.textContent = 'Hello';",
                "  node.setAttribute('aria-label', 'Close');",
                "  showDialog({ title: 'Remove?', buttons: [Dialog.okButton({ label: 'OK' })] });",
                "  trans.__(`Hello ${p.name}`);",
                "  trans.__('%1 and %2', p.a);",
                "  node.title = 'x'; // i18n-ignore: not a sentence",
                "  return <div title='Tip' placeholder={p.x ?? 'Fallback'}>Hello there</div>;",
                "}",
            ]
        ),
        encoding="utf-8",
    )
    result = catalog.run_scanner([str(sample)])
    found = {(p["line"], p["kind"]) for p in result["problems"]}
    assert found == {
        (2, "notification"),
        (3, "property"),
        (4, "attribute"),
        (5, "property"),
        (6, "call"),
        (7, "placeholder"),
        (9, "attribute"),
        (9, "jsx-text"),
    }, result["problems"]
    assert len([p for p in result["problems"] if p["line"] == 5]) == 2
    assert len([p for p in result["problems"] if p["line"] == 9 and p["kind"] == "attribute"]) == 2


def test_the_check_reports_untranslated_stale_and_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    po = tmp_path / "ru.po"
    entries = [
        ("Save", "Сохранить"),
        ("Cancel", ""),
        ("Gone from src", "Устарело"),
        ("Server extension", "Server extension"),
        ("Saved %1.", "Сохранено."),
    ]
    text = (
        'msgid ""\nmsgstr ""\n'
        f'"Language: ru_RU\\n"\n"Plural-Forms: {RU.plural_forms}\\n"\n'
        '"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    )
    text += "".join(f'msgid "{a}"\nmsgstr "{b}"\n\n' for a, b in entries)
    po.write_text(text, encoding="utf-8")
    monkeypatch.setattr(catalog, "po_path", lambda locale: po)
    monkeypatch.setattr(catalog, "json_path", lambda locale: tmp_path / "absent.json")
    sources = {
        "messages": [
            {"msgctxt": None, "msgid": m, "msgid_plural": None, "files": [], "comments": []}
            for m in ("Save", "Cancel", "Server extension", "Saved %1.", "New in src")
        ],
        "problems": [],
    }
    found = catalog.check(RU, sources)
    assert found["untranslated"] == ["'Cancel'"]
    assert [p.split(" ")[0] for p in found["stale"]] == ["'Gone"]
    assert [p.split(" ")[0] for p in found["missing"]] == ["'New"]
    assert len(found["english"]) == 1 and "Server extension" in found["english"][0]
    assert len(found["placeholders"]) == 1 and "Saved %1." in found["placeholders"][0]


def test_the_json_has_the_header_and_keys_jupyterlab_reads() -> None:
    data = catalog.compile_catalog(RU)
    head = data[""]
    # JupyterLab files the catalog under this language and ignores it when
    # it is spelled with an underscore.
    assert head["language"] == "ru-RU"
    assert head["domain"] == DOMAIN
    assert head["plural_forms"] == RU.plural_forms
    # The check @jupyterlab/translation makes before it evaluates the formula.
    assert re.fullmatch(
        r"\s*nplurals\s*=\s*\d+\s*;\s*plural\s*=[\s\-?|&=!<>+*/%:;n0-9_()]+", head["plural_forms"]
    )
    assert data["Cancel"] == ["Отмена"]
    assert data["unit of time\u0004h"] == ["ч"]
    assert data["expires in %1 day"] == [
        "истекает через %1 день",
        "истекает через %1 дня",
        "истекает через %1 дней",
    ]
    assert all(isinstance(v, list) and v for k, v in data.items() if k)


def test_jupyterlab_server_finds_the_json_where_the_build_writes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The path and file name are the ones the server reads for a package."""
    package = tmp_path / DOMAIN
    target = package / catalog.json_path("ru_RU").relative_to(ROOT / catalog.PACKAGE)
    target.parent.mkdir(parents=True)
    target.write_text(catalog.render(catalog.compile_catalog(RU)), encoding="utf-8")
    monkeypatch.setattr(
        translation_utils, "_get_installed_package_locales", lambda: ({DOMAIN: str(package)}, "")
    )
    data, message = translation_utils.get_installed_packages_locale("ru_RU")
    assert message == ""
    assert data[DOMAIN][""]["language"] == "ru-RU"


def test_the_installed_package_declares_its_catalog() -> None:
    """pyproject.toml's jupyterlab.locale entry point, named after the domain."""
    found = {e.name: e.value for e in entry_points(group="jupyterlab.locale")}
    assert found.get(DOMAIN) == "jupyterlab_mlplatform_tokens", (
        "the installed package has no jupyterlab.locale entry point "
        f"'{DOMAIN} = jupyterlab_mlplatform_tokens' (pyproject.toml, then reinstall)"
    )
    module_dir = Path(entry_points(group="jupyterlab.locale")[DOMAIN].load().__file__).parent
    generated = module_dir / "locale" / "ru_RU" / "LC_MESSAGES" / f"{DOMAIN}.json"
    assert generated.is_file(), f"{generated} was not built (scripts/i18n/hatch_build.py)"
    assert json.loads(generated.read_text(encoding="utf-8"))[""]["language"] == "ru-RU"


#: Wordings the Russian texts do not use, with the one they use instead.
DISALLOWED = [
    (re.compile("ё|Ё"), "the letter without dots, as in the vendor's documentation"),
    # "Подписан" (a certificate signed by a CA) is another word.
    (re.compile(r"\b[Пп]одпис(?!ан)\w*"), "«метка» for a token's label"),
    (re.compile(r"(?i)(?<!\w)автор(?!изац)\w*"), "«кем выпущен» for the issuer"),
    (re.compile(r"\b[Вв]ыпустил\w*"), "«кем выпущен» for the issuer"),
    (re.compile(r"(?i)время жизни[^.;—]*истекл\w*"), "«срок действия … истек» for an expiry"),
    (re.compile(r"(?i)истёк|истекш\w*\s+сроком"), "«срок действия … истек»"),
]


def _russian_texts() -> list[tuple[str, str]]:
    """Every Russian translation of the catalog, and the Russian documents."""
    po = catalog.load(RU)
    texts = []
    for entry in po:
        if entry.obsolete:
            continue
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            if text:
                texts.append((f"msgid {entry.msgid!r}", text))
    for name in (
        "README.ru.md",
        "docs/admin.ru.md",
        "docs/security.ru.md",
        "docs/jupyterhub.ru.md",
    ):
        texts.append((name, (ROOT / name).read_text(encoding="utf-8")))
    return texts


def test_the_russian_wording_is_consistent() -> None:
    found = [
        f"{where}: {match.group(0)!r} (use {instead})"
        for where, text in _russian_texts()
        for pattern, instead in DISALLOWED
        for match in pattern.finditer(text)
    ]
    assert not found, _say(found)


def test_the_consistency_check_can_fail() -> None:
    samples = [
        "Сохранённые токены",
        "Подпись пустая.",
        "Имя, автор или роль",
        "выпустил: %1",
        "Время жизни этого токена истекло.",
    ]
    for sample in samples:
        assert any(pattern.search(sample) for pattern, _ in DISALLOWED), sample
    assert not any(
        pattern.search("Срок действия этого токена истек; время жизни — 2h.")
        for pattern, _ in DISALLOWED
    )
