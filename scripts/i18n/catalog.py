"""The translation catalogs of the frontend.

The source of truth of each language is a gettext catalog in the repository,
``locale/<ll_CC>/LC_MESSAGES/jupyterlab_mlplatform_tokens.po``. This script

- ``extract``: reads every ``trans.__`` / ``trans._n`` / ``trans._p`` /
  ``trans._np`` call in ``src/`` (through ``scan.mjs``, the TypeScript parser)
  and brings the catalogs up to date: new msgids are added untranslated,
  msgids no longer in the sources are dropped (and listed), translations of
  the others are kept;
- ``compile``: writes the JSON that JupyterLab reads,
  ``jupyterlab_mlplatform_tokens/locale/<ll_CC>/LC_MESSAGES/<domain>.json``
  (generated in the build, not kept in git);
- ``check``: exits 1 and says what is wrong when a msgid has no translation,
  the catalog has stale or missing entries, a translation loses a
  placeholder or is left in English, or a user-visible string in ``src/``
  bypasses the translation functions;
- ``stats``: prints how many msgids each catalog has and how many are
  translated.

    python scripts/i18n/catalog.py extract|compile|check|stats [--locale ru_RU]
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polib

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = "jupyterlab_mlplatform_tokens"
PACKAGE = "jupyterlab_mlplatform_tokens"
SCANNER = ROOT / "scripts" / "i18n" / "scan.mjs"


@dataclass(frozen=True)
class Language:
    """What a catalog of one language needs."""

    locale: str
    """The folder name, as JupyterLab's language packs name it: ``ru_RU``."""
    language: str
    """The JSON header's language, with a hyphen (JupyterLab ignores the
    catalog otherwise): ``ru-RU``."""
    nplurals: int
    plural_forms: str
    team: str
    script: str
    """A regular expression matching a letter of the language's script: a
    translation whose words are all Latin is English left untranslated."""


LANGUAGES = {
    "ru_RU": Language(
        locale="ru_RU",
        language="ru-RU",
        nplurals=3,
        plural_forms=(
            "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
            "(n%100<10 || n%100>=20) ? 1 : 2);"
        ),
        team="Russian",
        script="[\u0400-\u04ff]",
    )
}

# Words that stay as they are in every language: product and company names,
# abbreviations, and names of variables, settings and commands.
NAMES = {
    "API",
    "ASCII",
    "Cloud",
    "HTTP",
    "Jupyter",
    "JupyterHub",
    "JupyterLab",
    "ML",
    "Platform",
    "URL",
    "VK",
}

PLACEHOLDER = re.compile(r"%(\d+)")
# A word of Latin letters (names with dots and underscores count as one).
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.:-]*[A-Za-z0-9_]|[A-Za-z]")


def po_path(locale: str) -> Path:
    return ROOT / "locale" / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def json_path(locale: str) -> Path:
    return ROOT / PACKAGE / "locale" / locale / "LC_MESSAGES" / f"{DOMAIN}.json"


def package_version() -> str:
    return json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["version"]


# --- Reading the sources -----------------------------------------------------


def scan_sources() -> dict[str, Any]:
    """Messages and problems of ``src/``, from the TypeScript parser, and the
    sentences the server part words itself (``server_text(...)`` in its Python)."""
    scanned = run_scanner(["src"])
    scanned["messages"] = [*scanned["messages"], *python_messages()]
    return scanned


#: The marker of a sentence the server words itself, and its catalog context
#: (``jupyterlab_mlplatform_tokens/translation.py``).
SERVER_MARKER = "server_text"
SERVER_CONTEXT = "server sentence"


def python_messages() -> list[dict[str, Any]]:
    """Each ``server_text("...")`` of the server part's Python, as a message."""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted((ROOT / PACKAGE).glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == SERVER_MARKER
                and len(node.args) == 1
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                continue
            msgid = node.args[0].value
            message = found.setdefault(
                msgid,
                {
                    "msgid": msgid,
                    "msgctxt": SERVER_CONTEXT,
                    "msgid_plural": None,
                    "files": [],
                    "comments": [
                        "TRANSLATORS: worded by the server in the JupyterLab language "
                        "and shown by JupyterLab's own UI."
                    ],
                },
            )
            relative = path.relative_to(ROOT).as_posix()
            if relative not in message["files"]:
                message["files"].append(relative)
    return list(found.values())


def run_scanner(dirs: list[str]) -> dict[str, Any]:
    """Messages and problems of the TypeScript files in ``dirs``."""
    node = shutil.which("node")
    if node is None:
        raise SystemExit("node is needed to read the TypeScript sources")
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [node, str(SCANNER), *dirs],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"scan.mjs failed:\n{result.stderr}")
    return json.loads(result.stdout)


def key_of(msgctxt: str | None, msgid: str) -> tuple[str, str]:
    return (msgctxt or "", msgid)


# --- The catalog ---------------------------------------------------------------


