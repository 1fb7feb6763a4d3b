"""The vault's REST API: what each call answers, what it refuses, and that state stays intact."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from .conftest import ADMIN_META, USER_META, add_token, call

VALUE = "mlp_rt_user_value_0001"
ADMIN_VALUE = "mlp_rt_admin_value_0002"


async def listing(jp_fetch: Any) -> dict[str, Any]:
    status, answer = await call(jp_fetch, "GET", "tokens")
    assert status == 200
    return answer


async def test_an_empty_vault(jp_fetch: Any) -> None:
    assert await listing(jp_fetch) == {"tokens": [], "active_id": None}


async def test_add_list_and_activate(jp_fetch: Any, vault_file: Path) -> None:
    added = await add_token(jp_fetch, VALUE, label="  Personal  ")
    assert added["created"] is True
    assert added["active_id"] is None
    token = added["token"]
    assert token["label"] == "Personal"
    assert token["fingerprint"] == "****0001"
    assert token["name"] == "alice"
    assert token["role"] == "USER"
    assert token["issuer"] == "admin-1"
    assert token["expires_at"] is None
    assert token["active"] is False
    assert token["added_at"] == token["verified_at"]
    assert "value" not in token
    assert "MLP_REFRESH_TOKEN" not in os.environ

    status, answer = await call(jp_fetch, "POST", "tokens", token["id"], "activate")
    assert status == 200
    assert answer["active_id"] == token["id"]
    assert answer["tokens"][0]["active"] is True
    assert os.environ["MLP_REFRESH_TOKEN"] == VALUE
    assert json.loads(vault_file.read_text())["active_id"] == token["id"]


async def test_add_and_activate_at_once(jp_fetch: Any) -> None:
    added = await add_token(jp_fetch, ADMIN_VALUE, ADMIN_META, activate=True)
    assert added["active_id"] == added["token"]["id"]
    assert added["token"]["label"] == "team-admin"  # the name when no label is given
    assert added["token"]["expires_at"] == "2031-05-01T10:00:00Z"
    assert os.environ["MLP_REFRESH_TOKEN"] == ADMIN_VALUE


async def test_no_listing_ever_contains_a_value(jp_fetch: Any) -> None:
    values = [f"mlp_rt_secret_{index:04d}_abcdef" for index in range(3)]
    for index, value in enumerate(values):
        await add_token(jp_fetch, value, activate=index == 1)
        for path in (("tokens",), ("status",), ("invitations",), ("redactions",)):
            status, answer = await call(jp_fetch, "GET", *path)
            assert status == 200
            text = json.dumps(answer)
            assert not any(v in text for v in values)


async def test_a_value_already_saved_is_not_duplicated(jp_fetch: Any) -> None:
    first = await add_token(jp_fetch, VALUE, label="Mine")
    status, again = await call(
        jp_fetch, "POST", "tokens", body={"value": VALUE, **USER_META, "label": "Other"}
    )
    assert status == 200
    assert again["created"] is False
    assert again["token"]["id"] == first["token"]["id"]
    assert again["token"]["label"] == "Mine"
    assert "already saved as 'Mine'" in again["message"]
    assert (again["code"], again["params"]) == ("token-already-saved", {"label": "Mine"})
    assert len((await listing(jp_fetch))["tokens"]) == 1


GOOD = {"value": VALUE, **USER_META}
BAD_ADDS = {
    "empty value": {**GOOD, "value": ""},
    "value too long": {**GOOD, "value": "x" * 4097},
    "value with a space": {**GOOD, "value": "mlp rt"},
    "value not ASCII": {**GOOD, "value": "mlp_rt_é"},
    "value not text": {**GOOD, "value": 12345678},
    "no value": {k: v for k, v in GOOD.items() if k != "value"},
    "no name": {k: v for k, v in GOOD.items() if k != "name"},
    "unknown role": {**GOOD, "role": "ROOT"},
    "no expiry field": {k: v for k, v in GOOD.items() if k != "expires_at"},
    "bad expiry": {**GOOD, "expires_at": "next week"},
    "label too long": {**GOOD, "label": "x" * 101},
    "blank label": {**GOOD, "label": "   "},
    "label with a newline": {**GOOD, "label": "a\nb"},
    "unknown field": {**GOOD, "secret": "x"},
    "activate not boolean": {**GOOD, "activate": "yes"},
}


@pytest.mark.parametrize("body", BAD_ADDS.values(), ids=BAD_ADDS.keys())
async def test_bad_additions_are_refused_and_change_nothing(
    jp_fetch: Any, vault_file: Path, body: dict[str, Any]
) -> None:
    await add_token(jp_fetch, ADMIN_VALUE, ADMIN_META, activate=True)
    before = vault_file.read_bytes()
    status, answer = await call(jp_fetch, "POST", "tokens", body=body)
    assert status == 400
    # One sentence, and the same for the frontend to word: a code and its
    # parameters (names and numbers, never the value).
    assert set(answer) == {"message", "code", "params"}
    assert answer["message"].endswith(".")
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", answer["code"])
    assert all(isinstance(v, str | int) for v in answer["params"].values())
    if isinstance(body.get("value"), str) and len(body["value"]) > 4:
        assert body["value"] not in json.dumps(answer)
    assert vault_file.read_bytes() == before
    assert os.environ["MLP_REFRESH_TOKEN"] == ADMIN_VALUE


@pytest.mark.parametrize("body", [b"not json", b"[]", b'"x"', b""])
async def test_malformed_bodies_are_refused(jp_fetch: Any, body: bytes) -> None:
    status, answer = await call(jp_fetch, "POST", "tokens", body=body)
    assert status == 400
    assert answer["message"]


async def test_rename(jp_fetch: Any) -> None:
    token = (await add_token(jp_fetch, VALUE))["token"]
    status, answer = await call(
        jp_fetch, "PATCH", "tokens", token["id"], body={"label": " <b>Ünïcode</b> "}
    )
    assert status == 200
    assert answer["token"]["label"] == "<b>Ünïcode</b>"
    status, answer = await call(jp_fetch, "PATCH", "tokens", token["id"], body={"label": ""})
    assert status == 400
    status, answer = await call(jp_fetch, "PATCH", "tokens", token["id"], body={})
    assert status == 400
    assert (await listing(jp_fetch))["tokens"][0]["label"] == "<b>Ünïcode</b>"


@pytest.mark.parametrize("record_id", ["f" * 32, "not-an-id", "F" * 32])
async def test_unknown_ids_are_404(jp_fetch: Any, record_id: str) -> None:
    await add_token(jp_fetch, VALUE)
    for method, parts, body in (
        ("PATCH", ("tokens", record_id), {"label": "x"}),
        ("DELETE", ("tokens", record_id), None),
        ("POST", ("tokens", record_id, "activate"), None),
        ("GET", ("tokens", record_id, "value"), None),
        ("POST", ("tokens", record_id, "verified"), USER_META),
    ):
        status, answer = await call(jp_fetch, method, *parts, body=body)
        assert status == 404, (method, parts)
        assert "no saved token has this id" in answer["message"].lower()


async def test_switch_deactivate_and_remove(jp_fetch: Any) -> None:
    user = (await add_token(jp_fetch, VALUE))["token"]
    admin = (await add_token(jp_fetch, ADMIN_VALUE, ADMIN_META))["token"]
    await call(jp_fetch, "POST", "tokens", user["id"], "activate")
    assert os.environ["MLP_REFRESH_TOKEN"] == VALUE
    await call(jp_fetch, "POST", "tokens", admin["id"], "activate")
    assert os.environ["MLP_REFRESH_TOKEN"] == ADMIN_VALUE

    status, answer = await call(jp_fetch, "POST", "tokens", "deactivate")
    assert status == 200
    assert answer["active_id"] is None
    assert "MLP_REFRESH_TOKEN" not in os.environ

    await call(jp_fetch, "POST", "tokens", admin["id"], "activate")
    status, answer = await call(jp_fetch, "DELETE", "tokens", admin["id"])
    assert status == 200
    assert answer["active_id"] is None
    assert [t["id"] for t in answer["tokens"]] == [user["id"]]
    assert "MLP_REFRESH_TOKEN" not in os.environ


async def test_read_one_value(jp_fetch: Any) -> None:
    token = (await add_token(jp_fetch, VALUE))["token"]
    response = await jp_fetch("mlplatform-tokens", "tokens", token["id"], "value")
    assert json.loads(response.body) == {"id": token["id"], "value": VALUE}
    assert response.headers["Cache-Control"] == "no-store"


async def test_verified_refreshes_what_who_am_i_said(jp_fetch: Any) -> None:
    token = (await add_token(jp_fetch, VALUE))["token"]
    newer = {**USER_META, "expires_at": "2032-01-01T00:00:00+01:00"}
    status, answer = await call(jp_fetch, "POST", "tokens", token["id"], "verified", body=newer)
    assert status == 200
    assert answer["token"]["expires_at"] == "2031-12-31T23:00:00Z"
    assert answer["token"]["added_at"] == token["added_at"]


@pytest.mark.parametrize("mlp_config", [{"env_names": ["MLP_REFRESH_TOKEN", "REFRESH_TOKEN"]}])
async def test_every_configured_name_is_set(jp_fetch: Any) -> None:
    token = (await add_token(jp_fetch, VALUE, activate=True))["token"]
    assert os.environ["MLP_REFRESH_TOKEN"] == VALUE
    assert os.environ["REFRESH_TOKEN"] == VALUE
    _, answer = await call(jp_fetch, "GET", "status")
    assert answer["env_names"] == ["MLP_REFRESH_TOKEN", "REFRESH_TOKEN"]
    await call(jp_fetch, "DELETE", "tokens", token["id"])
    assert "MLP_REFRESH_TOKEN" not in os.environ
    assert "REFRESH_TOKEN" not in os.environ


@pytest.fixture
def earlier_vault(vault_file: Path) -> str:
    """A vault written before the server starts, with an active token."""
    vault_file.parent.mkdir(mode=0o700, parents=True)
    record_id = "a" * 32
    record = {
        "id": record_id,
        "label": "Earlier",
        "value": VALUE,
        **USER_META,
        "added_at": "2030-01-01T00:00:00Z",
        "verified_at": "2030-01-01T00:00:00Z",
    }
    data = {"schema": 1, "active_id": record_id, "tokens": [record], "invitations": []}
    vault_file.write_text(json.dumps(data))
    os.chmod(vault_file, 0o600)
    return record_id


async def test_a_vault_from_before_start_is_applied_at_start(
    earlier_vault: str, jp_fetch: Any, jp_serverapp: Any
) -> None:
    assert os.environ["MLP_REFRESH_TOKEN"] == VALUE
    assert (await listing(jp_fetch))["active_id"] == earlier_vault


@pytest.fixture
def corrupt_vault(vault_file: Path) -> bytes:
    vault_file.parent.mkdir(mode=0o700, parents=True)
    content = b'{"schema": 1, "tokens": [{"value": "mlp_rt_half'
    vault_file.write_bytes(content)
    return content


async def test_a_corrupt_vault_is_kept_aside_and_reported(
    corrupt_vault: bytes, jp_fetch: Any, vault_file: Path
) -> None:
    status, answer = await call(jp_fetch, "GET", "status")
    assert status == 200
    problem = answer["vault"]["path_problem"]
    assert problem is not None
    assert "not valid JSON" in problem["message"]
    assert problem["code"] == "vault-set-aside"
    assert problem["params"] == {
        "cause": "not-json",
        "moved_to": problem["moved_to"],
        "name": vault_file.name,
    }
    moved = Path(problem["moved_to"])
    assert moved.read_bytes() == corrupt_vault
    assert moved.parent == vault_file.parent
    assert answer["vault"]["path"] == str(vault_file)
    assert (await listing(jp_fetch))["tokens"] == []
    # The existing keys are unchanged.
    assert {"version", "api_configured", "api_url"} <= set(answer)


async def test_corruption_while_running_is_reported(jp_fetch: Any, vault_file: Path) -> None:
    await add_token(jp_fetch, VALUE, activate=True)
    _, answer = await call(jp_fetch, "GET", "status")
    assert answer["vault"]["path_problem"] is None
    vault_file.write_text("garbage")
    assert (await listing(jp_fetch))["tokens"] == []
    _, answer = await call(jp_fetch, "GET", "status")
    assert Path(answer["vault"]["path_problem"]["moved_to"]).read_text() == "garbage"
    message = answer["vault"]["path_problem"]["message"]
    assert answer["vault"]["path_problem"]["moved_to"] in message
    assert "add your tokens again" in message.lower()


async def test_invitation_notes(jp_fetch: Any) -> None:
    body = {"name": "bob", "role": "USER", "expires_at": "2030-02-01T00:00:00Z"}
    status, answer = await call(jp_fetch, "POST", "invitations", body=body)
    assert status == 201
    invitation = answer["invitation"]
    assert invitation["refresh_ttl"] is None
    status, answer = await call(
        jp_fetch, "POST", "invitations", body={**body, "refresh_ttl": "720h"}
    )
    assert status == 201
    status, answer = await call(jp_fetch, "GET", "invitations")
    assert [item["name"] for item in answer["invitations"]] == ["bob", "bob"]
    status, _ = await call(jp_fetch, "DELETE", "invitations", invitation["id"])
    assert status == 204
    status, answer = await call(jp_fetch, "GET", "invitations")
    assert len(answer["invitations"]) == 1
    status, _ = await call(jp_fetch, "DELETE", "invitations", invitation["id"])
    assert status == 404


@pytest.mark.parametrize(
    "body",
    [
        {"name": "bob", "role": "USER", "expires_at": "2030-02-01T00:00:00Z", "value": "x"},
        {"name": "bob", "role": "USER", "expires_at": None},
        {"name": "bob", "role": "GUEST", "expires_at": "2030-02-01T00:00:00Z"},
        {"name": "bob", "role": "USER", "expires_at": "2030-02-01T00:00:00Z", "refresh_ttl": " 5m"},
    ],
)
async def test_invitation_notes_hold_no_values_and_are_checked(
    jp_fetch: Any, body: dict[str, Any]
) -> None:
    status, answer = await call(jp_fetch, "POST", "invitations", body=body)
    assert status == 400
    status, answer = await call(jp_fetch, "GET", "invitations")
    assert answer["invitations"] == []


BLOCKED = "/dev/null/mlplatform_tokens/vault.json"  # its folder cannot exist


@pytest.mark.parametrize("mlp_config", [{"vault_path": BLOCKED}])
async def test_an_unusable_vault_location_is_reported(jp_fetch: Any) -> None:
    status, answer = await call(jp_fetch, "GET", "status")
    assert status == 200
    assert answer["vault"]["path"] == BLOCKED
    assert "could not be created" in answer["vault"]["error"]
    info = answer["vault"]["error_info"]
    assert (info["message"], info["code"]) == (answer["vault"]["error"], "folder-create-failed")
    assert info["params"]["path"] == str(Path(BLOCKED).parent)
    assert info["params"]["errno"] == "ENOTDIR"
    status, answer = await call(jp_fetch, "POST", "tokens", body={"value": VALUE, **USER_META})
    assert status == 500
    assert "could not be created" in answer["message"]
    assert answer["code"] == "folder-create-failed"
    assert VALUE not in answer["message"]
    assert "MLP_REFRESH_TOKEN" not in os.environ


#: Expiries a who-am-i may carry and the API accepts: Go's zero time, years before
#: 1000, offsets that change the day or year, fractions of every length.
ACCEPTED_EXPIRIES = [
    "0001-01-01T00:00:00Z",
    "0999-12-31T23:59:59Z",
    "0001-01-01T10:00:00+09:00",
    "1970-01-01T00:00:00.123456789Z",
    "2000-02-29T23:30:00-01:00",
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59+05:00",
    "2031-05-01t10:00:00z",
    None,
]


async def test_every_accepted_expiry_survives_a_restart(jp_fetch: Any, vault_file: Path) -> None:
    for index, expiry in enumerate(ACCEPTED_EXPIRIES):
        status, answer = await call(
            jp_fetch,
            "POST",
            "tokens",
            body={"value": f"mlp_rt_expiry_{index:04d}", **USER_META, "expires_at": expiry},
        )
        assert status == 201, answer
    saved = (await listing(jp_fetch))["tokens"]
    from jupyterlab_mlplatform_tokens.vault import Vault

    restarted = Vault(vault_file)
    assert len(restarted.read().tokens) == len(ACCEPTED_EXPIRIES)
    assert restarted.path_problem is None
    assert [r.metadata.expires_at for r in restarted.read().tokens] == [
        t["expires_at"] for t in saved
    ]
    assert not list(vault_file.parent.glob("*.corrupt-*"))
