"""Figures the security suites measure, printed as small tables at the end of the run."""

from __future__ import annotations

from collections.abc import Callable

#: suite title -> ordered (figure, value, target) rows
TABLES: dict[str, dict[str, tuple[object, str]]] = {}


def record(suite: str, figure: str, value: object, target: str = "") -> None:
    """Set one figure of a suite (the last value recorded wins)."""
    TABLES.setdefault(suite, {})[figure] = (value, target)


def add(suite: str, figure: str, amount: int = 1, target: str = "") -> None:
    """Add to a counting figure."""
    table = TABLES.setdefault(suite, {})
    value, old_target = table.get(figure, (0, target))
    assert isinstance(value, int)
    table[figure] = (value + amount, target or old_target)


def render(write: Callable[[str], None]) -> None:
    """Write every table: figure, value, target."""
    for suite, rows in TABLES.items():
        width = max([len(name) for name in rows] + [len("figure")])
        write(f"\n{suite}")
        write(f"  {'figure'.ljust(width)}  {'value':>8}  target")
        for name, (value, target) in rows.items():
            write(f"  {name.ljust(width)}  {value!s:>8}  {target}")
