"""The vault: saved access tokens in one owner-only JSON file.

The file (``vault.json`` by default) is mode 0600 in a 0700 folder. Every change
is made under an exclusive ``fcntl.flock`` on a sibling lock file, which also
serialises separate processes, and written atomically: a temporary file in the
same folder is written and fsynced, renamed over the old file, and the folder
is fsynced. A reader therefore always sees a complete old or new file.

A file that cannot be parsed or read is never deleted or overwritten: it is
renamed to ``vault.json.corrupt-<UTC time>``, the vault starts empty, and
:attr:`Vault.path_problem` says what happened and where the old file went.

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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TypeVar

from .records import CorruptVault, VaultError, VaultState

#: A vault file larger than this is not read (it cannot be ours).
MAX_FILE_BYTES = 4 * 1024 * 1024

_LOG = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class PathProblem:
    """What went wrong with the vault file and where the old file now is."""

    message: str
    moved_to: str

    def to_json(self) -> dict[str, str]:
        return {"message": self.message, "moved_to": self.moved_to}


_Signature = tuple[int, int, int, int]


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

    def read(self) -> VaultState:
        """The current state (cheap when the file has not changed since the last look)."""
        signature = self._signature()
        if signature is None:
            return VaultState()
        if self._cache is not None and self._cache[0] == signature:
            return self._cache[1]
        with self._locked():
            return self._load()

    def update(self, change: Callable[[VaultState], tuple[VaultState, T]]) -> T:
        """Apply ``change`` to the freshest state under the lock; write if it changed.

        ``change`` returns the new state and a result, which ``update`` returns.
        Errors raised by ``change`` leave the file untouched.
        """
        with self._locked():
            state = self._load()
            new_state, result = change(state)
            if new_state is not state:
                self._write(new_state)
        return result

    # Locking -------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self._ensure_folder()
        flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(self.lock_path, flags, 0o600)
        except OSError as error:
            raise VaultError(
                f"The vault's lock file {self.lock_path} could not be opened ({_reason(error)})."
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _ensure_folder(self) -> None:
        folder = self.path.parent
        created = not folder.exists()
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            mode = stat.S_IMODE(folder.stat().st_mode)
            if mode & 0o077 and (created or self._own_folder):
                os.chmod(folder, 0o700)
            elif mode & 0o077 and not self._warned_folder:
                self._warned_folder = True
                self._log.warning(
                    "The folder of the token vault (%s) can be read by other users; "
                    "give the vault a folder of its own.",
                    folder,
                )
        except OSError as error:
            raise VaultError(
                f"The vault's folder {folder} could not be created ({_reason(error)})."
            ) from None

    # Reading -------------------------------------------------------------------

    def _signature(self) -> _Signature | None:
        try:
            info = os.stat(self.path, follow_symlinks=False)
        except FileNotFoundError:
            return None
        except OSError:
            return (-1, -1, -1, -1)  # unreadable: let the locked load decide
        return (info.st_ino, info.st_mtime_ns, info.st_size, info.st_mode)

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
                return self._set_aside(f"it could not be read ({_reason(error)})")
            raise VaultError(
                f"The vault file {self.path} could not be read ({_reason(error)})."
            ) from None
        with os.fdopen(fd, "rb") as file:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode):
                return self._set_aside("it is not a regular file")
            if info.st_size > MAX_FILE_BYTES:
                return self._set_aside("it is far larger than a vault can be")
            try:
                raw = file.read(MAX_FILE_BYTES + 1)
            except OSError as error:
                if error.errno == errno.EISDIR:
                    return self._set_aside("it is not a regular file")
                raise VaultError(
                    f"The vault file {self.path} could not be read ({_reason(error)})."
                ) from None
            if stat.S_IMODE(info.st_mode) != 0o600:
                os.fchmod(file.fileno(), 0o600)
                self._log.warning("The token vault's permissions were corrected to 0600.")
        try:
            state = VaultState.from_json(json.loads(raw.decode("utf-8")))
        except ValueError:  # includes UnicodeDecodeError and json.JSONDecodeError
            return self._set_aside("it is not valid JSON")
        except CorruptVault as error:
            return self._set_aside(str(error))
        self._remember(state)
        return state

    def _set_aside(self, reason: str) -> VaultState:
        """Rename the bad file next to itself, start empty, and remember the problem."""
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
                f"The vault file {self.path} is damaged ({reason}) and could not be moved "
                f"aside ({_reason(error)}); move it away by hand."
            ) from None
        with contextlib.suppress(OSError):
            if stat.S_ISREG(os.lstat(target).st_mode):
                os.chmod(target, 0o600)
        self.path_problem = PathProblem(
            message=(
                f"The token vault could not be used because {reason}. It was kept as "
                f"{target.name} and the vault starts empty; add your tokens again."
            ),
            moved_to=str(target),
        )
        self._log.error(
            "The token vault %s could not be used because %s; it was moved to %s.",
            self.path,
            reason,
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
                f"The token vault could not be saved to {self.path} ({_reason(error)}); "
                "nothing was changed."
            ) from None
        self._remember(state)

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
