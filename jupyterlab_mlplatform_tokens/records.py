"""The vault's content: saved access tokens and invitation notes, and the changes to them.

Everything here is pure: a :class:`VaultState` is immutable and every change returns
a new state, so a change that raises leaves nothing half done. ``vault.py`` keeps
the state in its file.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace
from typing import Any

from . import validate
from .messages import CodedError, Param

SCHEMA_VERSION = 1

#: Most access tokens one vault keeps.
MAX_TOKENS = 100

#: Most pending-invitation notes one vault keeps.
MAX_INVITATIONS = 200

#: Values shorter than this show no characters in their fingerprint.
FINGERPRINT_MIN_LENGTH = 8


class VaultError(CodedError):
    """A vault operation failed; ``str(error)`` is one sentence for the user.

    ``code`` and ``params`` say the same for the frontend (``messages.py``).
    """

    status = 500


class RecordNotFound(VaultError):
    """No record has the given id."""

    status = 404


class VaultFull(VaultError):
    """The vault holds as many records as it keeps."""

    status = 409


class VaultBusy(VaultError):
    """Another process held the vault's lock for longer than an operation waits."""

    status = 503


class CorruptVault(Exception):
    """The vault file's content is not a vault (internal; leads to a move aside).

    ``str()`` is the English reason; ``cause`` and ``params`` say it for the
    frontend (see ``Vault._set_aside``).
    """

    def __init__(self, reason: str, cause: str = "not-a-vault", **params: Param) -> None:
        super().__init__(reason)
        self.cause = cause
        self.params = params


def new_id() -> str:
    """A new record id: 32 random lowercase hex digits."""
    return secrets.token_hex(16)


def fingerprint(value: str) -> str:
    """``****`` and the last four characters of a value (only ``****`` for short values)."""
    if len(value) < FINGERPRINT_MIN_LENGTH:
        return "****"
    return "****" + value[-4:]


@dataclass(frozen=True)
class TokenMetadata:
    """What who-am-i said about an access token."""

    name: str
    role: str
    issuer: str
    expires_at: str | None


@dataclass(frozen=True)
class TokenRecord:
    """One saved access token."""

    id: str
    label: str
    value: str = field(repr=False)
    metadata: TokenMetadata
    added_at: str
    verified_at: str

    def public(self, *, active: bool) -> dict[str, Any]:
        """The record as the browser may see it: everything but the value."""
        return {
            "id": self.id,
            "label": self.label,
            "fingerprint": fingerprint(self.value),
            "name": self.metadata.name,
            "role": self.metadata.role,
            "issuer": self.metadata.issuer,
            "expires_at": self.metadata.expires_at,
            "added_at": self.added_at,
            "verified_at": self.verified_at,
            "active": active,
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "value": self.value,
            "name": self.metadata.name,
            "role": self.metadata.role,
            "issuer": self.metadata.issuer,
            "expires_at": self.metadata.expires_at,
            "added_at": self.added_at,
            "verified_at": self.verified_at,
        }


@dataclass(frozen=True)
class Invitation:
    """A registration token handed out (its metadata only, never its value)."""

    id: str
    name: str
    role: str
    expires_at: str
    refresh_ttl: str | None
    created_at: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role,
            "expires_at": self.expires_at,
            "refresh_ttl": self.refresh_ttl,
            "created_at": self.created_at,
        }


