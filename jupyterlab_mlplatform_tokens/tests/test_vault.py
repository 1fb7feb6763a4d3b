"""The vault file: permissions, atomic writes, locking across processes, bad files kept aside."""

from __future__ import annotations

import json
import os
import random
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jupyterlab_mlplatform_tokens.records import (
    MAX_TOKENS,
    RecordNotFound,
    TokenMetadata,
    VaultFull,
    VaultState,
    fingerprint,
)
from jupyterlab_mlplatform_tokens.vault import Vault

META = TokenMetadata(name="alice", role="USER", issuer="admin-1", expires_at=None)
NOW = "2030-01-01T00:00:00Z"


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def add(vault: Vault, value: str, label: str = "label", activate: bool = False) -> str:
    def change(state: VaultState) -> tuple[VaultState, str]:
        new_state, record, _ = state.with_token(value, label, META, NOW)
        if activate:
            new_state = new_state.with_active(record.id)
        return new_state, record.id

    return vault.update(change)


def rename(vault: Vault, record_id: str, label: str) -> None:
    vault.update(lambda state: (state.with_label(record_id, label)[0], None))


@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    return Vault(tmp_path / "mlplatform_tokens" / "vault.json")


# Permissions ---------------------------------------------------------------------------


def test_file_is_0600_in_a_0700_folder_on_create_and_after_every_write(vault: Vault) -> None:
    record_id = add(vault, "mlp_rt_first_value")
    assert mode(vault.path) == 0o600
    assert mode(vault.path.parent) == 0o700
    assert mode(vault.lock_path) == 0o600
    for step in range(5):
        rename(vault, record_id, f"step {step}")
        add(vault, f"mlp_rt_other_{step:04d}")
        assert mode(vault.path) == 0o600
        assert mode(vault.path.parent) == 0o700


def test_loose_permissions_are_tightened(vault: Vault) -> None:
    add(vault, "mlp_rt_first_value")
    os.chmod(vault.path, 0o644)
    os.chmod(vault.path.parent, 0o755)  # noqa: S103 - the test's point
    fresh = Vault(vault.path)
    assert len(fresh.read().tokens) == 1
    assert mode(vault.path) == 0o600
    assert mode(vault.path.parent) == 0o700


def test_a_shared_folder_chosen_by_the_admin_is_left_alone(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o755)  # noqa: S103 - the test's point
    vault = Vault(shared / "vault.json", own_folder=False)
    add(vault, "mlp_rt_first_value")
    assert mode(shared) == 0o755
    assert mode(vault.path) == 0o600


def test_a_folder_the_vault_creates_is_0700_even_when_not_its_own(tmp_path: Path) -> None:
    vault = Vault(tmp_path / "new" / "vault.json", own_folder=False)
    add(vault, "mlp_rt_first_value")
    assert mode(tmp_path / "new") == 0o700


def test_the_file_holds_a_schema_version(vault: Vault) -> None:
    add(vault, "mlp_rt_first_value")
    data = json.loads(vault.path.read_text())
    assert data["schema"] == 1
    assert data["tokens"][0]["value"] == "mlp_rt_first_value"


# Bad files are kept aside --------------------------------------------------------------

BAD_CONTENTS = {
    "not JSON": b'{"schema": 1, "tokens": [',
    "not UTF-8": b"\xff\xfe\x00garbage",
    "no schema": b'{"tokens": []}',
    "newer schema": b'{"schema": 99, "tokens": []}',
    "a list": b"[]",
    "value with a space": json.dumps(
        {
            "schema": 1,
            "active_id": None,
            "tokens": [
                {
                    "id": "0" * 32,
                    "label": "x",
                    "value": "has space",
                    "name": "a",
                    "role": "USER",
                    "issuer": "",
                    "expires_at": None,
                    "added_at": NOW,
                    "verified_at": NOW,
                }
            ],
            "invitations": [],
        }
    ).encode(),
    "unknown active id": b'{"schema": 1, "active_id": "abc", "tokens": [], "invitations": []}',
}


