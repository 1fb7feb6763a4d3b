"""Input checks: what is accepted, what is refused, and that messages never echo a value."""

from __future__ import annotations

from pathlib import Path

import pytest

from jupyterlab_mlplatform_tokens import validate as check
from jupyterlab_mlplatform_tokens.validate import InputError


@pytest.mark.parametrize("value", ["a", "mlp_rt_AbC-123.~!#$%&'*+/=?^`{|}", "x" * 4096])
def test_token_values_accepted(value: str) -> None:
    assert check.token_value(value) == value


@pytest.mark.parametrize(
    "value",
    ["", "x" * 4097, "has space", "tab\there", "new\nline", "café", "nul\x00", None, 42],
)
def test_token_values_refused_without_echo(value: object) -> None:
    with pytest.raises(InputError) as refused:
        check.token_value(value)
    if isinstance(value, str) and value:
        assert value not in str(refused.value)


def test_the_bound_matches_the_typescript_client() -> None:
    limits = Path(__file__).resolve().parents[2] / "src" / "api" / "limits.ts"
    assert "TOKEN_VALUE_MAX_LENGTH = 4096;" in limits.read_text(encoding="utf-8")
    assert check.TOKEN_VALUE_MAX_LENGTH == 4096


def test_labels_are_trimmed_and_kept_as_typed() -> None:
    assert check.label("  Команда <b>x</b> & 'y'  ") == "Команда <b>x</b> & 'y'"
    assert check.label("x" * 100) == "x" * 100


@pytest.mark.parametrize("value", ["", "   ", "x" * 101, "bad\nline", "bidi\u202e", 7, None])
def test_labels_refused(value: object) -> None:
    with pytest.raises(InputError):
        check.label(value)


def test_timestamps_are_normalised_to_utc() -> None:
    assert (
        check.timestamp("2030-01-31T15:00:00+03:00", "exp", nullable=True) == "2030-01-31T12:00:00Z"
    )
    assert check.timestamp("2030-01-31T12:00:00.123Z", "exp", nullable=True) == (
        "2030-01-31T12:00:00Z"
    )
    assert check.timestamp(None, "exp", nullable=True) is None


@pytest.mark.parametrize("value", ["2030-01-31", "2030-01-31T12:00:00", "tomorrow", 5, None])
def test_timestamps_refused(value: object) -> None:
    with pytest.raises(InputError):
        check.timestamp(value, "expires_at", nullable=False)


@pytest.mark.parametrize("value", ["2h45m30s", "90m", "45s", "1h30s", "1d", "x" * 32])
def test_ttl_notes_accepted(value: str) -> None:
    # A note of what the platform was sent: short printable text, no grammar.
    assert check.ttl(value, "refresh_ttl") == value


@pytest.mark.parametrize("value", ["", " 5m", "5m ", "5m\n", "5\x00m", "x" * 33, 5, None])
def test_ttl_notes_refused(value: object) -> None:
    with pytest.raises(InputError):
        check.ttl(value, "refresh_ttl")


def test_bodies_must_be_objects_with_known_fields() -> None:
    assert check.json_object(b'{"label": "x"}', ("label",)) == {"label": "x"}
    for body in (b"", b"[1]", b"not json", b'"x"'):
        with pytest.raises(InputError):
            check.json_object(body, ("label",))
    with pytest.raises(InputError, match="unknown field 'extra'"):
        check.json_object(b'{"extra": 1}', ("label",))
    with pytest.raises(InputError, match="unknown field '\\?'"):
        check.json_object(b'{"mlp_rt secret value": 1}', ("label",))
    with pytest.raises(InputError):
        check.json_object(b"{" + b" " * check.BODY_MAX_BYTES + b"}", ("label",))


def test_record_ids() -> None:
    assert check.is_record_id("0123456789abcdef" * 2)
    assert not check.is_record_id("0123456789ABCDEF" * 2)
    assert not check.is_record_id("../" + "a" * 29)