@dataclass(frozen=True)
class VaultState:
    """The content of the vault file; changes return a new state."""

    tokens: tuple[TokenRecord, ...] = ()
    active_id: str | None = None
    invitations: tuple[Invitation, ...] = ()

    # Reading -----------------------------------------------------------------

    def active(self) -> TokenRecord | None:
        """The active record, if any."""
        return self.find(self.active_id) if self.active_id else None

    def active_value(self) -> str | None:
        record = self.active()
        return record.value if record else None

    def find(self, record_id: str) -> TokenRecord | None:
        return next((record for record in self.tokens if record.id == record_id), None)

    def get(self, record_id: str) -> TokenRecord:
        record = self.find(record_id)
        if record is None:
            raise RecordNotFound(
                "token-not-found", "No saved token has this id; it may have been removed."
            )
        return record

    def find_value(self, value: str) -> TokenRecord | None:
        return next(
            (record for record in self.tokens if secrets.compare_digest(record.value, value)),
            None,
        )

    def values(self) -> tuple[str, ...]:
        return tuple(record.value for record in self.tokens)

    def public(self) -> dict[str, Any]:
        """List of records without values, and which one is active."""
        return {
            "tokens": [record.public(active=record.id == self.active_id) for record in self.tokens],
            "active_id": self.active_id,
        }

    # Changing ------------------------------------------------------------------

    def with_token(
        self, value: str, label: str, metadata: TokenMetadata, now: str
    ) -> tuple[VaultState, TokenRecord, bool]:
        """Add a token, or refresh the verification of the record holding the same value.

        Returns the new state, the record and whether it was created.
        """
        existing = self.find_value(value)
        if existing is not None:
            refreshed = replace(existing, metadata=metadata, verified_at=now)
            return self._replaced(refreshed), refreshed, False
        if len(self.tokens) >= MAX_TOKENS:
            raise VaultFull(
                "vault-full",
                f"The vault already keeps {MAX_TOKENS} tokens, the most it holds; "
                "remove one you no longer need.",
                max=MAX_TOKENS,
            )
        record = TokenRecord(
            id=new_id(),
            label=label,
            value=value,
            metadata=metadata,
            added_at=now,
            verified_at=now,
        )
        return replace(self, tokens=(*self.tokens, record)), record, True

    def with_label(self, record_id: str, label: str) -> tuple[VaultState, TokenRecord]:
        record = replace(self.get(record_id), label=label)
        return self._replaced(record), record

    def with_verification(
        self, record_id: str, metadata: TokenMetadata, now: str
    ) -> tuple[VaultState, TokenRecord]:
        record = replace(self.get(record_id), metadata=metadata, verified_at=now)
        return self._replaced(record), record

    def with_active(self, record_id: str | None) -> VaultState:
        if record_id is not None:
            self.get(record_id)
        if record_id == self.active_id:
            return self
        return replace(self, active_id=record_id)

    def without_token(self, record_id: str) -> VaultState:
        self.get(record_id)
        return replace(
            self,
            tokens=tuple(record for record in self.tokens if record.id != record_id),
            active_id=None if self.active_id == record_id else self.active_id,
        )

    def with_invitation(self, invitation: Invitation) -> VaultState:
        if len(self.invitations) >= MAX_INVITATIONS:
            raise VaultFull(
                "invitations-full",
                f"The vault already keeps {MAX_INVITATIONS} invitation notes; "
                "remove some you no longer need.",
                max=MAX_INVITATIONS,
            )
        return replace(self, invitations=(*self.invitations, invitation))

    def without_invitation(self, invitation_id: str) -> VaultState:
        if not any(item.id == invitation_id for item in self.invitations):
            raise RecordNotFound(
                "invitation-not-found", "No invitation note has this id; it may have been removed."
            )
        return replace(
            self, invitations=tuple(item for item in self.invitations if item.id != invitation_id)
        )

    def _replaced(self, record: TokenRecord) -> VaultState:
        tokens = tuple(record if item.id == record.id else item for item in self.tokens)
        return replace(self, tokens=tokens)

    # File format -----------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA_VERSION,
            "active_id": self.active_id,
            "tokens": [record.to_json() for record in self.tokens],
            "invitations": [item.to_json() for item in self.invitations],
        }

    @classmethod
    def from_json(cls, data: object) -> VaultState:
        """Parse the file's JSON; raises CorruptVault on anything unexpected."""
        if not isinstance(data, dict):
            raise CorruptVault("the file does not hold a JSON object")
        version = data.get("schema")
        if version != SCHEMA_VERSION:
            if isinstance(version, int) and version > SCHEMA_VERSION:
                raise CorruptVault(
                    f"it was written by a newer version (schema {version})",
                    "newer-schema",
                    version=version,
                )
            raise CorruptVault("it has no known schema version")
        _expect(set(data) <= {"schema", "active_id", "tokens", "invitations"}, "unknown keys")
        tokens = tuple(_parse_token(item) for item in _list(data.get("tokens", [])))
        invitations = tuple(_parse_invitation(item) for item in _list(data.get("invitations", [])))
        ids = [record.id for record in tokens]
        _expect(len(set(ids)) == len(ids), "two tokens share an id")
        values = [record.value for record in tokens]
        _expect(len(set(values)) == len(values), "two tokens share a value")
        active_id = data.get("active_id")
        _expect(active_id is None or active_id in ids, "the active id is unknown")
        return cls(tokens=tokens, active_id=active_id, invitations=invitations)


def _expect(condition: bool, reason: str) -> None:
    if not condition:
        raise CorruptVault(reason)


def _list(value: object) -> list[Any]:
    _expect(isinstance(value, list), "a list is not a list")
    return value  # type: ignore[return-value]


def _is_timestamp(value: object) -> bool:
    return validate.parse_timestamp(value) is not None


def _parse_token(item: object) -> TokenRecord:
    _expect(isinstance(item, dict), "a token is not an object")
    assert isinstance(item, dict)
    keys = {
        "id",
        "label",
        "value",
        "name",
        "role",
        "issuer",
        "expires_at",
        "added_at",
        "verified_at",
    }
    _expect(set(item) == keys, "a token has missing or unknown keys")
    _expect(validate.is_record_id(item["id"]), "a token id is malformed")
    _expect(validate.is_label(item["label"]), "a label is malformed")
    _expect(validate.is_token_value(item["value"]), "a token value is malformed")
    _expect(validate.is_text(item["name"]), "a token name is malformed")
    _expect(item["role"] in validate.ROLES, "a role is unknown")
    _expect(validate.is_text(item["issuer"], allow_empty=True), "an issuer is malformed")
    expires_at = item["expires_at"]
    _expect(expires_at is None or _is_timestamp(expires_at), "an expiry is malformed")
    _expect(_is_timestamp(item["added_at"]), "a date is malformed")
    _expect(_is_timestamp(item["verified_at"]), "a date is malformed")
    return TokenRecord(
        id=item["id"],
        label=item["label"],
        value=item["value"],
        metadata=TokenMetadata(
            name=item["name"], role=item["role"], issuer=item["issuer"], expires_at=expires_at
        ),
        added_at=item["added_at"],
        verified_at=item["verified_at"],
    )


def _parse_invitation(item: object) -> Invitation:
    _expect(isinstance(item, dict), "an invitation is not an object")
    assert isinstance(item, dict)
    keys = {"id", "name", "role", "expires_at", "refresh_ttl", "created_at"}
    _expect(set(item) == keys, "an invitation has missing or unknown keys")
    _expect(validate.is_record_id(item["id"]), "an invitation id is malformed")
    _expect(validate.is_text(item["name"]), "an invitation name is malformed")
    _expect(item["role"] in validate.ROLES, "a role is unknown")
    _expect(_is_timestamp(item["expires_at"]), "a date is malformed")
    _expect(_is_timestamp(item["created_at"]), "a date is malformed")
    refresh_ttl = item["refresh_ttl"]
    _expect(refresh_ttl is None or isinstance(refresh_ttl, str), "a lifetime is malformed")
    return Invitation(**item)