@pytest.mark.parametrize("content", BAD_CONTENTS.values(), ids=BAD_CONTENTS.keys())
def test_a_corrupt_file_is_kept_aside_and_the_vault_starts_empty(
    vault: Vault, content: bytes
) -> None:
    vault.path.parent.mkdir(mode=0o700)
    vault.path.write_bytes(content)
    assert vault.read() == VaultState()
    problem = vault.path_problem
    assert problem is not None
    kept = Path(problem.moved_to)
    assert kept.parent == vault.path.parent
    assert kept.name.startswith("vault.json.corrupt-")
    assert kept.read_bytes() == content
    assert mode(kept) == 0o600
    assert not vault.path.exists()
    assert "kept as" in problem.message
    # The vault works again and the old file stays.
    add(vault, "mlp_rt_after_trouble")
    assert len(vault.read().tokens) == 1
    assert kept.read_bytes() == content


def test_a_symlink_in_place_of_the_file_is_kept_aside(vault: Vault, tmp_path: Path) -> None:
    vault.path.parent.mkdir(mode=0o700)
    target = tmp_path / "elsewhere.json"
    target.write_text('{"schema": 1, "tokens": []}')
    vault.path.symlink_to(target)
    assert vault.read() == VaultState()
    assert vault.path_problem is not None
    assert Path(vault.path_problem.moved_to).is_symlink()
    assert target.exists()


def test_two_corruptions_in_the_same_instant_keep_both_files(vault: Vault) -> None:
    vault.path.parent.mkdir(mode=0o700)
    vault.path.write_bytes(b"one")
    vault.read()
    first = vault.path_problem
    vault.path.write_bytes(b"two")
    vault.read()
    second = vault.path_problem
    assert first is not None and second is not None
    assert first.moved_to != second.moved_to
    assert Path(first.moved_to).read_bytes() == b"one"
    assert Path(second.moved_to).read_bytes() == b"two"


def test_temporary_files_left_by_a_dead_writer_are_removed(vault: Vault) -> None:
    add(vault, "mlp_rt_first_value")
    leftover = vault.path.parent / ".vault.json.deadbeef.tmp"
    leftover.write_text("half a secret")
    add(vault, "mlp_rt_second_value")
    assert not leftover.exists()


def test_a_failed_change_leaves_the_file_untouched(vault: Vault) -> None:
    add(vault, "mlp_rt_first_value")
    before = vault.path.read_bytes()
    with pytest.raises(RecordNotFound):
        rename(vault, "f" * 32, "new")
    assert vault.path.read_bytes() == before


def test_reads_see_changes_made_by_another_instance(vault: Vault) -> None:
    other = Vault(vault.path)
    add(vault, "mlp_rt_first_value")
    assert len(other.read().tokens) == 1
    add(other, "mlp_rt_second_value")
    assert len(vault.read().tokens) == 2


# The state ---------------------------------------------------------------------------


def test_adding_the_same_value_twice_keeps_one_record() -> None:
    state, first, created = VaultState().with_token("mlp_rt_same_value", "one", META, NOW)
    assert created
    newer = TokenMetadata(name="alice", role="ADMIN", issuer="x", expires_at=None)
    state2, again, created2 = state.with_token("mlp_rt_same_value", "two", newer, NOW)
    assert not created2
    assert again.id == first.id
    assert again.label == "one"
    assert again.metadata.role == "ADMIN"
    assert len(state2.tokens) == 1


def test_removing_the_active_token_leaves_none_active() -> None:
    state, record, _ = VaultState().with_token("mlp_rt_same_value", "one", META, NOW)
    state = state.with_active(record.id)
    assert state.active_value() == "mlp_rt_same_value"
    state = state.without_token(record.id)
    assert state.active_id is None
    assert state.active_value() is None


def test_unknown_ids_are_refused() -> None:
    with pytest.raises(RecordNotFound):
        VaultState().with_active("a" * 32)
    with pytest.raises(RecordNotFound):
        VaultState().without_token("a" * 32)
    with pytest.raises(RecordNotFound):
        VaultState().without_invitation("a" * 32)


