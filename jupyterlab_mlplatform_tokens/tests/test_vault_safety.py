"""A vault another user could control is refused; its lock never stalls the server.

A custom ``vault_path`` may point into a folder that other users can write to
(or that they own), where they could replace or delete the vault or hold its
lock file. Such a vault is refused with one sentence; waiting for the lock is
bounded, and the vault's file work runs off the Jupyter event loop, so a held
lock delays only the vault request. Every ``OSError`` becomes one sentence.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from jupyterlab_mlplatform_tokens.records import VaultBusy, VaultError
from jupyterlab_mlplatform_tokens.vault import Vault

from .conftest import USER_META, call
from .test_vault import add

VALUE = "mlp_rt_safety_value_1234"
OTHER_UID = 65534  # nobody


@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    return Vault(tmp_path / "mlplatform_tokens" / "vault.json")


def _refused(vault: Vault, words: str) -> None:
    with pytest.raises(VaultError) as read_error:
        vault.read()
    assert words in str(read_error.value)
    with pytest.raises(VaultError) as write_error:
        add(vault, "mlp_rt_refused_value")
    assert words in str(write_error.value)
    for error in (read_error.value, write_error.value):
        assert str(error).count(".") >= 1 and "\n" not in str(error)


needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="giving a file away needs root")


@needs_root
def test_a_folder_of_another_user_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "theirs"
    folder.mkdir(mode=0o755)
    os.chown(folder, OTHER_UID, OTHER_UID)
    _refused(Vault(folder / "vault.json", own_folder=False), "belongs to another user")
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("mode", [0o777, 0o1777, 0o770, 0o722])
def test_a_folder_others_can_write_is_refused(tmp_path: Path, mode: int) -> None:
    folder = tmp_path / "open"
    folder.mkdir()
    os.chmod(folder, mode)
    vault = Vault(folder / "vault.json", own_folder=False)
    _refused(vault, "can write to the vault's folder")
    assert not vault.path.exists()
    assert os.stat(folder).st_mode & 0o7777 == mode  # an admin's folder is not changed


def test_an_existing_vault_in_a_folder_others_can_write_is_not_used(tmp_path: Path) -> None:
    folder = tmp_path / "was-private"
    folder.mkdir(mode=0o700)
    vault = Vault(folder / "vault.json", own_folder=False)
    add(vault, VALUE)
    before = vault.path.read_bytes()
    os.chmod(folder, 0o777)  # noqa: S103 - the test's point
    _refused(Vault(vault.path, own_folder=False), "can write to the vault's folder")
    assert vault.path.read_bytes() == before


@needs_root
def test_a_vault_file_of_another_user_is_refused_and_left_in_place(vault: Vault) -> None:
    add(vault, VALUE)
    before = vault.path.read_bytes()
    os.chown(vault.path, OTHER_UID, OTHER_UID)
    _refused(Vault(vault.path), "belongs to another user")
    assert vault.path.read_bytes() == before
    assert not list(vault.path.parent.glob("*.corrupt-*"))


@needs_root
def test_a_lock_file_of_another_user_is_refused(vault: Vault) -> None:
    add(vault, VALUE)
    os.chown(vault.lock_path, OTHER_UID, OTHER_UID)
    _refused(Vault(vault.path), "lock file")


def test_a_directory_in_place_of_the_lock_file_is_one_sentence(vault: Vault) -> None:
    add(vault, VALUE)
    vault.lock_path.unlink()
    vault.lock_path.mkdir()
    _refused(Vault(vault.path), "lock file")


def test_the_writer_never_puts_a_file_its_reader_refuses(vault: Vault) -> None:
    add(vault, VALUE)
    before = vault.path.read_bytes()
    state = vault.read()
    record = state.tokens[0]
    broken = type(record.metadata)(
        name=record.metadata.name, role="USER", issuer="", expires_at="1-01-01T00:00:00Z"
    )
    with pytest.raises(VaultError) as error:
        vault.update(
            lambda current: (current.with_verification(record.id, broken, record.added_at)[0], 0)
        )
    assert "not saved" in str(error.value)
    assert VALUE not in str(error.value)
    assert vault.path.read_bytes() == before
    assert Vault(vault.path).read() == state


HOLDER = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


def hold_lock(path: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process holds the vault's lock for ``seconds``."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_held_lock_is_waited_for_only_so_long(vault: Vault) -> None:
    add(vault, VALUE)
    Path(vault.path).touch()  # the next read must take the lock
    holder = hold_lock(vault.lock_path, 30)
    try:
        started = time.monotonic()
        with pytest.raises(VaultBusy) as error:
            Vault(vault.path).read(wait=0.3)
        assert 0.25 <= time.monotonic() - started < 3
        assert "in use by another process" in str(error.value)
    finally:
        holder.kill()
        holder.wait()
    assert len(Vault(vault.path).read().tokens) == 1


def test_a_lock_released_within_the_wait_is_taken(vault: Vault) -> None:
    add(vault, VALUE)
    holder = hold_lock(vault.lock_path, 0.3)
    try:
        assert add(vault, "mlp_rt_after_the_wait")
    finally:
        holder.wait()
    assert len(vault.read().tokens) == 2


async def test_a_held_lock_does_not_stall_the_server(jp_fetch: Any, vault_file: Path) -> None:
    status, _ = await call(
        jp_fetch, "POST", "tokens", body={"value": VALUE, **USER_META, "activate": True}
    )
    assert status == 201
    holder = hold_lock(vault_file.with_name("vault.json.lock"), 30)
    try:
        vault_file.touch()  # the cache is stale: the next read needs the lock
        waiting = asyncio.ensure_future(call(jp_fetch, "GET", "tokens"))
        await asyncio.sleep(0.2)
        # Jupyter's own API answers at once while the vault request waits.
        started = time.monotonic()
        response = await jp_fetch("api", "status", method="GET")
        assert response.code == 200
        assert time.monotonic() - started < 1.0
        assert not waiting.done()
        status, answer = await waiting
        assert status == 503
        assert "in use by another process" in answer["message"]
    finally:
        holder.kill()
        holder.wait()
    status, answer = await call(jp_fetch, "GET", "tokens")
    assert status == 200 and len(answer["tokens"]) == 1


@pytest.mark.parametrize("mlp_config", [{"vault_path": "/proc/vault.json"}])
async def test_an_unwritable_location_is_one_sentence_and_the_server_runs(
    jp_fetch: Any,
) -> None:
    status, answer = await call(jp_fetch, "GET", "status")
    assert status == 200
    status, answer = await call(jp_fetch, "POST", "tokens", body={"value": VALUE, **USER_META})
    assert status in (500, 503)
    message = answer["message"]
    assert VALUE not in message and "Traceback" not in message and "\n" not in message
    status, answer = await call(jp_fetch, "GET", "tokens")
    assert status == 200 and answer["tokens"] == []
