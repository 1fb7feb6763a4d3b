"""The hostile-input corpus (``hostile-inputs.json``), shared with the jest suite."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FILE = Path(__file__).with_name("hostile-inputs.json")


@dataclass(frozen=True)
class Hostile:
    field: str
    value: str
    server: str
    client: str
    note: str

    @property
    def id(self) -> str:
        return f"{self.field}: {self.note}"


def _expand(value: Any) -> str:
    if isinstance(value, dict):
        return str(value["repeat"]) * int(value["times"])
    assert isinstance(value, str)
    return value


def load() -> tuple[list[Hostile], str]:
    """Every input, and the file that code in an input would create if it ran."""
    data = json.loads(FILE.read_text(encoding="utf-8"))
    inputs = [
        Hostile(
            field=item["field"],
            value=_expand(item["value"]),
            server=item["server"],
            client=item["client"],
            note=item["note"],
        )
        for item in data["inputs"]
    ]
    return inputs, data["sentinel"]
