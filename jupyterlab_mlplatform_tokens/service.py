"""The saved tokens as the handlers use them: every change to the vault is followed by
bringing the environment of the server and its kernels up to date.

The vault's file work (lock, read, fsync, rename) blocks, so it runs on one worker
thread of its own, never on the server's event loop: a slow disk or a lock held by
another process delays only the vault request, not every request and every save.
The environment (``os.environ`` and the kernels' restart env) is changed back on
the event loop, where the kernel manager lives.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from .kernel_env import KernelEnvironment
from .records import Invitation, TokenMetadata, TokenRecord, VaultError, VaultState, new_id
from .validate import now_timestamp
from .vault import Vault

_LOG = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class Added:
    """The outcome of adding a token."""

    record: TokenRecord
    created: bool
    active: bool


class TokenService:
    """Vault operations plus environment sync."""

    def __init__(
        self,
        vault: Vault,
        environment: KernelEnvironment,
        log: logging.Logger | None = None,
        *,
        on_state: Callable[[VaultState], None] | None = None,
    ) -> None:
        """``on_state`` is told every state the vault holds after a change (and at start),
        on the event loop: the redactor learns the values from it."""
        self.vault = vault
        self.environment = environment
        self._log = log or _LOG
        self._on_state = on_state
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mlp-vault")

    def start(self) -> None:
        """Put the active token (if any) into the environment at server start."""
        self._sync(self.vault.read())

    def close(self) -> None:
        """Let the worker thread end once its last operation is done."""
        self._worker.shutdown(wait=False)

    async def state(self) -> VaultState:
        return await self._off_loop(self.vault.read)

    async def value(self, record_id: str) -> str:
        return (await self.state()).get(record_id).value

    async def add(
        self, value: str, label: str | None, metadata: TokenMetadata, *, activate: bool
    ) -> Added:
        """Save a token (or refresh the record that has its value), optionally making it active."""
        now = now_timestamp()

        def change(state: VaultState) -> tuple[VaultState, Added]:
            new_state, record, created = state.with_token(
                value, label or metadata.name, metadata, now
            )
            if activate:
                new_state = new_state.with_active(record.id)
            return new_state, Added(record, created, new_state.active_id == record.id)

        return await self._change(change)

    async def rename(self, record_id: str, label: str) -> TokenRecord:
        return await self._change(lambda state: state.with_label(record_id, label))

    async def verified(self, record_id: str, metadata: TokenMetadata) -> TokenRecord:
        now = now_timestamp()
        return await self._change(lambda state: state.with_verification(record_id, metadata, now))

    async def activate(self, record_id: str | None) -> VaultState:
        def change(state: VaultState) -> tuple[VaultState, VaultState]:
            new_state = state.with_active(record_id)
            return new_state, new_state

        return await self._change(change)

    async def remove(self, record_id: str) -> VaultState:
        def change(state: VaultState) -> tuple[VaultState, VaultState]:
            new_state = state.without_token(record_id)
            return new_state, new_state

        return await self._change(change)

    async def add_invitation(
        self, name: str, role: str, expires_at: str, refresh_ttl: str | None
    ) -> Invitation:
        invitation = Invitation(
            id=new_id(),
            name=name,
            role=role,
            expires_at=expires_at,
            refresh_ttl=refresh_ttl,
            created_at=now_timestamp(),
        )
        return await self._change(lambda state: (state.with_invitation(invitation), invitation))

    async def remove_invitation(self, invitation_id: str) -> None:
        await self._change(lambda state: (state.without_invitation(invitation_id), None))

    async def _change(self, change: Callable[[VaultState], tuple[VaultState, T]]) -> T:
        try:
            return await self._off_loop(lambda: self.vault.update(change))
        finally:
            # Whatever happened, the environment follows what the file now says.
            try:
                state: VaultState | None = await self.state()
            except VaultError:
                state = None
            if state is not None:
                self._sync(state)

    async def _off_loop(self, work: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._worker, work)

    def _sync(self, state: VaultState) -> None:
        if self._on_state is not None:
            self._on_state(state)
        updated = self.environment.apply(state.active_value())
        self._log.debug(
            "Token environment: %s; %d running kernel(s) updated.",
            "set" if state.active_id else "cleared",
            updated,
        )