def test_the_vault_has_a_bound() -> None:
    state = VaultState()
    for index in range(MAX_TOKENS):
        state = state.with_token(f"mlp_rt_{index:08d}", "x", META, NOW)[0]
    with pytest.raises(VaultFull):
        state.with_token("mlp_rt_one_too_many", "x", META, NOW)


def test_public_records_hold_no_value() -> None:
    state, _, _ = VaultState().with_token("mlp_rt_secret_abcd", "one", META, NOW)
    public = state.public()
    assert "mlp_rt_secret_abcd" not in json.dumps(public)
    assert public["tokens"][0]["fingerprint"] == "****abcd"
    assert fingerprint("short") == "****"


def test_the_file_round_trips() -> None:
    state, record, _ = VaultState().with_token("mlp_rt_secret_abcd", "Команда ✓", META, NOW)
    state = state.with_active(record.id)
    assert VaultState.from_json(json.loads(json.dumps(state.to_json()))) == state


# Separate processes ------------------------------------------------------------------

WRITER = """
import sys
from pathlib import Path
from jupyterlab_mlplatform_tokens.records import TokenMetadata
from jupyterlab_mlplatform_tokens.vault import Vault

vault = Vault(Path(sys.argv[1]))
mode = sys.argv[2]
if mode == "rename":
    record_id, number = sys.argv[3], int(sys.argv[4])
    while True:
        number += 1
        vault.update(lambda state: (state.with_label(record_id, f"n{number}")[0], None))
        sys.stdout.write(f"{number}\\n")
        sys.stdout.flush()
else:
    meta = TokenMetadata(name="w", role="USER", issuer="", expires_at=None)
    for index in range(int(sys.argv[4])):
        value = f"mlp_rt_{sys.argv[3]}_{index:06d}"
        vault.update(
            lambda state: (state.with_token(value, "x", meta, "2030-01-01T00:00:00Z")[0], None)
        )
"""


def writer(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_concurrent_writer_processes_lose_no_update(vault: Vault) -> None:
    add(vault, "mlp_rt_first_value")
    count = 40
    writers = [writer(str(vault.path), "add", name, str(count)) for name in ("a", "b")]
    for process in writers:
        _, errors = process.communicate(timeout=60)
        assert process.returncode == 0, errors
    values = set(Vault(vault.path).read().values())
    assert len(values) == 1 + 2 * count
    assert {f"mlp_rt_{n}_{i:06d}" for n in "ab" for i in range(count)} <= values


def test_a_writer_killed_at_random_points_leaves_the_old_or_the_new_state(
    vault: Vault,
) -> None:
    """SIGKILL a writer again and again over 500 writes; the file always parses."""
    # A larger file makes a kill in the middle of a write more likely.
    for index in range(40):
        add(vault, f"mlp_rt_padding_{index:04d}_" + "x" * 1500)
    record_id = add(vault, "mlp_rt_counted_value", label="n0")
    done = 0
    rounds = 0
    rng = random.Random(20240601)  # noqa: S311 - timing, not secrets
    started = time.monotonic()
    while done < 500:
        rounds += 1
        process = writer(str(vault.path), "rename", record_id, str(done))
        assert process.stdout is not None
        target = rng.randint(1, 60)
        acknowledged = done
        while acknowledged < done + target:
            line = process.stdout.readline()
            assert line, process.stderr.read() if process.stderr else "writer died"
            acknowledged = int(line)
        # Land the kill anywhere inside one of the next writes.
        time.sleep(rng.uniform(0, 0.004))
        process.send_signal(signal.SIGKILL)
        rest, _ = process.communicate(timeout=10)
        for line in rest.split():
            acknowledged = max(acknowledged, int(line))
        state = VaultState.from_json(json.loads(vault.path.read_text()))  # never corrupt
        label = state.get(record_id).label
        assert label in (f"n{acknowledged}", f"n{acknowledged + 1}")
        assert mode(vault.path) == 0o600
        done = int(label[1:])
        assert time.monotonic() - started < 60
    assert rounds >= 10
    # The next write clears whatever temporary file a killed writer left behind.
    rename(vault, record_id, "final")
    leftovers = [p for p in vault.path.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
