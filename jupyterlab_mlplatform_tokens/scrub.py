"""Redaction on save: saved token values never reach a notebook or text file on disk.

A contents pre-save hook replaces every exact occurrence of every saved token's
value (all tokens in the vault, not only the active one) with
``[MLP token redacted]`` before the file is written, so neither the file nor
the checkpoint made from it carries one. It looks at every string of a
notebook (cell sources, outputs of every kind, metadata, attachments; keys
too) and at the content of text files.

What it does is recorded (path, count, time, never the value) in a small
in-memory log that the frontend reads to tell the user.

Failure policy: the replacement is a plain regular-expression substitution
over strings and cannot fail in practice. If something unexpected happens
anyway, the hook logs the error's type (never a value), records a ``failed``
entry so the user is told, and lets the save go ahead unchanged: refusing to
save would put unsaved work at risk, and the file stays on the user's own
server, owner-readable like the vault itself.
"""

from __future__ import annotations

import itertools
import logging
import re
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .validate import now_timestamp

REDACTED = "[MLP token redacted]"

#: Values shorter than this are not redacted: replacing every occurrence of a
#: very short string would mangle ordinary text, and real tokens are far longer.
MIN_REDACT_LENGTH = 8

#: How many redaction records are kept for the frontend.
LOG_SIZE = 50

_LOG = logging.getLogger(__name__)


def compile_values(values: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern matching any of the values (longest first), or None when none qualifies."""
    unique = sorted(
        {value for value in values if len(value) >= MIN_REDACT_LENGTH},
        key=lambda value: (-len(value), value),
    )
    if not unique:
        return None
    return re.compile("|".join(re.escape(value) for value in unique))


def redact_text(text: str, pattern: re.Pattern[str] | None) -> tuple[str, int]:
    """``text`` with every match replaced, and the number of replacements."""
    if pattern is None:
        return text, 0
    return pattern.subn(REDACTED, text)


def redact_json(root: Any, pattern: re.Pattern[str] | None) -> tuple[Any, int]:
    """Redact every string of a JSON-like tree (dicts, lists, strings), keys included.

    Containers are changed in place; the (possibly new) root is returned with the count.
    Iterative, so deeply nested documents cannot exhaust the stack.
    """
    if pattern is None:
        return root, 0
    if isinstance(root, str):
        return redact_text(root, pattern)
    count = 0
    pending: list[Any] = [root]
    seen: set[int] = set()
    while pending:
        node = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, dict):
            count += _redact_dict(node, pattern, pending)
        elif isinstance(node, list):
            count += _redact_list(node, pattern, pending)
    return root, count


def _redact_dict(node: dict[Any, Any], pattern: re.Pattern[str], pending: list[Any]) -> int:
    count = 0
    for key in list(node):
        item = node[key]
        if isinstance(item, str):
            new_item, found = pattern.subn(REDACTED, item)
            if found:
                node[key] = new_item
                count += found
        elif isinstance(item, (dict, list)):
            pending.append(item)
        if isinstance(key, str):
            new_key, found = pattern.subn(REDACTED, key)
            if found:
                node[new_key] = node.pop(key)
                count += found
    return count


def _redact_list(node: list[Any], pattern: re.Pattern[str], pending: list[Any]) -> int:
    count = 0
    for index, item in enumerate(node):
        if isinstance(item, str):
            new_item, found = pattern.subn(REDACTED, item)
            if found:
                node[index] = new_item
                count += found
        elif isinstance(item, (dict, list)):
            pending.append(item)
    return count


def redact_model(model: dict[str, Any], pattern: re.Pattern[str] | None) -> int:
    """Redact a contents model in place (notebooks and text files); returns the count."""
    content = model.get("content")
    kind = model.get("type")
    if kind == "notebook" and isinstance(content, (dict, list)):
        return redact_json(content, pattern)[1]
    if kind == "file" and model.get("format") in (None, "text") and isinstance(content, str):
        model["content"], count = redact_text(content, pattern)
        return count
    return 0


@dataclass(frozen=True)
class Redaction:
    """One save that was changed (or could not be checked)."""

    id: int
    path: str
    count: int
    time: str
    status: str  # "redacted" or "failed"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "path": self.path,
            "count": self.count,
            "time": self.time,
            "status": self.status,
        }


class RedactionLog:
    """The last few redactions, newest last; ids grow so a reader can ask for newer ones."""

    def __init__(self, size: int = LOG_SIZE) -> None:
        self._entries: deque[Redaction] = deque(maxlen=size)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def add(self, path: str, count: int, status: str) -> Redaction:
        with self._lock:
            entry = Redaction(next(self._ids), path, count, now_timestamp(), status)
            self._entries.append(entry)
        return entry

    def after(self, last_id: int = 0) -> list[Redaction]:
        with self._lock:
            return [entry for entry in self._entries if entry.id > last_id]


class Scrubber:
    """The pre-save hook; register :meth:`hook` with the contents manager."""

    def __init__(
        self,
        values: Callable[[], Iterable[str]],
        records: RedactionLog,
        log: logging.Logger | None = None,
    ) -> None:
        self._values = values
        self.records = records
        self._log = log or _LOG
        self._compiled: tuple[frozenset[str], re.Pattern[str] | None] = (frozenset(), None)

    def hook(self, model: dict[str, Any], path: str, **_: Any) -> None:
        """Redact ``model`` in place before it is saved at ``path``; never raises."""
        try:
            count = redact_model(model, self._pattern())
        except Exception as error:
            self._log.error(
                "Could not check %s for saved token values (%s); it was saved unchanged.",
                path,
                type(error).__name__,
            )
            self.records.add(path, 0, "failed")
            return
        if count:
            self._log.info("Redacted %d saved token value(s) from %s before saving.", count, path)
            self.records.add(path, count, "redacted")

    def _pattern(self) -> re.Pattern[str] | None:
        values = frozenset(self._values())
        if values != self._compiled[0]:
            self._compiled = (values, compile_values(values))
        return self._compiled[1]
