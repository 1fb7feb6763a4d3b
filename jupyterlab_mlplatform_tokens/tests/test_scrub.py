"""Redaction on save: saved values never reach a notebook, a checkpoint or a text file."""

from __future__ import annotations

import base64
import copy
import json
import logging
from pathlib import Path
from typing import Any

import nbformat
import pytest

from jupyterlab_mlplatform_tokens.scrub import (
    REDACTED,
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


def test_the_hook_never_breaks_a_save(caplog: pytest.LogCaptureFixture) -> None:
    def broken() -> list[str]:
        raise RuntimeError(ACTIVE)

    records = RedactionLog()
    scrubber = Scrubber(broken, records)
    model = {"type": "file", "format": "text", "content": ACTIVE}
    with caplog.at_level(logging.DEBUG):
        scrubber.hook(model=copy.deepcopy(model), path="a.txt", contents_manager=None)
    entry = records.after(0)[0]
    assert (entry.path, entry.count, entry.status) == ("a.txt", 0, "failed")
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


async def test_a_removed_token_is_no_longer_redacted(jp_fetch: Any, jp_root_dir: Path) -> None:
    token = (await add_token(jp_fetch, OTHER))["token"]
    await call(jp_fetch, "DELETE", "tokens", token["id"])
    await save(jp_fetch, "t.txt", {"type": "file", "format": "text", "content": OTHER})
    assert (jp_root_dir / "t.txt").read_text() == OTHER


@pytest.mark.parametrize("mlp_config", [{"redact_on_save": False}])
async def test_redaction_can_be_turned_off(jp_fetch: Any, jp_root_dir: Path) -> None:
    await add_token(jp_fetch, OTHER)
    await save(jp_fetch, "t.txt", {"type": "file", "format": "text", "content": OTHER})
    assert (jp_root_dir / "t.txt").read_text() == OTHER
    _, answer = await call(jp_fetch, "GET", "redactions")
    assert answer == {"redact_on_save": False, "redactions": []}
