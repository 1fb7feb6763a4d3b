"""The saved tokens as the handlers use them: every change to the vault is followed by
bringing the environment of the server and its kernels up to date."""

from __future__ import annotations

import logging
from collections.abc import Callable
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
        self, vault: Vault, environment: KernelEnvironment, log: logging.Logger | None = None
    ) -> None:
        self.vault = vault
        self.environment = environment
        self._log = log or _LOG

    def start(self) -> None:
        """Put the active token (if any) into the environment at server start."""
        self._sync(self.vault.read())

    def state(self) -> VaultState:
        return self.vault.read()

    def value(self, record_id: str) -> str:
        return self.vault.read().get(record_id).value

    def add(
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

        return self._change(change)

    def rename(self, record_id: str, label: str) -> TokenRecord:
        return self._change(lambda state: state.with_label(record_id, label))

    def verified(self, record_id: str, metadata: TokenMetadata) -> TokenRecord:
        now = now_timestamp()
        return self._change(lambda state: state.with_verification(record_id, metadata, now))

    def activate(self, record_id: str | None) -> VaultState:
        def change(state: VaultState) -> tuple[VaultState, VaultState]:
            new_state = state.with_active(record_id)
            return new_state, new_state

        return self._change(change)

    def remove(self, record_id: str) -> VaultState:
        def change(state: VaultState) -> tuple[VaultState, VaultState]:
            new_state = state.without_token(record_id)
            return new_state, new_state

        return self._change(change)

    def add_invitation(
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
        return self._change(lambda state: (state.with_invitation(invitation), invitation))

    def remove_invitation(self, invitation_id: str) -> None:
        self._change(lambda state: (state.without_invitation(invitation_id), None))

    def _change(self, change: Callable[[VaultState], tuple[VaultState, T]]) -> T:
        try:
            return self.vault.update(change)
        finally:
            # Whatever happened, the environment follows what the file now says.
            try:
                state = self.vault.read()
            except VaultError:
                state = None
            if state is not None:
                self._sync(state)

    def _sync(self, state: VaultState) -> None:
        updated = self.environment.apply(state.active_value())
        self._log.debug(
            "Token environment: %s; %d running kernel(s) updated.",
            "set" if state.active_id else "cleared",
            updated,
        )
