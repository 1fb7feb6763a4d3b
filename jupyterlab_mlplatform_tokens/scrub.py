"""Redaction on save: saved token values never reach a notebook or text file on disk.

A contents pre-save hook replaces every occurrence of every known token value,
as it is or with ``"`` and ``\\`` backslash-escaped (as JSON and string literals
write it), with ``[MLP token redacted]`` before the file is written, so neither
the file nor the checkpoint made from it carries one. It looks at every string of a
notebook (cell sources, outputs of every kind, metadata, attachments; keys
too) and at the content of text files. Where the marker itself could spell a
value with the text next to it (a value such as ``redacted``, or one that ends
with ``[ML`` or starts with ``ted]``), :data:`SAFE_REDACTED`, which no value can
overlap, is used instead.

Which values: on every save, the union of

- the values in the vault, read now (all saved tokens, not only the active one);
- every value this server process has seen before, in the vault or in its
  environment (kept in memory only, never written anywhere), so a token removed
  from the vault, or lost when a damaged vault file was set aside, stays
  redacted until the server restarts: kernels and open notebooks may still hold
  it, and removing it here does not revoke it at the ML Platform;
- the values of the configured environment variables (``env_names``, by default
  ``MLP_REFRESH_TOKEN``) in the server's ``os.environ`` at save time, such as a
  token the hub started the server with.

Failure policy: redaction fails closed. The vault is read in a worker thread
and waited for at most :data:`READ_TIMEOUT` seconds (the check runs on a worker
thread when the save goes through :mod:`.uploads`' wrapper around the contents
manager's ``save``, as it does for the contents API; a pre-save hook runs on the
server's event loop). If the read fails or takes longer, the save goes on with
the values known from before and from the environment, the error's type (never
its text, which could name a value) is logged with the path and the number of
values used, and the save is recorded as ``fallback``. If the replacement itself
fails unexpectedly (it cannot in practice), the hook logs the error's type, records
a ``failed`` entry and lets the save go ahead: refusing to save would put unsaved
work at risk.

What it does is recorded (path, count, time, status, never the value) in a
small in-memory log, served at ``GET /mlplatform-tokens/redactions``. Statuses:
``redacted`` (values were replaced), ``fallback`` (the vault could not be read;
the count says how many known values were replaced, possibly none) and
``failed`` (the file could not be checked and was saved unchanged).
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from .validate import now_timestamp

REDACTED = "[MLP token redacted]"

#: What replaces values that could combine with :data:`REDACTED` and the text around it
#: into a value again (one that ends with ``[MLP``'s start, begins with the end of
#: ``redacted]``, or is part of it). Values hold no spaces and every word here is
#: shorter than :data:`MIN_REDACT_LENGTH`, so no value can overlap it.
SAFE_REDACTED = " [MLP token hidden] "

#: Values shorter than this are not redacted: replacing every occurrence of a
#: very short string would mangle ordinary text, and real tokens are far longer.
MIN_REDACT_LENGTH = 8

#: How many redaction records are kept for the frontend.
LOG_SIZE = 50

#: Longest wait, in seconds, for the vault during one save.
READ_TIMEOUT = 2.0

#: Most values remembered from earlier reads (the oldest are forgotten first).
MAX_REMEMBERED = 200

#: Statuses of :class:`Redaction` entries.
REDACTED_STATUS = "redacted"
FALLBACK_STATUS = "fallback"
FAILED_STATUS = "failed"

_LOG = logging.getLogger(__name__)

#: ``id(model)`` while a contents manager saves a model that was checked before its
#: save began (off the event loop, see :mod:`.uploads`): the pre-save hooks skip it.
CHECKED: ContextVar[int | None] = ContextVar("mlp_checked_model", default=None)


@dataclass(frozen=True)
class Redactor:
    """The values to redact, compiled for text and for the bytes of uploaded files.

    Each value is found as it is and in the form JSON (and most languages' string
    literals) write it, with ``"`` and ``\\`` escaped by a backslash. Nothing of it
    shows in ``repr``.
    """

    values: frozenset[str] = field(repr=False)
    #: Any value in a string (longest first).
    text: re.Pattern[str] = field(repr=False)
    #: Any value in ASCII-compatible bytes (UTF-8, Latin-1, Windows-1251, ...).
    ascii: re.Pattern[bytes] = field(repr=False)
    #: Any value in UTF-16 (either byte order): found in uploads, never rewritten.
    wide: re.Pattern[bytes] = field(repr=False)
    #: One byte less than the longest match, in bytes: what must overlap between pieces.
    window: int
    #: What replaces a value: :data:`REDACTED`, or :data:`SAFE_REDACTED` for values that
    #: could be spelt again by :data:`REDACTED` and its neighbours.
    marker: str = REDACTED

    def subn(self, text: str) -> tuple[str, int]:
        return self.text.subn(self.marker, text)


def escaped(value: str) -> str:
    """``value`` as a JSON string's content: ``"`` and ``\\`` escaped."""
    return value.replace("\\", "\\\\").replace('"', '\\"')


