"""The active token in the environment of the server, its kernels and terminals.

- The server process's ``os.environ`` holds the active token's value under every
  configured name, or none of the names when no token is active. Kernels and
  terminals started afterwards copy ``os.environ``, so they start with it.
- A kernel started through a session captures ``{**os.environ, ...}`` at start
  and reuses that dict on every restart (``KernelManager._launch_args["env"]``).
  After every change each running kernel's captured env is brought up to date:
  ``KernelManager.update_env`` (jupyter_client >= 8.6, as required) adds or overwrites the
  names; removing a name means taking the key out of the captured dict.
  So a manual restart, an auto-restart after a crash and a restart from
  another browser tab all come back with the current token.
- A kernel started through ``POST /api/kernels`` has no captured env; its
  restart re-reads ``os.environ``, which is already current.
- A kernel whose start was under way during a change may have captured the old
  value; :meth:`KernelEnvironment.on_kernel_action` corrects its captured env
  as soon as the server reports the start.

The running kernel processes themselves are not touched here: the frontend
updates their ``os.environ`` live. Values are never logged.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator, MutableMapping, Sequence
from typing import Any

_LOG = logging.getLogger(__name__)

#: The jupyter_server event emitted after a kernel start, restart, shutdown, ...
KERNEL_ACTIONS_SCHEMA = "https://events.jupyter.org/jupyter_server/kernel_actions/v1"


def set_names(env: MutableMapping[str, str], names: Iterable[str], value: str | None) -> None:
    """Set every name in ``env`` to ``value``, or remove them all when ``value`` is None."""
    for name in names:
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value


def captured_env(manager: Any) -> dict[str, str] | None:
    """The env dict a kernel manager reuses on restart, or None when it re-reads os.environ."""
    launch_args = getattr(manager, "_launch_args", None)
    if not isinstance(launch_args, dict):
        return None
    env = launch_args.get("env")
    return env if isinstance(env, dict) else None


class KernelEnvironment:
    """Keeps ``os.environ`` and every running kernel's restart env on the active token."""

    def __init__(
        self,
        names: Sequence[str],
        kernel_manager: Any = None,
        *,
        environ: MutableMapping[str, str] | None = None,
        log: logging.Logger | None = None,
    ) -> None:
        self.names = tuple(names)
        self._kernel_manager = kernel_manager
        self._environ = os.environ if environ is None else environ
        self._value: str | None = None
        self._log = log or _LOG

    @property
    def active(self) -> bool:
        """Whether a value is currently set."""
        return self._value is not None

    def apply(self, value: str | None) -> int:
        """Make ``value`` (None: nothing) current everywhere; returns the kernels updated."""
        self._value = value
        set_names(self._environ, self.names, value)
        updated = 0
        for manager in self._managers():
            if self.apply_to(manager):
                updated += 1
        return updated

    def apply_to(self, manager: Any) -> bool:
        """Bring one kernel manager's captured env up to date; False when it has none."""
        env = captured_env(manager)
        if env is None:
            return False
        if self._value is None:
            set_names(env, self.names, None)
        else:
            manager.update_env(env=dict.fromkeys(self.names, self._value))
        return True

    async def on_kernel_action(self, logger: Any, schema_id: str, data: dict[str, Any]) -> None:
        """Listener of jupyter_server's kernel action events: fix a just-started kernel's env."""
        if data.get("status") != "success" or data.get("action") not in ("start", "restart"):
            return
        kernel_id = data.get("kernel_id")
        manager = self._manager(kernel_id) if isinstance(kernel_id, str) else None
        if manager is not None:
            self.apply_to(manager)

    def _managers(self) -> Iterator[Any]:
        if self._kernel_manager is None:
            return
        try:
            kernel_ids = list(self._kernel_manager.list_kernel_ids())
        except Exception:  # a kernel manager of another kind; nothing to update
            self._log.debug("The kernel manager cannot list its kernels.", exc_info=True)
            return
        for kernel_id in kernel_ids:
            manager = self._manager(kernel_id)
            if manager is not None:
                yield manager

    def _manager(self, kernel_id: str) -> Any:
        if self._kernel_manager is None:
            return None
        try:
            return self._kernel_manager.get_kernel(kernel_id)
        except KeyError:  # shut down meanwhile
            return None
