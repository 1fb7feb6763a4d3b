"""Redaction of uploads: files sent whole and files sent in chunks.

JupyterLab's file browser uploads every file (notebooks, scripts, ``.env``
files, images) as ``type=file, format=base64``; a file over 1 MiB goes in 1 MiB
chunks numbered 1, 2, ... and -1 for the last, which the contents manager
(``LargeFileManager``) appends to the file one by one. Jupyter runs the
pre-save hooks only for a whole file and for chunk 1, so the chunks are
checked by a wrapper around the contents manager's ``save``.

What is done with a token value found in an upload:

- Text in an encoding in which ASCII bytes always mean ASCII characters
  (UTF-8, Latin-1, Windows-1251, KOI8-R, ...): token values are printable
  ASCII, so they are found in the bytes and replaced with
  ``[MLP token redacted]``; the rest of the file is written byte for byte.
- Anything else (a NUL byte in the file's first 8 KiB or in the piece where the
  value was found, i.e. binaries and UTF-16/UTF-32 text), and any value found
  encoded as UTF-16: the upload is refused with one sentence, because the file
  cannot be rewritten without breaking it. Nothing of a refused whole file is
  written; of a file refused part-way through its chunks, the part already
  written is removed. Values in compressed or otherwise encoded content (zip,
  docx, xlsx, gzip, base64 inside a file) are not seen.

Chunks: each chunk is checked together with the end of the file already on
disk (as many bytes as the longest value could span, read back from the file,
so a server restart between chunks loses nothing). A value that starts in
that end and continues in the new chunk is redacted by cutting the file back
to where the value starts and writing the redacted rest with the chunk, so no
value is ever on disk whole, not even between two chunks. When the last chunk
is written, the whole file is checked once more (streaming, off the event
loop, rewritten atomically only if something is found) if the values changed
during the upload or the chunks were not all seen by this process. Only the
beginning of a value can stay on disk, when an upload stops after the chunk
that holds it.

Where the checks run: the wrapper around ``save`` checks every model (notebooks
and text files through :class:`.scrub.Scrubber`, uploads and chunks here) before
the save begins, on a worker thread when the contents manager is asynchronous
(the server's default), so the event loop never waits for the vault or for a
large file; the pre-save hooks then skip that model. The hooks still check what
is saved without going through the wrapper. Each finished upload is recorded in
the redaction log; a refusal as ``refused``.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import functools
import inspect
import json
import logging
import os
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tornado import web

from .scrub import (
    CHECKED,
    FALLBACK_STATUS,
    REDACTED_STATUS,
    Redactor,
    Scrubber,
    is_text_model,
    redact_json,
)
from .translation import server_text, word

#: Status of a refused upload in the redaction log.
REFUSED_STATUS = "refused"

#: The start of a file that is looked at to tell text from binary.
HEAD_BYTES = 8192

#: How much of a file is read at a time when a whole file is checked again.
BLOCK_BYTES = 1024 * 1024

#: Most uploads in progress that are followed at once (the oldest are forgotten:
#: their file is then checked whole at the end).
MAX_UPLOADS = 100

REFUSED = server_text(
    "This file contains the value of a saved access token, and it is binary or "
    "UTF-16 text, which cannot be redacted without damaging it: remove the value from "
    "the file and upload it again."
)
REFUSED_PART_WAY = server_text(
    "This file contains the value of a saved access token, and it is binary or "
    "UTF-16 text, which cannot be redacted without damaging it: the upload was stopped "
    "and the part already uploaded removed; remove the value from the file and upload "
    "it again."
)
UNCHECKABLE = server_text(
    "This server cannot check files uploaded in parts for saved token values, so "
    "files larger than 1 MB cannot be uploaded here while tokens are saved."
)

UNCHECKED_WHOLE = server_text(
    "This file could not be checked for saved token values, so it was not saved; try again."
)
UNCHECKED_CHUNK = server_text(
    "This file could not be checked for saved token values, so the upload was stopped; try again."
)

#: The code of each refusal, sent as the answer's ``reason``.
CODES = {
    REFUSED: "upload-has-token",
    REFUSED_PART_WAY: "upload-has-token-part-way",
    UNCHECKABLE: "upload-chunks-uncheckable",
    UNCHECKED_WHOLE: "upload-unchecked",
    UNCHECKED_CHUNK: "upload-unchecked",
}

_LOG = logging.getLogger(__name__)


class Refused(web.HTTPError):
    """An upload that cannot be redacted.

    JupyterLab's file browser shows the answer's ``message`` as it is, so it is
    worded here in the user's JupyterLab language (:mod:`.translation`); the
    code is the answer's ``reason`` and :attr:`code`.
    """

    def __init__(self, message: str) -> None:
        self.code = CODES.get(message, "upload-refused")
        # No "%" in the sentences (in any language): tornado logs log_message as a format.
        super().__init__(400, word(message), reason=self.code)


def redact_bytes(data: bytes, redactor: Redactor | None) -> tuple[bytes, int]:
    """``data`` with every value in ASCII replaced, and the number of replacements."""
    if redactor is None:
        return data, 0
    return redactor.ascii.subn(redactor.marker.encode("ascii"), data)


def _redact_notebook(path: str, data: bytes, redactor: Redactor | None) -> tuple[bytes, int] | None:
    """An uploaded notebook redacted string by string, or None when it is no JSON.

    In the bytes of a JSON document a value that holds ``"`` could also match
    across a quote of the document's own syntax and break it; in its strings it
    cannot.
    """
    if not path.endswith(".ipynb"):
        return None
    try:
        tree = json.loads(data.decode("utf-8"))
    except ValueError:  # includes UnicodeDecodeError
        return None
    if not isinstance(tree, dict):
        return None
    tree, count = redact_json(tree, redactor)
    text = json.dumps(tree, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    return text.encode("utf-8"), count


def is_binary(*pieces: bytes) -> bool:
    """Whether content cannot be rewritten as text (a NUL byte: binaries, UTF-16)."""
    return any(b"\0" in piece for piece in pieces)


@dataclass
class _Upload:
    """An upload in chunks that this process has followed from its first chunk."""

    values: frozenset[str]  # the values every chunk so far was checked for
    count: int = 0
    complete: bool = True  # every check could read the vault
    size: int | None = None  # the file's size after the last chunk
    recheck: bool = False  # some chunk was not seen: check the whole file at the end


@dataclass
class _Chunk:
    """What a chunk check found, for the work after the chunk is written."""

    path: str
    number: int
    os_path: str | None
    redactor: Redactor | None
    count: int
    complete: bool


class Uploads:
    """Checks uploads; :meth:`install` wires it into a contents manager."""

    def __init__(self, scrubber: Scrubber, log: logging.Logger | None = None) -> None:
        self.scrubber = scrubber
        self._log = log or _LOG
        self._uploads: OrderedDict[str, _Upload] = OrderedDict()
        self._lock = threading.Lock()  # chunks are checked on worker threads

    def install(self, contents_manager: Any) -> None:
        """Check whole uploads in a pre-save hook and chunks around ``save``."""
        contents_manager.register_pre_save_hook(self.hook)
        contents_manager.save = self._wrap(contents_manager, contents_manager.save)

    # Whole files ---------------------------------------------------------------

    def hook(self, model: dict[str, Any], path: str, **_: Any) -> None:
        """Redact a base64 upload in place; refuse one that cannot be rewritten.

        Raises :class:`Refused` (an HTTP 400 that Jupyter passes to the browser) and
        nothing else.
        """
        if model.get("type") != "file" or not isinstance(model.get("content"), str):
            return
        if CHECKED.get() == id(model):
            return
        chunked = model.get("chunk") is not None
        if not chunked and model.get("format") != "base64":
            return  # text: the scrubber's
        try:
            if chunked:  # a chunk 1 whose save went around the wrapper
                checked = self._check_chunk(model, path, None)
                if checked is not None:
                    self._finish(checked, None)
                return
            self._check_whole(model, path)
        except web.HTTPError:
            raise
        except Exception as error:
            self._log.error(
                "Could not check the upload %s for saved token values (%s).",
                path,
                type(error).__name__,
            )
            raise Refused(UNCHECKED_WHOLE) from None

    def _check_whole(self, model: dict[str, Any], path: str) -> None:
        data = _decode(model)
        if data is None:
            return  # Jupyter refuses content it cannot decode
        redactor, complete = self.scrubber.lookup(path)
        count = self._inspect(path, data, data[:HEAD_BYTES], redactor, REFUSED)
        if count:
            new_data, count = _redact_notebook(path, data, redactor) or redact_bytes(data, redactor)
            model["content"] = base64.b64encode(new_data).decode("ascii")
        self.scrubber.report(path, count, complete)

    def _inspect(
        self, path: str, window: bytes, head: bytes, redactor: Redactor | None, message: str
    ) -> int:
        """How many values ``window`` holds in ASCII; refuses what cannot be rewritten."""
        if redactor is None:
            return 0
        found = len(redactor.ascii.findall(window))
        wide = redactor.wide.search(window) is not None
        if wide or (found and is_binary(head, window)):
            self._refuse(path, found + int(wide), message)
        return found

    def _refuse(self, path: str, count: int, message: str) -> None:
        self._log.warning(
            "Refused the upload of %s: it holds %d saved token value(s) and is binary or "
            "UTF-16 text, which cannot be redacted.",
            path,
            count,
        )
        self.scrubber.records.add(path, count, REFUSED_STATUS)
        raise Refused(message)

    # Chunks --------------------------------------------------------------------

    def _wrap(self, manager: Any, save: Callable[..., Any]) -> Callable[..., Any]:
        """``save`` that checks the model first: on a worker thread for an asynchronous
        manager (the server's default), so the event loop never waits for the vault or
        for a large file; the pre-save hooks then skip the model."""
        if inspect.iscoroutinefunction(save):

            @functools.wraps(save)
            async def save_async(model: dict[str, Any], path: str = "") -> Any:
                loop = asyncio.get_running_loop()
                run = functools.partial(loop.run_in_executor, None, self._guarded)
                checked = await run(self._before, model, path.strip("/"), manager)
                marker = CHECKED.set(id(model))
                try:
                    result = await save(model, path)
                finally:
                    CHECKED.reset(marker)
                if checked is not None:
                    await run(self._finish, checked, manager)
                return result

            return save_async

        @functools.wraps(save)
        def save_sync(model: dict[str, Any], path: str = "") -> Any:
            checked = self._guarded(self._before, model, path.strip("/"), manager)
            marker = CHECKED.set(id(model))
            try:
                result = save(model, path)
            finally:
                CHECKED.reset(marker)
            if checked is not None:
                self._guarded(self._finish, checked, manager)
            return result

        return save_sync

    def _before(self, model: Any, path: str, manager: Any) -> _Chunk | None:
        """Check a model about to be saved; for a chunk, what :meth:`_finish` needs."""
        if not isinstance(model, dict):
            return None
        if _is_chunk(model):
            return self._check_chunk(model, path, manager)
        if is_text_model(model):
            self.scrubber.hook(model=model, path=path)
        elif model.get("type") == "file" and model.get("format") == "base64":
            self._check_whole(model, path)
        return None

    def _guarded(self, step: Callable[..., Any], model_or_chunk: Any, *args: Any) -> Any:
        """Run a chunk step; an unexpected error refuses the chunk (the value could stay)."""
        try:
            return step(model_or_chunk, *args)
        except web.HTTPError:
            raise
        except Exception as error:
            path = model_or_chunk.path if isinstance(model_or_chunk, _Chunk) else args[0]
            self._log.error(
                "Could not check the upload %s for saved token values (%s).",
                path,
                type(error).__name__,
            )
            raise Refused(UNCHECKED_CHUNK) from None

    def _check_chunk(self, model: dict[str, Any], path: str, manager: Any) -> _Chunk | None:
        """Redact a chunk in place before it is written (see the module's docstring)."""
        data = _decode(model)
        if data is None:
            return None  # not a chunk Jupyter would write
        number = model["chunk"]
        redactor, complete = self.scrubber.lookup(path)
        os_path = _os_path(manager, path) if manager is not None else None
        with self._lock:
            upload = self._uploads.get(path)
        if number == 1:
            size, head, tail = 0, data[:HEAD_BYTES], b""
        elif os_path is None:
            if redactor is not None:
                self.scrubber.records.add(path, 0, REFUSED_STATUS)
                raise Refused(UNCHECKABLE)
            return None
        else:
            size, head, tail = _read_ends(os_path, redactor.window if redactor else 0)
        followed = number == 1 or (upload is not None and upload.size == size)
        window = tail + data
        message = REFUSED_PART_WAY if number != 1 and followed else REFUSED
        try:
            found = self._inspect(path, window, head, redactor, message)
        except Refused:
            with self._lock:
                self._uploads.pop(path, None)
            if number != 1 and followed and os_path is not None:
                with contextlib.suppress(OSError):
                    os.unlink(os_path)
            raise
        count = 0
        if found and redactor is not None:
            start = redactor.ascii.search(window).start()  # type: ignore[union-attr]
            if start < len(tail):  # the value began in the part already written
                assert os_path is not None
                os.truncate(os_path, size - len(tail) + start)
                new_data, count = redact_bytes(window[start:], redactor)
            else:
                new_data, count = redact_bytes(window, redactor)
                new_data = new_data[len(tail) :]
            model["content"] = base64.b64encode(new_data).decode("ascii")
            model["format"] = "base64"
        values = redactor.values if redactor else frozenset()
        with self._lock:
            if number == 1:
                upload = _Upload(values=values)
            elif not followed or upload is None:
                upload = _Upload(values=values, recheck=True)
            else:
                upload.values &= values
            upload.count += count
            upload.complete = upload.complete and complete
            self._uploads[path] = upload
            self._uploads.move_to_end(path)
            while len(self._uploads) > MAX_UPLOADS:
                self._uploads.popitem(last=False)
        return _Chunk(path, number, os_path, redactor, count, complete)

    def _finish(self, chunk: _Chunk, manager: Any) -> None:
        """After a chunk is written: remember the size; after the last, check and record."""
        with self._lock:
            upload = self._uploads.get(chunk.path)
            if upload is None:
                return
            if chunk.os_path is not None:
                with contextlib.suppress(OSError):
                    upload.size = os.path.getsize(chunk.os_path)
            if chunk.number != -1:
                return
            del self._uploads[chunk.path]
        count = upload.count
        redactor = chunk.redactor
        if (
            redactor is not None
            and chunk.os_path is not None
            and (upload.recheck or upload.values != redactor.values)
        ):
            count += self._recheck(chunk.path, chunk.os_path, redactor)
        if not upload.complete:
            self.scrubber.records.add(chunk.path, count, FALLBACK_STATUS)
        elif count:
            self.scrubber.records.add(chunk.path, count, REDACTED_STATUS)
        if count:
            self._log.info(
                "Redacted %d saved token value(s) from the upload %s.", count, chunk.path
            )

    def _recheck(self, path: str, os_path: str, redactor: Redactor) -> int:
        """Check a whole written file again; redact it or, if it cannot be, remove it."""
        try:
            found = rewrite_file(os_path, redactor)
        except _CannotRewrite as error:
            with contextlib.suppress(OSError):
                os.unlink(os_path)
            self._refuse(path, error.count, REFUSED_PART_WAY)
        return found


# Files ---------------------------------------------------------------------------------


class _CannotRewrite(Exception):
    def __init__(self, count: int) -> None:
        super().__init__(count)
        self.count = count


def rewrite_file(os_path: str, redactor: Redactor) -> int:
    """Redact the file at ``os_path`` in place (atomically); returns the count.

    Reads in blocks with an overlap, so values across block boundaries are found; the
    file is rewritten only when something is found. Raises :class:`_CannotRewrite` for
    a file that holds values but is binary or holds them in UTF-16.
    """
    with open(os_path, "rb") as file:
        head = file.read(HEAD_BYTES)
        file.seek(0)
        carry = b""
        found = False
        for block in iter(functools.partial(file.read, BLOCK_BYTES), b""):
            piece = carry + block
            if redactor.wide.search(piece):
                raise _CannotRewrite(1)
            if redactor.ascii.search(piece):
                found = True
                break
            carry = piece[max(0, len(piece) - redactor.window) :] if redactor.window else b""
    if not found:
        return 0
    if is_binary(head):
        raise _CannotRewrite(1)
    folder, name = os.path.split(os_path)
    temporary = os.path.join(folder, f".{name}.{secrets.token_hex(8)}.redacting")
    try:
        count = _copy_redacted(os_path, temporary, redactor)
        os.chmod(temporary, os.stat(os_path).st_mode & 0o7777)
        os.replace(temporary, os_path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
    return count


def _copy_redacted(source: str, target: str, redactor: Redactor) -> int:
    """Stream ``source`` into ``target`` with every value replaced, as one pass over the
    whole content would (a match is taken only once all bytes it could span are read)."""
    count = 0
    marker = redactor.marker.encode("ascii")
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    with open(source, "rb") as reader, os.fdopen(fd, "wb") as writer:
        pending = b""
        for block in iter(functools.partial(reader.read, BLOCK_BYTES), b""):
            piece = pending + block
            if is_binary(block) or redactor.wide.search(piece):
                raise _CannotRewrite(count + 1)
            cut = len(piece) - redactor.window
            position = 0
            for match in redactor.ascii.finditer(piece):
                if match.start() >= cut:
                    break
                writer.write(piece[position : match.start()])
                writer.write(marker)
                position = match.end()
                count += 1
            keep = max(position, cut)
            writer.write(piece[position:keep])
            pending = piece[keep:]
        rest, found = redact_bytes(pending, redactor)
        writer.write(rest)
        writer.flush()
        os.fsync(writer.fileno())
    return count + found


def _decode(model: dict[str, Any]) -> bytes | None:
    """The bytes Jupyter would write for a file model, or None if it would refuse it."""
    content = model.get("content")
    if model.get("type") != "file" or not isinstance(content, str):
        return None
    try:
        if model.get("format") == "base64":
            return base64.b64decode(content.encode("ascii"))
        if model.get("format") == "text":
            return content.encode("utf-8")
    except (ValueError, binascii.Error):  # also UnicodeError
        return None
    return None


def _is_chunk(model: Any) -> bool:
    return isinstance(model, dict) and model.get("chunk") is not None


def _os_path(manager: Any, path: str) -> str | None:
    """The local file a chunk is appended to (the way ``LargeFileManager`` finds it)."""
    get_os_path = getattr(manager, "_get_os_path", None)
    if not callable(get_os_path):
        return None
    os_path = get_os_path(path)
    if os.path.islink(os_path):
        os_path = os.path.join(os.path.dirname(os_path), os.readlink(os_path))
    return os_path


def _read_ends(os_path: str, window: int) -> tuple[int, bytes, bytes]:
    """The file's size, its first bytes and its last ``window`` bytes (empty if missing)."""
    try:
        with open(os_path, "rb") as file:
            size = os.fstat(file.fileno()).st_size
            head = file.read(HEAD_BYTES)
            start = max(0, size - window)
            file.seek(start)
            tail = file.read(size - start) if window else b""
    except FileNotFoundError:
        return 0, b"", b""
    return size, head, tail