def compile_values(values: Iterable[str]) -> Redactor | None:
    """The redactor for ``values``, or None when none is long enough to redact."""
    unique = frozenset(value for value in values if len(value) >= MIN_REDACT_LENGTH)
    if not unique:
        return None
    forms = _longest_first({form for value in unique for form in (value, escaped(value))})
    # Values are printable ASCII (the vault accepts nothing else); a value from the
    # environment that is not cannot occur in ASCII bytes and is redacted from text only.
    ascii_forms = _longest_first(form.encode("ascii") for form in forms if form.isascii())
    wide_forms = _longest_first(
        form.encode(codec)
        for form in forms
        if form.isascii()
        for codec in ("utf-16-le", "utf-16-be")
    )
    never = b"(?!)"  # matches nothing
    return Redactor(
        values=unique,
        text=re.compile("|".join(re.escape(form) for form in forms)),
        ascii=re.compile(b"|".join(re.escape(form) for form in ascii_forms) or never),
        wide=re.compile(b"|".join(re.escape(form) for form in wide_forms) or never),
        window=max((len(form) for form in wide_forms), default=1) - 1,
        marker=SAFE_REDACTED if any(_spelt_by(REDACTED, form) for form in forms) else REDACTED,
    )


def _spelt_by(marker: str, form: str) -> bool:
    """Whether ``form`` could occur where ``marker`` replaced something: inside it, or
    made of one of its ends and the text next to it."""
    if form in marker:
        return True
    longest = min(len(form) - 1, len(marker))
    return any(
        marker.endswith(form[:size]) or marker.startswith(form[-size:])
        for size in range(1, longest + 1)
    )


def _longest_first(forms: Iterable[Any]) -> list[Any]:
    return sorted(set(forms), key=lambda form: (-len(form), form))


def redact_text(text: str, pattern: Redactor | None) -> tuple[str, int]:
    """``text`` with every match replaced, and the number of replacements."""
    if pattern is None:
        return text, 0
    return pattern.subn(text)


def redact_json(root: Any, pattern: Redactor | None) -> tuple[Any, int]:
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


def _redact_dict(node: dict[Any, Any], pattern: Redactor, pending: list[Any]) -> int:
    count = 0
    for key in list(node):
        item = node[key]
        if isinstance(item, str):
            new_item, found = pattern.subn(item)
            if found:
                node[key] = new_item
                count += found
        elif isinstance(item, (dict, list)):
            pending.append(item)
        if isinstance(key, str):
            new_key, found = pattern.subn(key)
            if found:
                node[new_key] = node.pop(key)
                count += found
    return count


def _redact_list(node: list[Any], pattern: Redactor, pending: list[Any]) -> int:
    count = 0
    for index, item in enumerate(node):
        if isinstance(item, str):
            new_item, found = pattern.subn(item)
            if found:
                node[index] = new_item
                count += found
        elif isinstance(item, (dict, list)):
            pending.append(item)
    return count


def is_text_model(model: dict[str, Any]) -> bool:
    """Whether ``model`` is a whole notebook or text file (not an upload, not a chunk)."""
    if model.get("chunk") is not None:
        return False
    content = model.get("content")
    kind = model.get("type")
    if kind == "notebook":
        return isinstance(content, (dict, list))
    return kind == "file" and model.get("format") in (None, "text") and isinstance(content, str)


def redact_model(model: dict[str, Any], pattern: Redactor | None) -> int:
    """Redact a notebook or text file model in place; returns the count (0 for others)."""
    if not is_text_model(model):
        return 0
    content = model["content"]
    if model.get("type") == "notebook":
        return redact_json(content, pattern)[1]
    model["content"], count = redact_text(content, pattern)
    return count


@dataclass(frozen=True)
class Redaction:
    """One save that was changed (or could not be checked)."""

    id: int
    path: str
    count: int
    time: str
    status: str  # "redacted", "fallback" or "failed"

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


