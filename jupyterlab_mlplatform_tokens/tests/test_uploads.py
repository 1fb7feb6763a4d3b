"""Uploads are redacted like saves: whole files, and large files sent in chunks."""

from __future__ import annotations

import base64
import json
import logging
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jupyter_server.services.contents.largefilemanager import (
    AsyncLargeFileManager,
    LargeFileManager,
)
from tornado.httpclient import HTTPClientError, HTTPResponse

from jupyterlab_mlplatform_tokens.scrub import REDACTED, RedactionLog, Scrubber
from jupyterlab_mlplatform_tokens.uploads import Uploads

from .conftest import ADMIN_META, add_token, call

VALUE = "mlp_rt_upload_value_0001"
OTHER = "mlp_rt_second_value_0002"
REDACTED_BYTES = REDACTED.encode()


async def put(jp_fetch: Any, path: str, model: dict[str, Any]) -> HTTPResponse:
    """PUT a contents model; returns the response, also for an error."""
    try:
        return await jp_fetch("api", "contents", path, method="PUT", body=json.dumps(model))
    except HTTPClientError as error:
        assert error.response is not None, error
        return error.response


async def upload(
    jp_fetch: Any, path: str, data: bytes, chunk_size: int | None = None
) -> HTTPResponse:
    """Upload ``data`` the way JupyterLab's file browser does (``FileBrowserModel._upload``):
    one base64 model, or, for files larger than a chunk, chunks numbered 1, 2, ... with
    -1 for the last one."""
    name = path.rsplit("/", 1)[-1]
    if chunk_size is None or len(data) <= chunk_size:
        content = base64.b64encode(data).decode()
        return await put(
            jp_fetch, path, {"type": "file", "format": "base64", "name": name, "content": content}
        )
    response = None
    for start in range(0, len(data), chunk_size):
        end = start + chunk_size
        chunk = -1 if end >= len(data) else end // chunk_size
        content = base64.b64encode(data[start:end]).decode()
        model = {
            "type": "file",
            "format": "base64",
            "name": name,
            "chunk": chunk,
            "content": content,
        }
        response = await put(jp_fetch, path, model)
        if response.code >= 400:
            return response
    assert response is not None
    return response


def message_of(response: HTTPResponse) -> str:
    return json.loads(response.body)["message"]


async def entries(jp_fetch: Any) -> list[dict[str, Any]]:
    _, answer = await call(jp_fetch, "GET", "redactions")
    return answer["redactions"]


# Whole files ---------------------------------------------------------------------------


async def test_an_uploaded_text_file_is_redacted(jp_fetch: Any, jp_root_dir: Path) -> None:
    await add_token(jp_fetch, VALUE)
    data = f"export MLP={VALUE}\n# привет\n".encode()
    response = await upload(jp_fetch, "env.sh", data)
    assert response.code in (200, 201)
    assert (jp_root_dir / "env.sh").read_bytes() == data.replace(VALUE.encode(), REDACTED_BYTES)
    entry = (await entries(jp_fetch))[-1]
    assert (entry["path"], entry["count"], entry["status"]) == ("env.sh", 1, "redacted")


async def test_an_uploaded_notebook_is_redacted_and_stays_valid(
    jp_fetch: Any, jp_root_dir: Path
) -> None:
    await add_token(jp_fetch, VALUE)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source=f'token = "{VALUE}"')]
    data = nbformat.writes(nb).encode()
    assert (await upload(jp_fetch, "nb.ipynb", data)).code in (200, 201)
    on_disk = (jp_root_dir / "nb.ipynb").read_text()
    assert VALUE not in on_disk
    assert nbformat.reads(on_disk, as_version=4).cells[0].source == f'token = "{REDACTED}"'


