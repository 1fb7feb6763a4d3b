"""Redaction on save: saved values never reach a notebook, a checkpoint or a text file."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

import nbformat
import pytest

from jupyterlab_mlplatform_tokens.handlers import SETTINGS_KEY
from jupyterlab_mlplatform_tokens.scrub import (
    MAX_REMEMBERED,
    REDACTED,
    KnownValues,
    RedactionLog,
    Scrubber,
    compile_values,
    redact_json,
    redact_model,
)

from .conftest import ADMIN_META, add_token, call

ACTIVE = "mlp_rt_active_value_0001"
OTHER = "mlp_rt_inactive_value_0002"


def notebook_with(value: str, other: str) -> dict[str, Any]:
    """A notebook that carries values in every place a notebook can."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["mlp"] = {"note": f"token={other}"}
    code = nbformat.v4.new_code_cell(source=f'token = "{value}"\nprint(token)')
    code.metadata["tags"] = [value]
    code.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text=f"{value}\n"),
        nbformat.v4.new_output(
            "execute_result",
            data={
                "text/plain": f"'{value}'",
                "text/html": f"<pre>{value}</pre>",
                "application/json": {"nested": [{"deep": f"Bearer {other}"}]},
            },
            execution_count=1,
        ),
        nbformat.v4.new_output(
            "error",
            ename="ValueError",
            evalue=f"bad token {value}",
            traceback=[f"ValueError: bad token {value}"],
        ),
    ]
    markdown = nbformat.v4.new_markdown_cell(source=f"Key: `{other}`\n![x](attachment:a.txt)")
    markdown.attachments = {
        "a.txt": {"text/plain": f"{other}"},
    }
    nb.cells = [code, markdown]
    return json.loads(nbformat.writes(nb))


# Units ---------------------------------------------------------------------------------


def test_every_string_of_a_notebook_is_redacted() -> None:
    nb = notebook_with(ACTIVE, OTHER)
    root, count = redact_json(nb, compile_values([ACTIVE, OTHER]))
    text = json.dumps(root)
    assert ACTIVE not in text
    assert OTHER not in text
    assert count == 11
    assert root["cells"][0]["source"] == [f'token = "{REDACTED}"\n', "print(token)"]


def test_keys_are_redacted_too() -> None:
    root, count = redact_json({"a": {ACTIVE: 1}}, compile_values([ACTIVE]))
    assert root == {"a": {REDACTED: 1}}
    assert count == 1


def test_the_longest_value_wins_when_one_contains_another() -> None:
    short, long = "mlp_rt_abcdefgh", "mlp_rt_abcdefgh_longer"
    text, count = redact_json(f"{long} {short}", compile_values([short, long]))
    assert text == f"{REDACTED} {REDACTED}"
    assert count == 2


def test_very_short_values_are_not_redacted() -> None:
    assert compile_values(["abc", "1234567"]) is None
    model = {"type": "file", "format": "text", "content": "abc 1234567"}
    assert redact_model(model, compile_values(["abc"])) == 0
    assert model["content"] == "abc 1234567"


def test_deep_documents_do_not_exhaust_the_stack() -> None:
    root: Any = ACTIVE
    for _ in range(5000):
        root = [root]
    _, count = redact_json(root, compile_values([ACTIVE]))
    assert count == 1


def test_only_notebooks_and_text_files_are_changed() -> None:
    pattern = compile_values([ACTIVE])
    encoded = base64.b64encode(ACTIVE.encode()).decode()
    upload = {"type": "file", "format": "base64", "content": encoded}
    assert redact_model(upload, pattern) == 0
    assert upload["content"] == encoded
    assert redact_model({"type": "directory", "content": None}, pattern) == 0
    text = {"type": "file", "format": "text", "content": f"X={ACTIVE}\n"}
    assert redact_model(text, pattern) == 1
    assert text["content"] == f"X={REDACTED}\n"


