"""Property tests: whatever the REST API accepts is read back identically after a restart.

Records are generated field by field at and beyond the limits the validators
enforce (timestamps of every year, offsets and fractions; names, issuers and
labels of any characters and lengths; invitations), sent through the same
checks the handlers use, saved, and read by a fresh :class:`Vault` as a
restarted server would. Nothing may be set aside, and nothing may differ.
"""

from __future__ import annotations

import json
import string
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jupyterlab_mlplatform_tokens import validate as check
from jupyterlab_mlplatform_tokens.handlers import _metadata
from jupyterlab_mlplatform_tokens.records import Invitation, VaultState, new_id
from jupyterlab_mlplatform_tokens.vault import Vault

PROPERTY = settings(
    max_examples=300,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)

# Field generators ----------------------------------------------------------------------


def _two(low: int, high: int) -> st.SearchStrategy[str]:
    return st.integers(low, high).map(lambda number: f"{number:02d}")


#: Date-times in the grammar the validator accepts: every year 0000-9999, every
#: offset, fractions of 1 to 9 digits, both spellings of the zone and the T.
timestamps = st.builds(
    lambda year, month, day, t, hour, minute, second, fraction, zone: (
        f"{year:04d}-{month}-{day}{t}{hour}:{minute}:{second}{fraction}{zone}"
    ),
    st.integers(0, 9999),
    _two(0, 13),
    _two(0, 32),
    st.sampled_from("Tt"),
    _two(0, 24),
    _two(0, 60),
    _two(0, 60),
    st.one_of(st.just(""), st.text("0123456789", min_size=1, max_size=9).map(lambda d: "." + d)),
    st.one_of(
        st.sampled_from(["Z", "z", "+00:00", "-00:00", "+14:00", "-14:00", "+23:59", "-23:59"]),
        st.builds(
            lambda sign, hours, minutes: f"{sign}{hours}:{minutes}",
            st.sampled_from("+-"),
            _two(0, 24),
            _two(0, 60),
        ),
    ),
)

#: Names and issuers as a platform might send them: any characters, any length
#: around the limit, and the edges (zero time, spaces, non-Latin scripts).
texts = st.one_of(
    st.text(max_size=300),
    st.text(string.printable, max_size=300),
    st.text(st.characters(codec="utf-8"), min_size=250, max_size=260),
    st.sampled_from(["", " ", "Команда ✓", "a" * 256, "a" * 257, "\u00a0", "x\u200by"]),
)

values = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=4096)


def _accepted(check_fn: Any, *args: Any, **kwargs: Any) -> Any:
    """The checked value, or ``None`` when the validator refuses it (as a 400 would)."""
    try:
        return check_fn(*args, **kwargs)
    except check.InputError:
        return _REFUSED


_REFUSED = object()


def _restart_read(path: Path) -> tuple[VaultState, Vault]:
    fresh = Vault(path)
    return fresh.read(), fresh


# Properties ----------------------------------------------------------------------------


@PROPERTY
@given(
    records=st.lists(
        st.fixed_dictionaries(
            {
                "value": values,
                "name": texts,
                "role": st.sampled_from(["USER", "ADMIN", "user", ""]),
                "issuer": texts,
                "expires_at": st.one_of(st.none(), timestamps),
                "label": st.one_of(st.none(), texts),
            }
        ),
        min_size=1,
        max_size=5,
    )
)
def test_every_accepted_token_reads_back_identically_after_a_restart(
    records: list[dict[str, Any]],
) -> None:
    with TemporaryDirectory() as folder:
        path = Path(folder) / "mlplatform_tokens" / "vault.json"
        vault = Vault(path)
        for data in records:
            try:
                value = check.token_value(data["value"])
                metadata = _metadata(data)
                label = (
                    check.label(data["label"])
                    if data["label"] is not None
                    else check.label(metadata.name[:100])
                )
            except check.InputError:
                continue
            vault.update(
                lambda state, value=value, label=label, metadata=metadata: (
                    state.with_token(value, label, metadata, check.now_timestamp())[0],
                    None,
                )
            )
        saved = vault.read()
        again, fresh = _restart_read(path)
        assert fresh.path_problem is None, fresh.path_problem
        assert vault.path_problem is None, vault.path_problem
        assert again == saved
        assert not list(path.parent.glob("*.corrupt-*"))


@PROPERTY
@given(
    notes=st.lists(
        st.fixed_dictionaries(
            {
                "name": texts,
                "role": st.sampled_from(["USER", "ADMIN"]),
                "expires_at": timestamps,
                "refresh_ttl": st.one_of(
                    st.none(),
                    st.from_regex(r"([0-9]{1,9}h)?([0-9]{1,9}m)?([0-9]{1,9}s)?", fullmatch=True),
                ),
            }
        ),
        min_size=1,
        max_size=5,
    )
)
def test_every_accepted_invitation_reads_back_identically_after_a_restart(
    notes: list[dict[str, Any]],
) -> None:
    with TemporaryDirectory() as folder:
        path = Path(folder) / "mlplatform_tokens" / "vault.json"
        vault = Vault(path)
        for data in notes:
            try:
                invitation = Invitation(
                    id=new_id(),
                    name=check.text(data["name"], "name"),
                    role=check.role(data["role"]),
                    expires_at=str(
                        check.timestamp(data["expires_at"], "expires_at", nullable=False)
                    ),
                    refresh_ttl=(
                        None
                        if data["refresh_ttl"] is None
                        else check.ttl(data["refresh_ttl"], "refresh_ttl")
                    ),
                    created_at=check.now_timestamp(),
                )
            except check.InputError:
                continue
            vault.update(lambda state, item=invitation: (state.with_invitation(item), None))
        saved = vault.read()
        again, fresh = _restart_read(path)
        assert fresh.path_problem is None, fresh.path_problem
        assert again == saved


@PROPERTY
@given(moment=timestamps)
def test_a_timestamp_the_validator_accepts_is_one_its_reader_accepts(moment: str) -> None:
    try:
        normalised = check.timestamp(moment, "expires_at", nullable=False)
    except check.InputError:
        return
    assert check.parse_timestamp(normalised) is not None, normalised
    assert check.timestamp(normalised, "expires_at", nullable=False) == normalised
    original = check.parse_timestamp(moment)
    assert original is not None
    assert check.parse_timestamp(normalised) == original.replace(microsecond=0)


@PROPERTY
@given(label=texts)
def test_a_label_the_validator_accepts_is_one_its_reader_accepts(label: str) -> None:
    try:
        cleaned = check.label(label)
    except check.InputError:
        return
    assert check.is_label(cleaned)
    assert json.loads(json.dumps(cleaned, ensure_ascii=False)) == cleaned
