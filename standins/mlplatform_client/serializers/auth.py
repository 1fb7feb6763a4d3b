"""Token roles and descriptions.

Documented: ``MLPTokenType`` with members ``USER`` and ``ADMIN``; ``who_am_i()``
answers an object printed as ``Token <name>:`` followed by ``id``, ``type``,
``issuer_name`` and ``exp`` (``None`` = never expires). Guessed: it is a plain
object with those attributes, ``type`` an ``MLPTokenType`` and ``exp`` a
``datetime``.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum


class MLPTokenType(str, Enum):
    USER = "USER"
    ADMIN = "ADMIN"


class TokenInfo:
    """What the library says about an access token (never its value)."""

    def __init__(
        self,
        *,
        id: str,
        name: str,
        type: MLPTokenType,
        issuer_name: str,
        exp: datetime | None,
    ) -> None:
        self.id = id
        self.name = name
        self.type = type
        self.issuer_name = issuer_name
        self.exp = exp

    def __str__(self) -> str:
        return (
            f"Token {self.name}:\n  id: {self.id}\n  type: {self.type.value}\n"
            f"  issuer_name: {self.issuer_name}\n  exp: {self.exp}"
        )