class KnownValues:
    """The values to redact: the vault's now, those seen before, and the environment's."""

    def __init__(
        self,
        read: Callable[[], Iterable[str]],
        env_names: Sequence[str] = (),
        environ: Mapping[str, str] | None = None,
        timeout: float = READ_TIMEOUT,
    ) -> None:
        self._read = read
        self._env_names = tuple(env_names)
        self._environ = os.environ if environ is None else environ
        self._timeout = timeout
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()
        self._pending: Future[list[str]] | None = None
        self._deadline = 0.0  # when the pending read stops being waited for

    def current(self) -> tuple[frozenset[str], str | None]:
        """Every value to redact now, and the type name of the read's error (None if it worked)."""
        failure = None
        try:
            self._learn(self._read_vault())
        except Exception as error:  # any failure: use what is known
            failure = type(error).__name__
        self._learn(
            value
            for value in (self._environ.get(name) for name in self._env_names)
            if isinstance(value, str)
        )
        with self._lock:
            return frozenset(self._seen), failure

    def _read_vault(self) -> list[str]:
        """Read in a worker thread, one read at a time; wait at most ``timeout`` from the
        read's start, so a stuck vault delays one save, and later ones go on at once."""
        with self._lock:
            pending = self._pending
            if pending is None or pending.done():
                pending = Future()
                self._pending = pending
                self._deadline = time.monotonic() + self._timeout
                threading.Thread(
                    target=self._run, args=(pending,), name="mlp-vault-read", daemon=True
                ).start()
            deadline = self._deadline
        return pending.result(timeout=max(0.0, deadline - time.monotonic()))

    def _run(self, pending: Future[list[str]]) -> None:
        try:
            values = [value for value in self._read() if isinstance(value, str)]
            self._learn(values)  # also when the save stopped waiting
        except BaseException as error:
            pending.set_exception(error)
            return
        pending.set_result(values)

    def learn(self, values: Iterable[str]) -> None:
        """Remember ``values`` (the vault service calls this with every state it writes)."""
        self._learn(values)

    def _learn(self, values: Iterable[str]) -> None:
        with self._lock:
            for value in values:
                if len(value) >= MIN_REDACT_LENGTH:
                    self._seen[value] = None
                    self._seen.move_to_end(value)
            while len(self._seen) > MAX_REMEMBERED:
                self._seen.popitem(last=False)


class Scrubber:
    """The pre-save hook; register :meth:`hook` with the contents manager."""

    def __init__(
        self,
        values: Callable[[], Iterable[str]],
        records: RedactionLog,
        log: logging.Logger | None = None,
        *,
        env_names: Sequence[str] = (),
        environ: Mapping[str, str] | None = None,
        read_timeout: float = READ_TIMEOUT,
    ) -> None:
        """``values`` reads the vault's values (it may raise); ``env_names`` are the
        environment variables whose values are redacted too."""
        self.known = KnownValues(values, env_names, environ, read_timeout)
        self.records = records
        self._log = log or _LOG
        self._compiled: tuple[frozenset[str], Redactor | None] = (frozenset(), None)

    def hook(self, model: dict[str, Any], path: str, **_: Any) -> None:
        """Redact ``model`` in place before it is saved at ``path``; never raises.

        Notebooks and text files only; uploads (base64 content) and files sent in
        chunks are the business of :mod:`.uploads`.
        """
        if CHECKED.get() == id(model) or not is_text_model(model):
            return
        try:
            pattern, complete = self.lookup(path)
            count = redact_model(model, pattern)
        except Exception as error:
            self._log.error(
                "Could not check %s for saved token values (%s); it was saved unchanged.",
                path,
                type(error).__name__,
            )
            self.records.add(path, 0, FAILED_STATUS)
            return
        self.report(path, count, complete)

    def lookup(self, path: str) -> tuple[Redactor | None, bool]:
        """The pattern for a save at ``path``, and whether the vault could be read."""
        values, failure = self.known.current()
        if failure is not None:
            self._log.warning(
                "The token vault could not be read while saving %s (%s); "
                "%d value(s) known from before and from the environment are redacted.",
                path,
                failure,
                len(values),
            )
        if values != self._compiled[0]:
            self._compiled = (values, compile_values(values))
        return self._compiled[1], failure is None

    def report(self, path: str, count: int, complete: bool) -> None:
        """Log and record what a save changed."""
        if count:
            self._log.info("Redacted %d saved token value(s) from %s before saving.", count, path)
        if not complete:
            self.records.add(path, count, FALLBACK_STATUS)
        elif count:
            self.records.add(path, count, REDACTED_STATUS)
