"""Checks of everything that comes in over REST: each returns a clean value or raises InputError.

Messages are one sentence for the user and never contain the offending value
(it might be a secret pasted into the wrong field).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

from .messages import CodedError

#: Longest token value accepted; the browser client uses the same bound
#: (`TOKEN_VALUE_MAX_LENGTH` in `src/api/limits.ts`).
TOKEN_VALUE_MAX_LENGTH = 4096

#: Longest label, in characters, after trimming.
LABEL_MAX_LENGTH = 100

#: Longest access-token name or issuer name kept from who-am-i.
NAME_MAX_LENGTH = 256

#: Longest JSON request body of the vault endpoints.
BODY_MAX_BYTES = 64 * 1024

ROLES = ("USER", "ADMIN")

_ID = re.compile(r"[0-9a-f]{32}")
#: RFC 3339 date-time with a zone, ASCII only (fromisoformat alone is laxer).
_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})"
)
#: Longest lifetime note (``refresh_ttl``) kept with an invitation.
_TTL_MAX_LENGTH = 32


class InputError(CodedError, ValueError):
    """Bad input; ``str(error)`` is the sentence to show.

    ``code`` and ``params`` say the same for the frontend (``messages.py``).
    """


def json_object(body: bytes, allowed: Iterable[str]) -> dict[str, Any]:
    """Parse a request body that must be a JSON object with only ``allowed`` keys."""
    if len(body) > BODY_MAX_BYTES:
        raise InputError(
            "body-too-large",
            f"The request body is larger than {BODY_MAX_BYTES // 1024} KiB.",
            max_kib=BODY_MAX_BYTES // 1024,
        )
    try:
        data = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise InputError("body-not-json", "The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise InputError("body-not-object", "The request body must be a JSON object.")
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        # Keys are names the client chose, not values; still, show only a short, safe form.
        shown = unknown[0] if _is_safe_key(unknown[0]) else "?"
        raise InputError(
            "field-unknown", f"The request has an unknown field '{shown}'.", field=shown
        )
    return data


def _is_safe_key(key: str) -> bool:
    return len(key) <= 40 and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key) is not None


def required(data: Mapping[str, Any], key: str) -> Any:
    """``data[key]``, or InputError naming the missing field."""
    if key not in data:
        raise InputError("field-required", f"The field '{key}' is required.", field=key)
    return data[key]


def is_token_value(value: object) -> bool:
    """Whether ``value`` is a possible token: 1 to 4096 printable ASCII characters, no spaces."""
    return (
        isinstance(value, str)
        and 0 < len(value) <= TOKEN_VALUE_MAX_LENGTH
        and all("!" <= char <= "~" for char in value)
    )


def token_value(value: object) -> str:
    """A token value as pasted: printable ASCII without spaces, 1 to 4096 characters."""
    if not isinstance(value, str) or value == "":
        raise InputError("token-empty", "The token value is empty.")
    if len(value) > TOKEN_VALUE_MAX_LENGTH:
        raise InputError(
            "token-too-long",
            f"The token value is longer than {TOKEN_VALUE_MAX_LENGTH} characters.",
            max=TOKEN_VALUE_MAX_LENGTH,
        )
    if not is_token_value(value):
        raise InputError(
            "token-not-ascii",
            "The token value may contain only printable ASCII characters without spaces.",
        )
    return value


def is_label(value: object) -> bool:
    """Whether ``value`` is a label as stored: trimmed, 1 to 100 printable characters."""
    return (
        isinstance(value, str)
        and value == value.strip()
        and 0 < len(value) <= LABEL_MAX_LENGTH
        and value.isprintable()
    )


def label(value: object) -> str:
    """A label: trimmed, 1 to 100 printable characters, kept exactly as typed otherwise."""
    if not isinstance(value, str):
        raise InputError("label-not-text", "The label must be text.")
    text = value.strip()
    if not text:
        raise InputError("label-empty", "The label is empty.")
    if len(text) > LABEL_MAX_LENGTH:
        raise InputError(
            "label-too-long",
            f"The label is longer than {LABEL_MAX_LENGTH} characters.",
            max=LABEL_MAX_LENGTH,
        )
    if not text.isprintable():
        raise InputError("label-not-printable", "The label may contain only printable characters.")
    return text


def is_text(value: object, *, allow_empty: bool = False) -> bool:
    """Whether ``value`` is a short printable string (names, issuers)."""
    return (
        isinstance(value, str)
        and (allow_empty or value != "")
        and len(value) <= NAME_MAX_LENGTH
        and value.isprintable()
    )


def text(value: object, field: str, *, allow_empty: bool = False) -> str:
    """A short printable string such as a token name or an issuer."""
    if not is_text(value, allow_empty=allow_empty):
        need = "" if allow_empty else "non-empty, "
        raise InputError(
            "field-not-text-or-empty" if allow_empty else "field-not-text",
            f"The field '{field}' must be {need}printable text of at most "
            f"{NAME_MAX_LENGTH} characters.",
            field=field,
            max=NAME_MAX_LENGTH,
        )
    return str(value)


def role(value: object) -> str:
    """``USER`` or ``ADMIN``."""
    if value not in ROLES:
        raise InputError("role-invalid", "The field 'role' must be USER or ADMIN.", field="role")
    return str(value)


def timestamp(value: object, field: str, *, nullable: bool) -> str | None:
    """An RFC 3339 date-time, returned in UTC as ``YYYY-MM-DDTHH:MM:SSZ``."""
    if value is None and nullable:
        return None
    parsed = parse_timestamp(value)
    if parsed is None:
        extra = " or null" if nullable else ""
        raise InputError(
            "field-not-timestamp-or-null" if nullable else "field-not-timestamp",
            f"The field '{field}' must be a date-time such as 2030-01-31T12:00:00Z{extra}.",
            field=field,
        )
    return format_timestamp(parsed)


def parse_timestamp(value: object) -> datetime | None:
    """An aware datetime from an RFC 3339 string with a zone, or None."""
    if not isinstance(value, str) or not 0 < len(value) <= 40:
        return None
    if _TIMESTAMP.fullmatch(value) is None:
        return None
    text_value = value
    if text_value[-1:] in ("Z", "z"):
        text_value = text_value[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text_value)
        # Out-of-range once in UTC (e.g. year 9999 at -14:00): not a usable date.
        parsed.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        return None
    if parsed.tzinfo is None:
        return None
    return parsed


def format_timestamp(moment: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` in UTC (sub-seconds dropped), the year always four digits.

    Not ``strftime``: the C library writes years before 1000 without their
    leading zeros (``1-01-01T00:00:00Z`` for Go's zero time), which is no
    RFC 3339 date-time and which :func:`parse_timestamp` rightly refuses.
    """
    utc = moment.astimezone(timezone.utc)
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}"
        f"T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}Z"
    )


def now_timestamp() -> str:
    """The current time as ``YYYY-MM-DDTHH:MM:SSZ``."""
    return format_timestamp(datetime.now(timezone.utc))


def is_record_id(value: object) -> bool:
    """Whether ``value`` looks like a vault record id (32 lowercase hex digits)."""
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def ttl(value: object, field: str) -> str:
    """A lifetime as the administrator typed it (``2h45m30s``), kept as a note.

    The server only stores ``refresh_ttl`` beside an invitation and never
    computes with it; the platform checked its grammar when it created the
    registration token. So this is a plain short-text check: printable, no
    spaces around it, at most 32 characters.
    """
    if (
        isinstance(value, str)
        and 0 < len(value) <= _TTL_MAX_LENGTH
        and value.isprintable()
        and value.strip() == value
    ):
        return value
    raise InputError(
        "field-not-ttl",
        f"The field '{field}' must be a duration such as 2h45m30s, 90m or 45s.",
        field=field,
    )


def boolean(value: object, field: str) -> bool:
    """A JSON true or false."""
    if not isinstance(value, bool):
        raise InputError(
            "field-not-boolean", f"The field '{field}' must be true or false.", field=field
        )
    return value
