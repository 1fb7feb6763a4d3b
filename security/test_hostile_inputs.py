"""Hostile inputs against the server's REST endpoints.

Every input of ``hostile-inputs.json`` is sent to each endpoint that takes its field
(token value, label, name, role, expiry, registration TTL). A rejected input gets a
400 with one sentence that does not repeat it, and changes nothing (the listing and
the vault file are byte-for-byte the same); a stored input comes back exactly as typed
from the answer, the listing and the file. The browser side of the same corpus is
``test/security/hostile-inputs.test.ts``.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from jupyterlab_mlplatform_tokens.tests.conftest import call

from . import figures
from .corpus import Hostile, load

SUITE = "Hostile inputs, server side (REST)"
INPUTS, SENTINEL = load()
FIELDS = sorted({item.field for item in INPUTS})
META = {"name": "alice", "role": "USER", "issuer": "admin-1", "expires_at": None}
INVITATION = {"name": "bob", "role": "USER", "expires_at": "2030-01-01T00:00:00Z"}

figures.record(SUITE, "inputs in the corpus", len(INPUTS))


@pytest.fixture
def vault_file(jp_data_dir: Path) -> Path:
    return jp_data_dir / "mlplatform_tokens" / "vault.json"


class Endpoints:
    """The REST calls of one test server, with a saved token to rename and verify."""

    def __init__(self, jp_fetch: Any, vault_file: Path) -> None:
        self.fetch = jp_fetch
        self.vault_file = vault_file
        self.record_id = ""

    async def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        return await call(self.fetch, method, *path.split("/"), body=body)

    async def setup(self) -> None:
        status, answer = await self.call(
            "POST", "tokens", {"value": "mlp_rt_base_value_0000", "label": "base", **META}
        )
        assert status == 201, answer
        self.record_id = answer["token"]["id"]
        status, answer = await self.call("POST", "invitations", INVITATION)
        assert status == 201, answer

    async def snapshot(self) -> tuple[Any, ...]:
        tokens = await self.call("GET", "tokens")
        invitations = await self.call("GET", "invitations")
        raw = self.vault_file.read_bytes() if self.vault_file.exists() else b""
        return tokens, invitations, raw


def fresh_value() -> str:
    return f"mlp_rt_{secrets.token_hex(10)}"


#: field -> (endpoint name, request builder, where the stored field shows in the answer)
Request = Callable[[Endpoints, str], Awaitable[tuple[int, Any]]]


def _token_post(field: str) -> Request:
    async def send(api: Endpoints, value: str) -> tuple[int, Any]:
        body: dict[str, Any] = {"value": fresh_value(), "label": "hostile", **META}
        body[field] = value
        return await api.call("POST", "tokens", body)

    return send


def _verified(field: str) -> Request:
    async def send(api: Endpoints, value: str) -> tuple[int, Any]:
        return await api.call("POST", f"tokens/{api.record_id}/verified", {**META, field: value})

    return send


def _invitation(field: str) -> Request:
    async def send(api: Endpoints, value: str) -> tuple[int, Any]:
        return await api.call("POST", "invitations", {**INVITATION, field: value})

    return send


async def _rename(api: Endpoints, value: str) -> tuple[int, Any]:
    return await api.call("PATCH", f"tokens/{api.record_id}", {"label": value})


ENDPOINTS: dict[str, list[tuple[str, Request, str]]] = {
    "value": [("POST /tokens value", _token_post("value"), "")],
    "label": [
        ("POST /tokens label", _token_post("label"), "label"),
        ("PATCH /tokens/<id> label", _rename, "label"),
    ],
    "name": [
        ("POST /tokens name", _token_post("name"), "name"),
        ("POST /tokens/<id>/verified name", _verified("name"), "name"),
        ("POST /invitations name", _invitation("name"), "name"),
    ],
    "role": [
        ("POST /tokens role", _token_post("role"), "role"),
        ("POST /tokens/<id>/verified role", _verified("role"), "role"),
        ("POST /invitations role", _invitation("role"), "role"),
    ],
    "expiry": [
        ("POST /tokens expires_at", _token_post("expires_at"), "expires_at"),
        ("POST /tokens/<id>/verified expires_at", _verified("expires_at"), "expires_at"),
        ("POST /invitations expires_at", _invitation("expires_at"), "expires_at"),
    ],
    "ttl": [("POST /invitations refresh_ttl", _invitation("refresh_ttl"), "refresh_ttl")],
}


def _stored_object(answer: Any) -> dict[str, Any]:
    return answer.get("token") or answer.get("invitation") or {}


async def _check_stored(
    api: Endpoints, item: Hostile, key: str, status: int, answer: Any
) -> list[str]:
    if status not in (200, 201):
        return [f"refused with {status}: {answer}"]
    problems = []
    stored = _stored_object(answer)
    if item.field == "value":
        status, got = await api.call("GET", f"tokens/{stored['id']}/value")
        if status != 200 or got["value"] != item.value:
            problems.append("the value did not come back as typed")
        raw = json.loads(api.vault_file.read_text(encoding="utf-8"))
        if item.value not in [t["value"] for t in raw["tokens"]]:
            problems.append("the value is not in the vault file as typed")
        if item.value in json.dumps(answer):
            problems.append("the answer to the add repeats the value")
        return problems
    if stored.get(key) != item.value:
        problems.append(f"the answer has {key}={stored.get(key)!r}")
    collection = "invitations" if "invitation" in answer else "tokens"
    _, listing = await api.call("GET", collection)
    listed = [x.get(key) for x in listing[collection] if x["id"] == stored.get("id")]
    if listed != [item.value]:
        problems.append(f"the listing has {key}={listed!r}")
    raw = json.loads(api.vault_file.read_text(encoding="utf-8"))
    in_file = [x.get(key) for x in raw[collection] if x["id"] == stored.get("id")]
    if in_file != [item.value]:
        problems.append(f"the vault file has {key}={in_file!r}")
    return problems


def _check_rejected(item: Hostile, status: int, answer: Any) -> list[str]:
    if status != 400:
        return [f"answered {status} instead of 400"]
    message = answer.get("message") if isinstance(answer, dict) else None
    if not isinstance(message, str) or not message.endswith(".") or len(message) < 10:
        return [f"no sentence in the refusal: {answer!r}"]
    if len(item.value) >= 8 and item.value in message:
        return ["the refusal repeats the input"]
    return []


@pytest.mark.parametrize("field", FIELDS)
async def test_hostile_inputs_are_refused_or_kept_as_typed(
    jp_fetch: Any, vault_file: Path, field: str
) -> None:
    api = Endpoints(jp_fetch, vault_file)
    await api.setup()
    if os.path.exists(SENTINEL):
        os.unlink(SENTINEL)
    failures: list[str] = []
    for item in (i for i in INPUTS if i.field == field):
        for endpoint, send, key in ENDPOINTS[field]:
            before = await api.snapshot()
            status, answer = await send(api, item.value)
            if item.server == "rejected":
                problems = _check_rejected(item, status, answer)
                if not problems:
                    figures.add(SUITE, "requests rejected with a sentence")
                if await api.snapshot() != before:
                    problems.append("the vault changed")
            else:
                problems = await _check_stored(api, item, key, status, answer)
                if not problems:
                    figures.add(SUITE, "requests stored and returned as typed")
            figures.add(SUITE, "requests sent")
            failures += [f"{endpoint} <- {item.id}: {p}" for p in problems]
    executed = os.path.exists(SENTINEL)
    figures.add(SUITE, "inputs executed", int(executed), "0")
    figures.add(SUITE, "requests failing their expectation", len(failures), "0")
    assert not executed, "an input was executed"
    assert not failures, "\n".join(failures)
