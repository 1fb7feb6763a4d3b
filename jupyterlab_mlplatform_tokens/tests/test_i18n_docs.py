"""The Russian documents have the same sections as the English ones.

Each pair must have the same headings at the same levels in the same order,
and in each section the same number of code blocks and tables, so a section
added, removed or moved in one language and not the other fails here. The
English documents link to the Russian ones and back.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAIRS = [
    ("README.md", "README.ru.md"),
    ("docs/admin.md", "docs/admin.ru.md"),
    ("docs/security.md", "docs/security.ru.md"),
    ("docs/jupyterhub.md", "docs/jupyterhub.ru.md"),
]


def outline(text: str) -> list[tuple[int, int, int]]:
    """(heading level, code blocks, tables) of each section, in order."""
    sections = [[0, 0, 0]]
    fenced = False
    in_table = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            if not fenced:
                sections[-1][1] += 1
            fenced = not fenced
            continue
        if fenced:
            continue
        heading = re.match(r"(#{1,6}) \S", line)
        if heading:
            sections.append([len(heading.group(1)), 0, 0])
            in_table = False
            continue
        is_table_row = line.startswith("|")
        if is_table_row and not in_table:
            sections[-1][2] += 1
        in_table = is_table_row
    return [tuple(section) for section in sections]


@pytest.mark.parametrize(("english", "russian"), PAIRS)
def test_both_languages_have_the_same_sections(english: str, russian: str) -> None:
    en = outline((ROOT / english).read_text(encoding="utf-8"))
    ru = outline((ROOT / russian).read_text(encoding="utf-8"))
    assert [s[0] for s in ru] == [s[0] for s in en], f"{russian} has other headings than {english}"
    assert ru == en, f"{russian} differs from {english} in code blocks or tables per section"


def _before_first_section(text: str) -> list[str]:
    lines = text.splitlines()
    ends = [i for i, line in enumerate(lines) if line.startswith("## ")]
    return lines[: ends[0] if ends else len(lines)]


@pytest.mark.parametrize(("english", "russian"), PAIRS)
def test_the_two_languages_link_to_each_other(english: str, russian: str) -> None:
    en_head = _before_first_section((ROOT / english).read_text(encoding="utf-8"))
    ru_head = _before_first_section((ROOT / russian).read_text(encoding="utf-8"))
    assert any(f"]({Path(russian).name})" in line for line in en_head), english
    assert any(f"]({Path(english).name})" in line for line in ru_head), russian


def test_the_outline_sees_sections_code_and_tables() -> None:
    text = "# A\n\n```bash\n# not a heading\n```\n\n## B\n\n| a |\n| - |\n\ntext\n\n| b |\n"
    assert outline(text) == [(0, 0, 0), (1, 1, 0), (2, 0, 2)]
