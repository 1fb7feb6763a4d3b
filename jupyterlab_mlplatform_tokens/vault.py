"""The vault: saved access tokens in one owner-only JSON file.

The file (``vault.json`` by default) is mode 0600. Its folder is made 0700 when
the vault creates it or when it is the default folder (which is the vault's
alone); a folder an administrator chose is left as it is, with a warning when
others can read it, and refused when others can write to it. Every change
is made under an exclusive ``fcntl.flock`` on a sibling lock file, which also
serialises separate processes, and written atomically: a temporary file in the
same folder is written and fsynced, renamed over the old file, and the folder
is fsynced. A reader therefore always sees a complete old or new file.

A file that cannot be parsed or read is never deleted or overwritten: it is
renamed to ``vault.json.corrupt-<UTC time>``, the vault starts empty, and
:attr:`Vault.path_problem` says what happened and where the old file went.
The writer never puts a file in place that this reader would refuse: the
encoded state is parsed back and compared before the rename.

Only the server's own user may control the vault: a file, lock file or folder
that belongs to another user, or a folder that other users can write to, is
refused with one sentence (another user could replace the file or hold its
lock). Waiting for the lock is bounded (:data:`LOCK_WAIT_SECONDS`); every
``OSError`` becomes a :class:`VaultError` with one sentence. The calls block,
so the server runs them off its event loop (see ``service.py``).

This module never logs values.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import logging
import os
import secrets
import stat
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

from .messages import Param, os_params
from .records import CorruptVault, VaultBusy, VaultError, VaultState

#: A vault file larger than this is not read (it cannot be ours).
MAX_FILE_BYTES = 4 * 1024 * 1024

#: How long one vault operation waits for the lock before it gives up.
LOCK_WAIT_SECONDS = 5.0

_LOG = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class PathProblem:
    """What went wrong with the vault file and where the old file now is."""

    message: str
    moved_to: str
    code: str = "vault-set-aside"
    params: Mapping[str, Param] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "message": self.message,
            "moved_to": self.moved_to,
            "code": self.code,
            "params": dict(self.params),
        }


_Signature = tuple[int, int, int, int, int]


class Vault:
    """The vault file: read it, change it under the lock, keep a bad file aside."""

    def __init__(
        self, path: Path, *, own_folder: bool = True, log: logging.Logger | None = None
    ) -> None:
        """``own_folder``: the folder belongs to the vault alone, so it may be set to 0700."""
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.path_problem: PathProblem | None = None
        self._own_folder = own_folder
        self._log = log or _LOG
        self._cache: tuple[_Signature, VaultState] | None = None
        self._warned_folder = False

    # Public --------------------------------------------------------------------

    def read(self, *, wait: float = LOCK_WAIT_SECONDS) -> VaultState:
        """The current state (cheap when the file has not changed since the last look).

        Waits at most ``wait`` seconds for the lock; raises :class:`VaultError`.
        """
        with self._sentences():
            signature = self._signature()
            if signature is None:
                self._check_folder()
                return VaultState()
            if self._cache is not None and self._cache[0] == signature:
                return self._cache[1]
            with self._locked(wait):
                return self._load()

    def update(
        self,
        change: Callable[[VaultState], tuple[VaultState, T]],
        *,
        wait: float = LOCK_WAIT_SECONDS,
    ) -> T:
        """Apply ``change`` to the freshest state under the lock; write if it changed.

        ``change`` returns the new state and a result, which ``update`` returns.
        Errors raised by ``change`` leave the file untouched.
        """
        with self._sentences(), self._locked(wait):
            state = self._load()
            new_state, result = change(state)
            if new_state is not state:
                self._write(new_state)
        return result

    @contextlib.contextmanager
    def _sentences(self) -> Iterator[None]:
        """Any ``OSError`` not already put in words becomes one sentence."""
        try:
            yield
        except OSError as error:
            raise VaultError(
                "vault-unusable",
                f"The token vault {self.path} could not be used ({_reason(error)}).",
                path=str(self.path),
                **os_params(error),
            ) from None

    # Locking -------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self, wait: float) -> Iterator[None]:
        self._ensure_folder()
        flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(self.lock_path, flags, 0o600)
        except OSError as error:
            raise VaultError(
                "lock-open-failed",
                f"The vault's lock file {self.lock_path} could not be opened ({_reason(error)}).",
                path=str(self.lock_path),
                **os_params(error),
            ) from None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
                raise VaultError(
                    "lock-foreign",
                    f"The vault's lock file {self.lock_path} belongs to another user or is "
                    "not a plain file; remove it, or give the vault a folder only you can "
                    "write to.",
                    path=str(self.lock_path),
                )
            self._acquire(fd, wait)
            yield
        finally:
            os.close(fd)

    def _acquire(self, fd: int, wait: float) -> None:
        """Take the exclusive lock, waiting at most ``wait`` seconds."""
        deadline = time.monotonic() + max(0.0, wait)
        pause = 0.005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise VaultBusy(
                        "vault-busy",
                        f"The token vault is in use by another process (its lock file "
                        f"{self.lock_path} is held); try again in a moment.",
                        path=str(self.lock_path),
                    ) from None
                time.sleep(min(pause, max(0.0, deadline - time.monotonic())))
                pause = min(pause * 2, 0.1)
            except OSError as error:
                raise VaultError(
                    "lock-failed",
                    f"The vault's lock file {self.lock_path} could not be locked "
                    f"({_reason(error)}).",
                    path=str(self.lock_path),
                    **os_params(error),
                ) from None

    def _ensure_folder(self) -> None:
        folder = self.path.parent
        created = not folder.exists()
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as error:
            raise VaultError(
                "folder-create-failed",
                f"The vault's folder {folder} could not be created ({_reason(error)}).",
                path=str(folder),
                **os_params(error),
            ) from None
        self._check_folder(created=created)

    def _check_folder(self, *, created: bool = False) -> None:
        """Refuse a folder another user controls; tighten or warn about loose modes."""
        folder = self.path.parent
        try:
            info = os.stat(folder)
        except FileNotFoundError:
            return  # nothing there yet; the first write creates it
        except OSError as error:
            raise VaultError(
                "folder-examine-failed",
                f"The vault's folder {folder} could not be examined ({_reason(error)}).",
                path=str(folder),
                **os_params(error),
            ) from None
        if not stat.S_ISDIR(info.st_mode):
            raise VaultError(
                "folder-not-folder",
                f"The vault's folder {folder} is not a folder.",
                path=str(folder),
            )
        if info.st_uid != os.geteuid():
            raise VaultError(
                "folder-foreign",
                f"The vault's folder {folder} belongs to another user, who could replace "
                "or remove the saved tokens; give the vault a folder of your own.",
                path=str(folder),
            )
        mode = stat.S_IMODE(info.st_mode)
        if mode & 0o077 and (created or self._own_folder):
            try:
                os.chmod(folder, 0o700)
            except OSError as error:
                raise VaultError(
                    "folder-private-failed",
                    f"The vault's folder {folder} could not be made private ({_reason(error)}).",
                    path=str(folder),
                    **os_params(error),
                ) from None
        elif mode & 0o022:
            raise VaultError(
                "folder-writable",
                f"Other users can write to the vault's folder {folder}, so they could "
                "replace or remove the saved tokens; give the vault a folder only you can "
                "write to.",
                path=str(folder),
            )
        elif mode & 0o077 and not self._warned_folder:
            self._warned_folder = True
            self._log.warning(
                "The folder of the token vault (%s) can be read by other users; "
                "give the vault a folder of its own.",
                folder,
            )

    # Reading -------------------------------------------------------------------

    def _signature(self) -> _Signature | None:
        try:
            info = os.stat(self.path, follow_symlinks=False)
        except FileNotFoundError:
            return None
        except OSError:
            return (-1, -1, -1, -1, -1)  # unreadable: let the locked load decide
        return (info.st_ino, info.st_mtime_ns, info.st_size, info.st_mode, info.st_uid)

    def _load(self) -> VaultState:
        """Read and parse the file (the lock is held); move a bad file aside."""
        flags = os.O_RDONLY | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(self.path, flags)
        except FileNotFoundError:
            self._cache = None
            return VaultState()
        except OSError as error:
            if error.errno in (errno.EACCES, errno.EPERM, errno.ELOOP, errno.EISDIR):
                return self._set_aside(
                    f"it could not be read ({_reason(error)})", "unreadable", **os_params(error)
                )
            raise VaultError(
                "file-read-failed",
                f"The vault file {self.path} could not be read ({_reason(error)}).",
                path=str(self.path),
                **os_params(error),
            ) from None
        with os.fdopen(fd, "rb") as file:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode):
                return self._set_aside("it is not a regular file", "not-regular")
            if info.st_uid != os.geteuid():
                raise VaultError(
                    "file-foreign",
                    f"The vault file {self.path} belongs to another user, so it was not "
                    "used; move it away and add your tokens again.",
                    path=str(self.path),
                )
            if info.st_size > MAX_FILE_BYTES:
                return self._set_aside("it is far larger than a vault can be", "too-large")
            try:
                raw = file.read(MAX_FILE_BYTES + 1)
            except OSError as error:
                if error.errno == errno.EISDIR:
                    return self._set_aside("it is not a regular file", "not-regular")
                raise VaultError(
                    "file-read-failed",
                    f"The vault file {self.path} could not be read ({_reason(error)}).",
                    path=str(self.path),
                    **os_params(error),
                ) from None
            if stat.S_IMODE(info.st_mode) != 0o600:
                os.fchmod(file.fileno(), 0o600)
                self._log.warning("The token vault's permissions were corrected to 0600.")
        try:
            state = VaultState.from_json(json.loads(raw.decode("utf-8")))
        except ValueError:  # includes UnicodeDecodeError and json.JSONDecodeError
            return self._set_aside("it is not valid JSON", "not-json")
        except CorruptVault as error:
            return self._set_aside(str(error), error.cause, detail=str(error), **error.params)
        self._remember(state)
        return state

    def _set_aside(self, why: str, cause: str, **params: Param) -> VaultState:
        """Rename the bad file next to itself, start empty, and remember the problem.

        ``why`` says it in English ("it is not valid JSON"); ``cause`` and
        ``params`` say it for the frontend.
        """
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        suffix = 0
        while target.exists() or target.is_symlink():
            suffix += 1
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{suffix}")
        try:
            os.rename(self.path, target)
        except OSError as error:
            raise VaultError(
                "set-aside-failed",
                f"The vault file {self.path} is damaged ({why}) and could not be moved "
                f"aside ({_reason(error)}); move it away by hand.",
                path=str(self.path),
                cause=cause,
                **os_params(error),
            ) from None
        with contextlib.suppress(OSError):
            if stat.S_ISREG(os.lstat(target).st_mode):
                os.chmod(target, 0o600)
        self.path_problem = PathProblem(
            message=(
                f"The token vault could not be used because {why}. Nothing was deleted: "
                f"the file was kept as {target}, and the vault starts empty. Add your "
                "tokens again, or ask your administrator to repair that copy and move it "
                f"back to {self.path.name}."
            ),
            moved_to=str(target),
            code="vault-set-aside",
            params={**params, "cause": cause, "moved_to": str(target), "name": self.path.name},
        )
        self._log.error(
            "The token vault %s could not be used because %s; it was moved to %s.",
            self.path,
            why,
            target,
        )
        self._cache = None
        return VaultState()

    def _remember(self, state: VaultState) -> None:
        signature = self._signature()
        self._cache = (signature, state) if signature is not None else None

    # Writing -------------------------------------------------------------------

    def _write(self, state: VaultState) -> None:
        """Write ``state`` atomically (the lock is held)."""
        folder = self.path.parent
        self._remove_stale_temporaries()
        data = json.dumps(state.to_json(), ensure_ascii=False, indent=1).encode("utf-8")
        self._check_readable(data, state)
        temporary = folder / f".{self.path.name}.{secrets.token_hex(8)}.tmp"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
        flags |= getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(temporary, flags, 0o600)
            with os.fdopen(fd, "wb") as file:
                os.fchmod(file.fileno(), 0o600)
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.path)
            _fsync_folder(folder)
        except OSError as error:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise VaultError(
                "save-failed",
                f"The token vault could not be saved to {self.path} ({_reason(error)}); "
                "nothing was changed.",
                path=str(self.path),
                **os_params(error),
            ) from None
        self._remember(state)

    def _check_readable(self, data: bytes, state: VaultState) -> None:
        """Refuse to write what :meth:`_load` would not read back as ``state``."""
        try:
            back: VaultState | None = VaultState.from_json(json.loads(data.decode("utf-8")))
            reason = "it would read back differently"
        except (CorruptVault, ValueError) as error:
            back, reason = None, str(error) if isinstance(error, CorruptVault) else "bad JSON"
        if back != state:
            self._log.error("A change to the token vault was refused: %s.", reason)
            raise VaultError(
                "readback-refused",
                "This change was not saved: the token vault could not have read it back "
                f"({reason}). Nothing was changed.",
                detail=reason,
            )

    def _remove_stale_temporaries(self) -> None:
        """Delete temporary files left by a writer that died (the lock is held)."""
        prefix = f".{self.path.name}."
        with contextlib.suppress(OSError):
            for entry in os.scandir(self.path.parent):
                if entry.name.startswith(prefix) and entry.name.endswith(".tmp"):
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _reason(error: OSError) -> str:
    return error.strerror or type(error).__name__