async def test_an_upload_without_values_is_written_unchanged(
    jp_fetch: Any, jp_root_dir: Path
) -> None:
    await add_token(jp_fetch, VALUE)
    data = bytes(range(256)) * 3 + VALUE[:-1].encode()
    assert (await upload(jp_fetch, "blob.bin", data)).code in (200, 201)
    assert (jp_root_dir / "blob.bin").read_bytes() == data
    assert await entries(jp_fetch) == []


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00" + VALUE.encode() + b"\x00\x01",
        "\ufeffT=".encode("utf-16-le") + VALUE.encode("utf-16-le"),
        VALUE.encode("utf-16-be"),
    ],
    ids=["binary", "utf-16-le", "utf-16-be"],
)
async def test_a_file_that_cannot_be_rewritten_is_refused(
    jp_fetch: Any, jp_root_dir: Path, data: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    await add_token(jp_fetch, VALUE)
    with caplog.at_level(logging.DEBUG):
        response = await upload(jp_fetch, "secret.bin", data)
    assert response.code == 400
    assert "access token" in message_of(response)
    assert not (jp_root_dir / "secret.bin").exists()
    entry = (await entries(jp_fetch))[-1]
    assert (entry["path"], entry["status"]) == ("secret.bin", "refused")
    assert VALUE not in caplog.text


async def test_an_upload_replacing_a_file_is_redacted(jp_fetch: Any, jp_root_dir: Path) -> None:
    await add_token(jp_fetch, VALUE)
    (jp_root_dir / "old.txt").write_text("old")
    assert (await upload(jp_fetch, "old.txt", VALUE.encode())).code == 200
    assert (jp_root_dir / "old.txt").read_bytes() == REDACTED_BYTES


# Files sent in chunks ------------------------------------------------------------------


async def test_a_value_split_between_chunks_is_redacted_at_every_offset(
    jp_fetch: Any, jp_root_dir: Path
) -> None:
    await add_token(jp_fetch, VALUE)
    await add_token(jp_fetch, OTHER, ADMIN_META)
    size = 32  # shorter than the values plus some: a value can span three chunks
    for offset in range(2 * size):
        data = b"x" * offset + VALUE.encode() + b"-" + OTHER.encode() + b"\n" + b"y" * size
        path = f"split-{offset}.txt"
        response = await upload(jp_fetch, path, data, chunk_size=size)
        assert response.code in (200, 201), offset
        expected = data.replace(VALUE.encode(), REDACTED_BYTES).replace(
            OTHER.encode(), REDACTED_BYTES
        )
        assert (jp_root_dir / path).read_bytes() == expected, offset
    entry = (await entries(jp_fetch))[-1]
    assert (entry["path"], entry["count"], entry["status"]) == (
        f"split-{2 * size - 1}.txt",
        2,
        "redacted",
    )


async def test_a_value_across_a_one_mebibyte_chunk_boundary_is_redacted(
    jp_fetch: Any, jp_root_dir: Path
) -> None:
    await add_token(jp_fetch, VALUE)
    chunk = 1024 * 1024  # JupyterLab's CHUNK_SIZE
    data = b"a" * (chunk - 10) + VALUE.encode() + b"b" * (chunk // 2)
    assert (await upload(jp_fetch, "big.txt", data, chunk_size=chunk)).code in (200, 201)
    assert (jp_root_dir / "big.txt").read_bytes() == data.replace(VALUE.encode(), REDACTED_BYTES)


async def test_no_value_is_on_disk_between_chunks(jp_fetch: Any, jp_root_dir: Path) -> None:
    await add_token(jp_fetch, VALUE)
    name = "partial.txt"
    first = b"head " + VALUE.encode()[:10]
    second = VALUE.encode()[10:] + b" middle " + VALUE.encode() + b" "
    for chunk, data in ((1, first), (2, second)):
        model = {
            "type": "file",
            "format": "base64",
            "chunk": chunk,
            "content": base64.b64encode(data).decode(),
        }
        assert (await put(jp_fetch, name, model)).code in (200, 201)
        assert VALUE.encode() not in (jp_root_dir / name).read_bytes()
    assert (jp_root_dir / name).read_bytes() == b"head " + REDACTED_BYTES + b" middle " + (
        REDACTED_BYTES + b" "
    )


async def test_text_chunks_are_redacted_too(jp_fetch: Any, jp_root_dir: Path) -> None:
    await add_token(jp_fetch, VALUE)
    parts = ["ключ ", VALUE[:5], VALUE[5:] + " конец"]
    for index, part in enumerate(parts):
        chunk = -1 if index == len(parts) - 1 else index + 1
        model = {"type": "file", "format": "text", "chunk": chunk, "content": part}
        assert (await put(jp_fetch, "t.txt", model)).code in (200, 201)
    assert (jp_root_dir / "t.txt").read_text() == f"ключ {REDACTED} конец"


async def test_a_binary_sent_in_chunks_with_a_value_is_refused_and_removed(
    jp_fetch: Any, jp_root_dir: Path
) -> None:
    await add_token(jp_fetch, VALUE)
    data = b"\x00" * 40 + VALUE.encode() + b"\x00" * 40
    response = await upload(jp_fetch, "blob.bin", data, chunk_size=32)
    assert response.code == 400
    assert "access token" in message_of(response)
    assert not (jp_root_dir / "blob.bin").exists()
    assert (await entries(jp_fetch))[-1]["status"] == "refused"


async def test_a_value_saved_during_an_upload_is_redacted_from_the_earlier_chunks(
    jp_fetch: Any, jp_root_dir: Path
) -> None:
    await add_token(jp_fetch, VALUE)
    chunks = [(1, f"{OTHER} and {VALUE}\n"), (2, "more\n"), (-1, "end\n")]
    for chunk, text in chunks:
        if chunk == -1:
            await add_token(jp_fetch, OTHER, ADMIN_META)
        model = {
            "type": "file",
            "format": "base64",
            "chunk": chunk,
            "content": base64.b64encode(text.encode()).decode(),
        }
        assert (await put(jp_fetch, "late.txt", model)).code in (200, 201)
    assert (jp_root_dir / "late.txt").read_text() == f"{REDACTED} and {REDACTED}\nmore\nend\n"


# The refusal in the JupyterLab language --------------------------------------------------


def set_jupyterlab_language(config_dir: Path, locale: str) -> None:
    """Choose the language as JupyterLab's Settings → Language does (its user settings)."""
    path = config_dir / "lab" / "user-settings" / "@jupyterlab" / "translation-extension"
    path.mkdir(parents=True, exist_ok=True)
    (path / "plugin.jupyterlab-settings").write_text(
        f"// Language\n{json.dumps({'locale': locale})}\n", encoding="utf-8"
    )


@pytest.mark.parametrize(
    ("locale", "said"),
    [
        (None, "This file contains the value of a saved access token"),
        ("en", "This file contains the value of a saved access token"),
        ("default", "This file contains the value of a saved access token"),
        ("ru_RU", "этом файле есть значение сохраненного токена доступа"),
        ("de_DE", "This file contains the value of a saved access token"),
    ],
)
@pytest.mark.parametrize("chunk_size", [None, 32], ids=["whole", "chunks"])
async def test_a_refusal_is_worded_in_the_jupyterlab_language_with_its_code(
    jp_fetch: Any,
    jp_config_dir: Path,
    jp_root_dir: Path,
    locale: str | None,
    said: str,
    chunk_size: int | None,
) -> None:
    if locale is not None:
        set_jupyterlab_language(jp_config_dir, locale)
    await add_token(jp_fetch, VALUE)
    data = b"\x00" * 40 + VALUE.encode() + b"\x00" * 40
    response = await upload(jp_fetch, "blob.bin", data, chunk_size=chunk_size)
    assert response.code == 400
    answer = json.loads(response.body)
    assert said in answer["message"]
    assert answer["reason"] == (
        "upload-has-token" if chunk_size is None else "upload-has-token-part-way"
    )
    assert not (jp_root_dir / "blob.bin").exists()


async def test_the_language_follows_a_change_of_the_setting(
    jp_fetch: Any, jp_config_dir: Path
) -> None:
    await add_token(jp_fetch, VALUE)
    data = b"\x00" + VALUE.encode()
    set_jupyterlab_language(jp_config_dir, "ru_RU")
    assert "токена доступа" in message_of(await upload(jp_fetch, "a.bin", data))
    set_jupyterlab_language(jp_config_dir, "en")
    assert "access token" in message_of(await upload(jp_fetch, "b.bin", data))


@pytest.mark.parametrize("mlp_config", [{"redact_on_save": False}])
async def test_uploads_are_untouched_when_redaction_is_off(
    jp_fetch: Any, jp_root_dir: Path
) -> None:
    await add_token(jp_fetch, VALUE)
    data = b"x" * 20 + VALUE.encode() + b"\x00"
    assert (await upload(jp_fetch, "a.bin", data, chunk_size=16)).code in (200, 201)
    assert (jp_root_dir / "a.bin").read_bytes() == data


# Other contents managers ---------------------------------------------------------------


def chunks_of(data: bytes, size: int) -> list[dict[str, Any]]:
    models = []
    for start in range(0, len(data), size):
        end = start + size
        models.append(
            {
                "type": "file",
                "format": "base64",
                "chunk": -1 if end >= len(data) else end // size,
                "content": base64.b64encode(data[start:end]).decode(),
            }
        )
    return models


def test_a_synchronous_contents_manager_is_covered_too(tmp_path: Path) -> None:
    manager = LargeFileManager(root_dir=str(tmp_path))
    records = RedactionLog()
    Uploads(Scrubber(lambda: [VALUE], records, env_names=(), environ={})).install(manager)
    data = b"a" * 7 + VALUE.encode() + b" b " + VALUE.encode()
    for model in chunks_of(data, 10):
        manager.save(model, "sync.txt")
    assert (tmp_path / "sync.txt").read_bytes() == data.replace(VALUE.encode(), REDACTED_BYTES)
    assert [(e.path, e.count, e.status) for e in records.after(0)] == [("sync.txt", 2, "redacted")]


async def test_a_first_chunk_saved_around_the_wrapper_is_still_redacted(tmp_path: Path) -> None:
    manager = AsyncLargeFileManager(root_dir=str(tmp_path))
    Uploads(Scrubber(lambda: [VALUE], RedactionLog(), env_names=(), environ={})).install(manager)
    first = chunks_of(VALUE.encode() + b"x" * 40, 32)[0]
    await AsyncLargeFileManager.save(manager, first, "around.txt")
    assert (tmp_path / "around.txt").read_bytes() == REDACTED_BYTES + b"x" * 8


async def test_values_escaped_in_an_uploaded_notebook_are_redacted(
    jp_fetch: Any, jp_root_dir: Path
) -> None:
    # Found by the property tests: JSON writes " and \ escaped, so the value's bytes
    # are not in the file as they are in the vault.
    quoted = 'mlp_rt_"quoted"\\value'
    await add_token(jp_fetch, quoted)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source=f"# {quoted}")]
    data = nbformat.writes(nb).encode()
    assert quoted.encode() not in data  # only the escaped form is in the file
    assert (await upload(jp_fetch, "nb.ipynb", data)).code in (200, 201)
    assert nbformat.read(jp_root_dir / "nb.ipynb", as_version=4).cells[0].source == (
        f"# {REDACTED}"
    )


async def test_a_value_holding_a_quote_never_breaks_an_uploaded_notebook(
    jp_fetch: Any, jp_root_dir: Path
) -> None:
    """Found by the property tests: a value such as ``"0000000`` also matched the quote
    that opens a JSON string of the notebook, and the upload was written as no JSON."""
    quoted = '"mlp_rt_q'
    await add_token(jp_fetch, quoted)
    notebook = {"cells": [], "metadata": {"note": "mlp_rt_q and more"}, "nbformat": 4,
                "nbformat_minor": 5}  # fmt: skip
    data = json.dumps(notebook, indent=1).encode()
    model = {"type": "file", "format": "base64", "content": base64.b64encode(data).decode()}
    response = await jp_fetch("api", "contents", "q.ipynb", method="PUT", body=json.dumps(model))
    assert response.code in (200, 201)
    assert json.loads((jp_root_dir / "q.ipynb").read_text()) == notebook
