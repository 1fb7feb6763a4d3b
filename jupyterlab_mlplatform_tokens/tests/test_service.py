"""The service: every change to the vault, failed or not, leaves the environment matching
what the vault file says."""

from __future__ import annotations

from pathlib import Path

import pytest

from jupyterlab_mlplatform_tokens.kernel_env import KernelEnvironment
from jupyterlab_mlplatform_tokens.records import RecordNotFound, TokenMetadata
from jupyterlab_mlplatform_tokens.service import TokenService
from jupyterlab_mlplatform_tokens.vault import Vault

META = TokenMetadata(name="alice", role="USER", issuer="", expires_at=None)
NAME = "MLP_REFRESH_TOKEN"


@pytest.fixture
def environ() -> dict[str, str]:
    return {}


@pytest.fixture
def service(tmp_path: Path, environ: dict[str, str]) -> TokenService:
    vault = Vault(tmp_path / "vault" / "vault.json")
    return TokenService(vault, KernelEnvironment([NAME], environ=environ))


async def test_adding_with_activation_sets_the_environment(
    service: TokenService, environ: dict[str, str]
) -> None:
    added = await service.add("mlp_rt_value_one", None, META, activate=True)
    assert added.created and added.active
    assert added.record.label == "alice"
    assert environ == {NAME: "mlp_rt_value_one"}


async def test_adding_a_known_value_again_activates_the_existing_record(
    service: TokenService, environ: dict[str, str]
) -> None:
    first = await service.add("mlp_rt_value_one", "Mine", META, activate=False)
    again = await service.add("mlp_rt_value_one", "Other", META, activate=True)
    assert not again.created
    assert again.record.id == first.record.id
    assert again.record.label == "Mine"
    assert environ == {NAME: "mlp_rt_value_one"}


async def test_switching_and_removing(service: TokenService, environ: dict[str, str]) -> None:
    one = (await service.add("mlp_rt_value_one", None, META, activate=True)).record
    two = (await service.add("mlp_rt_value_two", None, META, activate=False)).record
    await service.activate(two.id)
    assert environ == {NAME: "mlp_rt_value_two"}
    await service.remove(one.id)
    assert environ == {NAME: "mlp_rt_value_two"}
    await service.remove(two.id)
    assert environ == {}


async def test_a_failed_change_leaves_the_environment_as_the_file_says(
    service: TokenService, environ: dict[str, str]
) -> None:
    await service.add("mlp_rt_value_one", None, META, activate=True)
    environ[NAME] = "tampered"
    with pytest.raises(RecordNotFound):
        await service.activate("0" * 32)
    assert environ == {NAME: "mlp_rt_value_one"}


async def test_start_applies_the_saved_active_token(tmp_path: Path) -> None:
    path = tmp_path / "vault" / "vault.json"
    await TokenService(Vault(path), KernelEnvironment([NAME], environ={})).add(
        "mlp_rt_value_one", None, META, activate=True
    )
    environ: dict[str, str] = {NAME: "left over"}
    TokenService(Vault(path), KernelEnvironment([NAME], environ=environ)).start()
    assert environ == {NAME: "mlp_rt_value_one"}
    TokenService(
        Vault(tmp_path / "empty" / "vault.json"), KernelEnvironment([NAME], environ=environ)
    ).start()
    assert environ == {}