def header(language: Language) -> dict[str, str]:
    return {
        "Project-Id-Version": "jupyterlab-mlplatform-tokens",
        "Report-Msgid-Bugs-To": "",
        "Language-Team": language.team,
        "Language": language.locale,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": language.plural_forms,
    }


def load(language: Language) -> polib.POFile:
    path = po_path(language.locale)
    if path.exists():
        return polib.pofile(str(path), wrapwidth=78)
    catalog = polib.POFile(wrapwidth=78)
    catalog.header = f"{language.team} translation of the jupyterlab-mlplatform-tokens frontend."
    catalog.metadata = header(language)
    return catalog


def extract(language: Language, scanned: dict[str, Any] | None = None) -> list[str]:
    """Bring the catalog up to date with the sources; returns what changed."""
    scanned = scanned if scanned is not None else scan_sources()
    old = load(language)
    known = {key_of(e.msgctxt, e.msgid): e for e in old if not e.obsolete}
    catalog = polib.POFile(wrapwidth=78)
    catalog.header = old.header
    catalog.metadata = {**old.metadata, **header(language)}
    changes = []
    seen = set()
    for message in scanned["messages"]:
        key = key_of(message["msgctxt"], message["msgid"])
        seen.add(key)
        entry = known.get(key)
        plural = message["msgid_plural"]
        if entry is None:
            changes.append(f"added: {message['msgid']!r}")
            entry = polib.POEntry(msgid=message["msgid"], msgctxt=message["msgctxt"])
            if plural is not None:
                entry.msgid_plural = plural
                entry.msgstr_plural = dict.fromkeys(range(language.nplurals), "")
        elif (entry.msgid_plural or None) != plural:
            changes.append(f"plural changed: {message['msgid']!r}")
            entry.msgid_plural = plural or ""
            if plural is None:
                entry.msgstr = ""
                entry.msgstr_plural = {}
            else:
                entry.msgstr = ""
                entry.msgstr_plural = dict.fromkeys(range(language.nplurals), "")
        entry.occurrences = [(file, "") for file in message["files"]]
        entry.comment = "\n".join(message["comments"])
        catalog.append(entry)
    for key, entry in known.items():
        if key not in seen:
            changes.append(f"dropped (no longer in src/): {entry.msgid!r}")
    path = po_path(language.locale)
    path.parent.mkdir(parents=True, exist_ok=True)
    catalog.save(str(path))
    return changes


def is_translated(entry: polib.POEntry, language: Language) -> bool:
    if entry.obsolete or "fuzzy" in entry.flags:
        return False
    if entry.msgid_plural:
        forms = entry.msgstr_plural
        return len(forms) == language.nplurals and all(
            forms.get(i) for i in range(language.nplurals)
        )
    return bool(entry.msgstr)


def compile_catalog(language: Language) -> dict[str, Any]:
    """The JSON JupyterLab reads: a header and msgid → [forms]."""
    catalog = load(language)
    data: dict[str, Any] = {
        "": {
            "domain": DOMAIN,
            "language": language.language,
            "plural_forms": language.plural_forms,
            "version": package_version(),
        }
    }
    for entry in catalog:
        if not is_translated(entry, language):
            continue
        key = f"{entry.msgctxt}\u0004{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            data[key] = [entry.msgstr_plural[i] for i in range(language.nplurals)]
        else:
            data[key] = [entry.msgstr]
    return data


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def compile_all(locales: list[str] | None = None) -> list[Path]:
    """Write the JSON of every catalog; returns the files written."""
    written = []
    for locale in locales or sorted(LANGUAGES):
        language = LANGUAGES[locale]
        if not po_path(locale).exists():
            continue
        path = json_path(locale)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(compile_catalog(language)), encoding="utf-8")
        written.append(path)
    return written


# --- Checks ----------------------------------------------------------------------


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def untranslated_words(msgid: str, translation: str, language: Language) -> list[str]:
    """Latin words of the translation that are not names kept from the msgid."""
    kept = set(LATIN_WORD.findall(msgid))
    return [
        word for word in LATIN_WORD.findall(PLACEHOLDER.sub(" ", translation)) if word not in kept
    ]


def looks_english(msgid: str, translation: str, language: Language) -> bool:
    """True when the translation is English: it has ordinary (not name) words
    and none of them is in the language's script."""
    words = [w for w in LATIN_WORD.findall(PLACEHOLDER.sub(" ", msgid)) if w not in NAMES]
    if not words:
        return False
    return re.search(language.script, translation) is None