def test_a_vault_that_cannot_be_read_never_breaks_a_save(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken() -> list[str]:
        raise RuntimeError(ACTIVE)

    records = RedactionLog()
    scrubber = Scrubber(broken, records, env_names=(), environ={})
    model = {"type": "file", "format": "text", "content": ACTIVE}
    with caplog.at_level(logging.DEBUG):
        scrubber.hook(model=model, path="a.txt", contents_manager=None)
    assert model["content"] == ACTIVE  # nothing is known: nothing to redact
    entry = records.after(0)[0]
    assert (entry.path, entry.count, entry.status) == ("a.txt", 0, "fallback")
    assert ACTIVE not in caplog.text
    assert "RuntimeError" in caplog.text


def test_the_last_known_values_are_redacted_when_the_vault_fails() -> None:
    state = {"values": [ACTIVE, OTHER]}

    def read() -> list[str]:
        if state["values"] is None:
            raise OSError("no space left on device")
        return state["values"]

    records = RedactionLog()
    scrubber = Scrubber(read, records, env_names=("MLP_REFRESH_TOKEN",), environ={})
    scrubber.hook(model={"type": "file", "format": "text", "content": ""}, path="a.txt")
    state["values"] = None
    model = {"type": "file", "format": "text", "content": f"{ACTIVE}\n{OTHER}"}
    scrubber.hook(model=model, path="b.txt")
    assert model["content"] == f"{REDACTED}\n{REDACTED}"
    assert [(e.path, e.count, e.status) for e in records.after(0)] == [("b.txt", 2, "fallback")]


def test_a_slow_vault_does_not_hold_up_a_save_for_long() -> None:
    release = threading.Event()

    def slow() -> list[str]:
        release.wait(10)
        return [ACTIVE]

    records = RedactionLog()
    scrubber = Scrubber(slow, records, env_names=("T",), environ={"T": OTHER}, read_timeout=0.2)
    model = {"type": "file", "format": "text", "content": f"{ACTIVE} {OTHER}"}
    started = time.monotonic()
    scrubber.hook(model=model, path="a.txt")
    assert time.monotonic() - started < 2
    assert model["content"] == f"{ACTIVE} {REDACTED}"
    assert records.after(0)[-1].status == "fallback"
    release.set()  # the late answer is remembered for the next save
    for _ in range(100):
        model = {"type": "file", "format": "text", "content": ACTIVE}
        scrubber.hook(model=model, path="b.txt")
        if model["content"] == REDACTED:
            break
        time.sleep(0.05)
    assert model["content"] == REDACTED


def test_the_environment_is_read_at_save_time() -> None:
    environ: dict[str, str] = {}
    scrubber = Scrubber(lambda: [], RedactionLog(), env_names=("A", "B"), environ=environ)
    environ["B"] = OTHER
    model = {"type": "file", "format": "text", "content": f"{OTHER} {ACTIVE}"}
    scrubber.hook(model=model, path="a.txt")
    assert model["content"] == f"{REDACTED} {ACTIVE}"


def test_the_hook_never_breaks_a_save(caplog: pytest.LogCaptureFixture) -> None:
    class Hostile(dict):  # a notebook whose walk fails half-way
        def __iter__(self) -> Any:
            raise RuntimeError(ACTIVE)

    records = RedactionLog()
    scrubber = Scrubber(lambda: [ACTIVE], records, env_names=(), environ={})
    with caplog.at_level(logging.DEBUG):
        scrubber.hook(model={"type": "notebook", "content": Hostile()}, path="a.ipynb")
    entry = records.after(0)[0]
    assert (entry.path, entry.count, entry.status) == ("a.ipynb", 0, "failed")
    assert ACTIVE not in caplog.text
    assert "RuntimeError" in caplog.text


def test_the_log_keeps_the_newest_entries_only() -> None:
    records = RedactionLog(size=3)
    for index in range(5):
        records.add(f"f{index}", 1, "redacted")
    assert [entry.path for entry in records.after(0)] == ["f2", "f3", "f4"]
    assert [entry.id for entry in records.after(4)] == [5]


# Through the contents API --------------------------------------------------------------


async def save(jp_fetch: Any, path: str, model: dict[str, Any]) -> int:
    response = await jp_fetch("api", "contents", path, method="PUT", body=json.dumps(model))
    return response.code


async def test_a_saved_notebook_and_its_checkpoint_are_redacted(
    jp_fetch: Any, jp_root_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    await add_token(jp_fetch, ACTIVE, activate=True)
    await add_token(jp_fetch, OTHER, ADMIN_META)
    nb = notebook_with(ACTIVE, OTHER)
    (jp_root_dir / "work").mkdir()
    with caplog.at_level(logging.DEBUG):
        assert await save(jp_fetch, "work/nb.ipynb", {"type": "notebook", "content": nb}) in (
            200,
            201,
        )
        response = await jp_fetch(
            "api", "contents", "work/nb.ipynb", "checkpoints", method="POST", body=""
        )
        assert response.code == 201
    on_disk = (jp_root_dir / "work" / "nb.ipynb").read_text()
    assert ACTIVE not in on_disk
    assert OTHER not in on_disk
    assert REDACTED in on_disk
    nbformat.validate(nbformat.reads(on_disk, as_version=4))
    checkpoints = list((jp_root_dir / "work" / ".ipynb_checkpoints").iterdir())
    assert checkpoints
    for checkpoint in checkpoints:
        text = checkpoint.read_text()
        assert ACTIVE not in text and OTHER not in text and REDACTED in text
    status, answer = await call(jp_fetch, "GET", "redactions")
    assert status == 200
    assert answer["redact_on_save"] is True
    entry = answer["redactions"][-1]
    assert entry["path"] == "work/nb.ipynb"
    assert entry["count"] == 11
    assert entry["status"] == "redacted"
    assert entry["time"].endswith("Z")
    assert ACTIVE not in json.dumps(answer)
    assert ACTIVE not in caplog.text and OTHER not in caplog.text


async def test_a_text_file_is_redacted(jp_fetch: Any, jp_root_dir: Path) -> None:
    await add_token(jp_fetch, OTHER)
    model = {"type": "file", "format": "text", "content": f"export TOKEN={OTHER}\n"}
    await save(jp_fetch, "env.sh", model)
    assert (jp_root_dir / "env.sh").read_text() == f"export TOKEN={REDACTED}\n"


async def test_a_save_without_values_is_not_recorded(jp_fetch: Any, jp_root_dir: Path) -> None:
    await add_token(jp_fetch, ACTIVE, activate=True)
    await save(jp_fetch, "clean.ipynb", {"type": "notebook", "content": notebook_with("a", "b")})
    status, answer = await call(jp_fetch, "GET", "redactions")
    assert answer["redactions"] == []
    status, answer = await call(jp_fetch, "GET", "redactions", params={"after": "x"})
    assert status == 400


async def test_a_removed_token_stays_redacted_while_the_server_runs(
    jp_fetch: Any, jp_root_dir: Path
) -> None:
    # Removing a token from this server does not revoke it at the ML Platform, and
    # outputs that show it may still be open in the browser.
    token = (await add_token(jp_fetch, OTHER))["token"]
    await save(jp_fetch, "first.txt", {"type": "file", "format": "text", "content": "hello"})
    await call(jp_fetch, "DELETE", "tokens", token["id"])
    await save(jp_fetch, "t.txt", {"type": "file", "format": "text", "content": OTHER})
    assert (jp_root_dir / "t.txt").read_text() == REDACTED


@pytest.mark.parametrize("mlp_config", [{"redact_on_save": False}])
async def test_redaction_can_be_turned_off(jp_fetch: Any, jp_root_dir: Path) -> None:
    await add_token(jp_fetch, OTHER)
    await save(jp_fetch, "t.txt", {"type": "file", "format": "text", "content": OTHER})
    assert (jp_root_dir / "t.txt").read_text() == OTHER
    _, answer = await call(jp_fetch, "GET", "redactions")
    assert answer == {"redact_on_save": False, "redactions": []}


# When the vault cannot be read ---------------------------------------------------------


def vault_of(jp_serverapp: Any) -> Any:
    return jp_serverapp.web_app.settings[SETTINGS_KEY].service.vault


def block_the_lock(vault_file: Path) -> None:
    """A real failure: a folder where the lock file goes, and a changed vault file, so the
    next read must take the lock and cannot."""
    lock = vault_file.with_name(vault_file.name + ".lock")
    lock.unlink(missing_ok=True)
    lock.mkdir()
    info = vault_file.stat()
    os.utime(vault_file, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))


async def test_a_save_while_the_vault_lock_cannot_be_taken_redacts_the_known_values(
    jp_fetch: Any,
    jp_root_dir: Path,
    vault_file: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MLP_REFRESH_TOKEN", raising=False)
    await add_token(jp_fetch, ACTIVE, activate=True)
    await add_token(jp_fetch, OTHER, ADMIN_META)
    await save(jp_fetch, "first.txt", {"type": "file", "format": "text", "content": "hello"})
    block_the_lock(vault_file)
    with caplog.at_level(logging.DEBUG):
        await save(
            jp_fetch, "nb.ipynb", {"type": "notebook", "content": notebook_with(ACTIVE, OTHER)}
        )
    on_disk = (jp_root_dir / "nb.ipynb").read_text()
    assert ACTIVE not in on_disk
    assert OTHER not in on_disk
    assert REDACTED in on_disk
    _, answer = await call(jp_fetch, "GET", "redactions")
    entry = answer["redactions"][-1]
    assert (entry["path"], entry["count"], entry["status"]) == ("nb.ipynb", 11, "fallback")
    assert ACTIVE not in caplog.text and OTHER not in caplog.text


async def test_a_save_while_reading_the_vault_raises_redacts_the_environment_values(
    jp_fetch: Any,
    jp_root_dir: Path,
    jp_serverapp: Any,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A value the server was started with (e.g. from the hub) and never saved in the vault.
    monkeypatch.setenv("MLP_REFRESH_TOKEN", ACTIVE)

    def unreadable() -> None:
        raise OSError(f"disk full while reading {OTHER}")

    monkeypatch.setattr(vault_of(jp_serverapp), "read", unreadable)
    with caplog.at_level(logging.DEBUG):
        await save(
            jp_fetch,
            "env.sh",
            {"type": "file", "format": "text", "content": f"T={ACTIVE} U={OTHER}\n"},
        )
    assert (jp_root_dir / "env.sh").read_text() == f"T={REDACTED} U={OTHER}\n"
    _, answer = await call(jp_fetch, "GET", "redactions")
    entry = answer["redactions"][-1]
    assert (entry["path"], entry["count"], entry["status"]) == ("env.sh", 1, "fallback")
    assert ACTIVE not in caplog.text and OTHER not in caplog.text
    assert "OSError" in caplog.text


@pytest.mark.parametrize("mlp_config", [{"env_names": ["MLP_REFRESH_TOKEN", "REFRESH_TOKEN"]}])
async def test_every_configured_environment_name_is_redacted_when_the_vault_fails(
    jp_fetch: Any, jp_root_dir: Path, jp_serverapp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MLP_REFRESH_TOKEN", raising=False)
    monkeypatch.setenv("REFRESH_TOKEN", OTHER)
    monkeypatch.setattr(vault_of(jp_serverapp), "read", lambda: 1 / 0)
    await save(jp_fetch, "t.txt", {"type": "file", "format": "text", "content": OTHER})
    assert (jp_root_dir / "t.txt").read_text() == REDACTED


async def test_a_save_with_nothing_to_redact_still_reports_that_the_vault_failed(
    jp_fetch: Any, jp_root_dir: Path, jp_serverapp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(vault_of(jp_serverapp), "read", lambda: 1 / 0)
    await save(jp_fetch, "t.txt", {"type": "file", "format": "text", "content": "plain"})
    assert (jp_root_dir / "t.txt").read_text() == "plain"
    _, answer = await call(jp_fetch, "GET", "redactions")
    entry = answer["redactions"][-1]
    assert (entry["path"], entry["count"], entry["status"]) == ("t.txt", 0, "fallback")


async def test_values_of_a_vault_set_aside_are_still_redacted(
    jp_fetch: Any,
    jp_root_dir: Path,
    jp_serverapp: Any,
    vault_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MLP_REFRESH_TOKEN", raising=False)
    await add_token(jp_fetch, ACTIVE, activate=True)
    await add_token(jp_fetch, OTHER, ADMIN_META)
    await save(jp_fetch, "first.txt", {"type": "file", "format": "text", "content": "hello"})
    vault_file.write_text("{ not json")
    await save(
        jp_fetch, "t.txt", {"type": "file", "format": "text", "content": f"{ACTIVE} {OTHER}"}
    )
    assert vault_of(jp_serverapp).path_problem is not None
    assert (jp_root_dir / "t.txt").read_text() == f"{REDACTED} {REDACTED}"


def test_a_value_escaped_in_a_string_literal_is_redacted() -> None:
    quoted = 'mlp_rt_"quoted"\\value'
    literal = json.dumps(quoted)  # "mlp_rt_\"quoted\"\\value", as in code or JSON text
    model = {"type": "file", "format": "text", "content": f"TOKEN = {literal}\n"}
    assert redact_model(model, compile_values([quoted])) == 1
    assert model["content"] == f'TOKEN = "{REDACTED}"\n'


@pytest.mark.parametrize(
    ("values", "text"),
    [
        (["redacted"], "redacted"),  # a value inside the marker
        (["mlp_rt_value_1", "ted]tail"], "mlp_rt_value_1tail"),  # the marker's end + text
        (["mlp_rt_value_1", "head[MLP"], "headmlp_rt_value_1"),  # text + the marker's start
    ],
    ids=["inside", "after", "before"],
)
def test_the_marker_never_spells_a_value(values: list[str], text: str) -> None:
    # Found by the property tests: "[MLP token redacted]" itself holds "redacted", and its
    # ends can complete a value with the text around it.
    redacted, count = redact_json(text, compile_values(values))
    assert count >= 1
    for value in values:
        assert value not in redacted
    assert "MLP token" in redacted


async def test_a_slow_vault_does_not_hold_up_the_server(
    jp_fetch: Any, jp_root_dir: Path, jp_serverapp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()

    def slow() -> list[str]:
        release.wait(10)
        return []

    monkeypatch.setattr(vault_of(jp_serverapp), "read", slow)
    model = {"type": "file", "format": "text", "content": "plain"}
    started = time.monotonic()
    saving = asyncio.ensure_future(save(jp_fetch, "slow.txt", model))
    await asyncio.sleep(0.2)  # the save is waiting for the vault now
    response = await jp_fetch("api", "status")
    answered_in = time.monotonic() - started
    release.set()
    assert await saving in (200, 201)
    assert response.code == 200
    assert answered_in < 1
    assert (jp_root_dir / "slow.txt").read_text() == "plain"


def test_the_oldest_values_are_forgotten_first() -> None:
    batches = [[f"mlp_rt_{index:08d}" for index in range(start, start + 150)] for start in (0, 150)]
    reads = iter(batches)
    known = KnownValues(lambda: next(reads), timeout=5)
    known.current()
    values, failure = known.current()
    assert failure is None
    assert len(values) == MAX_REMEMBERED
    assert set(batches[1]) <= values
    assert "mlp_rt_00000000" not in values


def test_a_read_with_something_odd_in_it_neither_stalls_nor_hides_the_rest() -> None:
    scrubber = Scrubber(lambda: [None, ACTIVE], RedactionLog(), read_timeout=1)  # type: ignore[list-item]
    for _ in range(2):
        model = {"type": "file", "format": "text", "content": ACTIVE}
        started = time.monotonic()
        scrubber.hook(model=model, path="a.txt")
        assert time.monotonic() - started < 0.5
        assert model["content"] == REDACTED


def test_a_stuck_vault_delays_only_the_first_save() -> None:
    release = threading.Event()

    def stuck() -> list[str]:
        release.wait(10)
        return []

    scrubber = Scrubber(stuck, RedactionLog(), read_timeout=0.5)
    took = []
    for _ in range(3):
        started = time.monotonic()
        scrubber.hook(model={"type": "file", "format": "text", "content": "x"}, path="a.txt")
        took.append(time.monotonic() - started)
    release.set()
    assert took[0] >= 0.4
    assert max(took[1:]) < 0.2


async def test_a_token_added_just_before_the_vault_fails_is_redacted(
    jp_fetch: Any, jp_root_dir: Path, vault_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The redactor learns every state the vault service writes, not only what saves read:
    a token added (not active, so in no environment) and then a vault that cannot be read
    before any save happened."""
    monkeypatch.delenv("MLP_REFRESH_TOKEN", raising=False)
    await add_token(jp_fetch, OTHER, ADMIN_META)
    block_the_lock(vault_file)
    await save(jp_fetch, "late.txt", {"type": "file", "format": "text", "content": f"x {OTHER} y"})
    on_disk = (jp_root_dir / "late.txt").read_text()
    assert OTHER not in on_disk
    assert REDACTED in on_disk