def check(language: Language, scanned: dict[str, Any] | None = None) -> dict[str, list[str]]:
    """Problems by kind; empty lists when all is well."""
    scanned = scanned if scanned is not None else scan_sources()
    problems: dict[str, list[str]] = {
        "source": [],
        "missing": [],
        "stale": [],
        "untranslated": [],
        "placeholders": [],
        "english": [],
        "header": [],
        "generated": [],
    }
    for problem in scanned["problems"]:
        problems["source"].append(
            f"{problem['file']}:{problem['line']}: {problem['kind']}: {problem['detail']}"
        )
    path = po_path(language.locale)
    if not path.exists():
        problems["missing"].append(f"{path.relative_to(ROOT)} does not exist (run extract)")
        return problems
    catalog = load(language)
    metadata = catalog.metadata
    if metadata.get("Plural-Forms") != language.plural_forms:
        problems["header"].append(
            f"Plural-Forms is {metadata.get('Plural-Forms')!r}, expected {language.plural_forms!r}"
        )
    if metadata.get("Language") != language.locale:
        problems["header"].append(f"Language is {metadata.get('Language')!r}")
    sources = {key_of(m["msgctxt"], m["msgid"]): m for m in scanned["messages"]}
    for entry in catalog:
        key = key_of(entry.msgctxt, entry.msgid)
        name = f"{entry.msgctxt}|{entry.msgid!r}" if entry.msgctxt else repr(entry.msgid)
        if entry.obsolete or key not in sources:
            problems["stale"].append(f"{name} is not in src/ any more (run extract)")
            continue
        wanted_plural = sources[key]["msgid_plural"]
        if (entry.msgid_plural or None) != wanted_plural:
            problems["stale"].append(f"{name}: the plural differs from src/ (run extract)")
            continue
        if not is_translated(entry, language):
            problems["untranslated"].append(name)
            continue
        expected = placeholders(entry.msgid) | placeholders(entry.msgid_plural or "")
        forms = (
            [entry.msgstr_plural[i] for i in range(language.nplurals)]
            if entry.msgid_plural
            else [entry.msgstr]
        )
        for index, form in enumerate(forms):
            label = f"{name} form {index}" if entry.msgid_plural else name
            found = placeholders(form)
            if found != expected:
                problems["placeholders"].append(
                    f"{label} has placeholders {sorted(found)}, the msgid {sorted(expected)}"
                )
            source = entry.msgid_plural or entry.msgid
            if looks_english(source, form, language):
                problems["english"].append(f"{label} is left in English: {form!r}")
            else:
                extra = untranslated_words(f"{entry.msgid} {entry.msgid_plural}", form, language)
                if extra:
                    problems["english"].append(
                        f"{label} has words that are neither translated nor in the msgid: {extra}"
                    )
    in_catalog = {key_of(e.msgctxt, e.msgid) for e in catalog if not e.obsolete}
    for key, message in sources.items():
        if key not in in_catalog:
            problems["missing"].append(f"{message['msgid']!r} is not in the catalog (run extract)")
    generated = json_path(language.locale)
    if generated.exists() and json.loads(generated.read_text(encoding="utf-8")) != compile_catalog(
        language
    ):
        problems["generated"].append(
            f"{generated.relative_to(ROOT)} is older than the catalog (run compile)"
        )
    return problems


def stats(language: Language, scanned: dict[str, Any] | None = None) -> tuple[int, int]:
    """Msgids in the sources, and how many of them the catalog translates."""
    scanned = scanned if scanned is not None else scan_sources()
    catalog = load(language)
    translated = {
        key_of(e.msgctxt, e.msgid) for e in catalog if is_translated(e, language) and not e.obsolete
    }
    keys = {key_of(m["msgctxt"], m["msgid"]) for m in scanned["messages"]}
    return len(keys), len(keys & translated)


# --- Command line ----------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["extract", "compile", "check", "stats"])
    parser.add_argument("--locale", action="append", choices=sorted(LANGUAGES))
    parser.add_argument(
        "--stdout", action="store_true", help="compile: print the JSON, write nothing"
    )
    args = parser.parse_args(argv)
    locales = args.locale or sorted(LANGUAGES)
    if args.command == "compile":
        if args.stdout:
            (locale,) = locales
            sys.stdout.write(render(compile_catalog(LANGUAGES[locale])))
        else:
            for path in compile_all(locales):
                print(f"wrote {path.relative_to(ROOT)}")
        return 0
    scanned = scan_sources()
    status = 0
    for locale in locales:
        language = LANGUAGES[locale]
        if args.command == "extract":
            changes = extract(language, scanned)
            print(f"{po_path(locale).relative_to(ROOT)}: {len(changes)} change(s)")
            for change in changes:
                print(f"  {change}")
        elif args.command == "stats":
            total, done = stats(language, scanned)
            share = 100 * done / total if total else 100.0
            print(f"{locale}: {total} msgids, {done} translated ({share:.1f} %)")
        else:
            problems = check(language, scanned)
            count = sum(len(items) for items in problems.values())
            print(f"{locale}: {count} problem(s)")
            for kind, items in problems.items():
                for item in items:
                    print(f"  {kind}: {item}")
            status = status or (1 if count else 0)
    return status


if __name__ == "__main__":
    sys.exit(main())
