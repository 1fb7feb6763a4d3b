"""Properties of redaction: whatever the values and wherever they are, none reaches the disk.

Each example saves through a real contents manager (Jupyter's AsyncLargeFileManager,
the server's default) in a fresh folder, with the extension's hooks installed as the
server installs them, and reads back what was written. A failure prints the falsifying
example and a ``@reproduce_failure`` blob.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import nbformat
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from tornado import web

from jupyterlab_mlplatform_tokens.extension import install_redaction
from jupyterlab_mlplatform_tokens.scrub import REDACTED, RedactionLog, Scrubber

#: Examples per property; raise it for a deeper search, e.g. MLP_PROPERTY_EXAMPLES=2000.
EXAMPLES = int(os.environ.get("MLP_PROPERTY_EXAMPLES", "60"))

PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: Token values as the vault accepts them: printable ASCII, no spaces.
TOKEN_ALPHABET = st.characters(min_codepoint=0x21, max_codepoint=0x7E)
#: Values that could meet the marker: ending with its start, starting with its end, or
#: inside it.
marker_values = st.one_of(
    st.builds(
        lambda before, end: before + REDACTED[:end],
        st.text(TOKEN_ALPHABET, min_size=7, max_size=12),
        st.integers(1, REDACTED.index(" ")),
    ),
    st.builds(
        lambda start, after: REDACTED[start:] + after,
        st.integers(REDACTED.rindex(" ") + 1, len(REDACTED) - 1),
        st.text(TOKEN_ALPHABET, min_size=7, max_size=12),
    ),
    st.sampled_from(["redacted", "edacted]", "redacted]"]),
)
token_values = st.one_of(st.text(TOKEN_ALPHABET, min_size=8, max_size=4096), marker_values)
value_sets = st.lists(token_values, min_size=1, max_size=4, unique=True)


# Harness ---------------------------------------------------------------------------------


class Harness:
    """A contents manager in a temporary folder with redaction installed."""

    def __init__(self, root: Path, read: Callable[[], list[str]]) -> None:
        self.root = root
        self.records = RedactionLog()
        self.manager = AsyncLargeFileManager(root_dir=str(root))
        install_redaction(self.manager, Scrubber(read, self.records, env_names=(), environ={}))

    def save(self, model: dict[str, Any], path: str) -> int:
        """Save; returns the HTTP status Jupyter would answer with."""
        try:
            asyncio.run(self.manager.save(model, path))
        except web.HTTPError as error:
            return error.status_code
        return 200

    def upload(self, path: str, data: bytes, cuts: list[int]) -> int:
        """Upload ``data`` in chunks ending at ``cuts`` (numbered like JupyterLab's)."""
        bounds = [0, *sorted({cut for cut in cuts if 0 < cut < len(data)}), len(data)]
        pieces = list(itertools.pairwise(bounds))
        for index, (start, end) in enumerate(pieces):
            model = {
                "type": "file",
                "format": "base64",
                "chunk": -1 if index == len(pieces) - 1 else index + 1,
                "content": base64.b64encode(data[start:end]).decode(),
            }
            status = self.save(model, path)
            if status != 200:
                return status
        return 200


def harness(read: Callable[[], list[str]]) -> Iterator[Harness]:
    with tempfile.TemporaryDirectory() as folder:
        yield Harness(Path(folder), read)


def strings_of(root: Any) -> Iterator[str]:
    """Every string of a JSON document, keys included."""
    pending = [root]
    while pending:
        node = pending.pop()
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            for key, item in node.items():
                yield key
                pending.append(item)
        elif isinstance(node, list):
            pending.extend(node)


def assert_no_value(data: bytes | str, values: list[str]) -> None:
    for value in values:
        form = value if isinstance(data, str) else value.encode()
        assert form not in data, f"a value of {len(value)} characters survived"


# Strategies ------------------------------------------------------------------------------


def pieces_of(values: list[str]) -> st.SearchStrategy[str]:
    """A value's start, its end, or any slice of it (so values meet, overlap and are
    cut in every way)."""
    return st.sampled_from(values).flatmap(
        lambda value: st.one_of(
            st.integers(0, len(value)).map(lambda end: value[:end]),
            st.integers(0, len(value)).map(lambda start: value[start:]),
            st.tuples(st.integers(0, len(value)), st.integers(0, len(value))).map(
                lambda ends: value[min(ends) : max(ends)]
            ),
        )
    )


@st.composite
def mixed(draw: st.DrawFn, values: list[str], filler: st.SearchStrategy[str]) -> str:
    """Filler, values and pieces of values, in any order, at least one whole value."""
    parts = draw(
        st.lists(st.one_of(filler, st.sampled_from(values), pieces_of(values)), max_size=6)
    )
    parts.insert(draw(st.integers(0, len(parts))), draw(st.sampled_from(values)))
    return "".join(parts)


SHORT_TEXT = st.text(max_size=200)
#: Text as a text file holds it: encodable as UTF-8, no NUL.
NUL_FREE_TEXT = st.text(
    st.characters(exclude_characters="\0", exclude_categories=("Cs",)), max_size=200
)


@st.composite
def case(draw: st.DrawFn, filler: st.SearchStrategy[str] = SHORT_TEXT) -> Any:
    values = draw(value_sets)
    return values, draw(mixed(values, filler))


def notebook_of(texts: list[str]) -> dict[str, Any]:
    """A notebook with the texts in every kind of place (sources, outputs, metadata, keys)."""
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell(source=texts[0])
    code.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text=texts[1 % len(texts)]),
        nbformat.v4.new_output(
            "execute_result",
            data={"text/plain": texts[2 % len(texts)], "application/json": {"k": texts}},
            execution_count=1,
        ),
    ]
    code.metadata["tags"] = texts
    markdown = nbformat.v4.new_markdown_cell(source=texts[-1])
    nb.cells = [code, markdown]
    nb.metadata["extra"] = {text: index for index, text in enumerate(texts)}
    return json.loads(nbformat.writes(nb))


# Properties ------------------------------------------------------------------------------


@PROPERTY
@given(case())
def test_no_value_survives_in_a_text_file(example: Any) -> None:
    values, text = example
    for h in harness(lambda: values):
        assert h.save({"type": "file", "format": "text", "content": text}, "a.txt") == 200
        assert_no_value((h.root / "a.txt").read_text(encoding="utf-8"), values)


@settings(PROPERTY, max_examples=5 * EXAMPLES)
@given(
    st.lists(marker_values, min_size=1, max_size=3, unique=True).flatmap(
        lambda values: st.tuples(
            st.just(values),
            st.lists(st.one_of(st.sampled_from(values), pieces_of(values)), max_size=6),
        )
    )
)
def test_the_marker_never_spells_a_value(example: Any) -> None:
    values, parts = example
    text = "".join(parts)
    for h in harness(lambda: values):
        assert h.save({"type": "file", "format": "text", "content": text}, "a.txt") == 200
        assert_no_value((h.root / "a.txt").read_text(encoding="utf-8"), values)


@PROPERTY
@given(value_sets, st.text(max_size=400))
def test_text_without_values_is_written_byte_identical(values: list[str], text: str) -> None:
    if any(value in text for value in values):
        return
    for h in harness(lambda: values):
        h.save({"type": "file", "format": "text", "content": text}, "a.txt")
        assert (h.root / "a.txt").read_bytes() == text.encode("utf-8")
        assert h.records.after(0) == []


@PROPERTY
@given(
    value_sets.flatmap(
        lambda v: st.tuples(
            st.just(v), st.lists(mixed(v, st.text(max_size=40)), min_size=1, max_size=5)
        )
    )
)
def test_no_value_survives_in_a_notebook(example: Any) -> None:
    values, texts = example
    for h in harness(lambda: values):
        assert h.save({"type": "notebook", "content": notebook_of(texts)}, "a.ipynb") == 200
        on_disk = (h.root / "a.ipynb").read_text(encoding="utf-8")
        for string in strings_of(json.loads(on_disk)):
            assert_no_value(string, values)
        for checkpoint in (h.root / ".ipynb_checkpoints").iterdir():
            for string in strings_of(json.loads(checkpoint.read_text(encoding="utf-8"))):
                assert_no_value(string, values)


@PROPERTY
@given(
    value_sets.flatmap(
        lambda v: st.tuples(
            st.just(v), st.lists(mixed(v, st.text(max_size=40)), min_size=1, max_size=5)
        )
    )
)
def test_no_value_survives_in_an_uploaded_notebook(example: Any) -> None:
    values, texts = example
    data = nbformat.writes(nbformat.from_dict(notebook_of(texts))).encode()
    for h in harness(lambda: values):
        content = base64.b64encode(data).decode()
        assert h.save({"type": "file", "format": "base64", "content": content}, "a.ipynb") == 200
        on_disk = json.loads((h.root / "a.ipynb").read_text(encoding="utf-8"))
        for string in strings_of(on_disk):
            assert_no_value(string, values)


@PROPERTY
@given(case(st.binary(max_size=300).map(lambda b: b.decode("latin-1"))))
def test_an_upload_is_redacted_or_refused(example: Any) -> None:
    values, text = example
    data = text.encode("latin-1")
    for h in harness(lambda: values):
        content = base64.b64encode(data).decode()
        status = h.save({"type": "file", "format": "base64", "content": content}, "a.bin")
        if status == 400:
            assert b"\0" in data
            assert not (h.root / "a.bin").exists()
        else:
            assert status == 200
            assert_no_value((h.root / "a.bin").read_bytes(), values)


@PROPERTY
@given(value_sets, st.binary(max_size=2000))
def test_an_upload_without_values_is_written_byte_identical(values: list[str], data: bytes) -> None:
    if any(value.encode() in data for value in values):
        return
    for h in harness(lambda: values):
        content = base64.b64encode(data).decode()
        assert h.save({"type": "file", "format": "base64", "content": content}, "a.bin") == 200
        assert (h.root / "a.bin").read_bytes() == data


@st.composite
def chunked_case(draw: st.DrawFn, filler: st.SearchStrategy[str]) -> Any:
    values, text = draw(case(filler))
    data = text.encode("utf-8")
    cuts = draw(st.lists(st.integers(1, max(1, len(data) - 1)), min_size=1, max_size=12))
    return values, data, cuts


@PROPERTY
@given(chunked_case(NUL_FREE_TEXT))
def test_no_value_survives_in_a_chunked_upload(example: Any) -> None:
    values, data, cuts = example
    for h in harness(lambda: values):
        assert h.upload("a.txt", data, cuts) == 200
        assert_no_value((h.root / "a.txt").read_bytes(), values)


@PROPERTY
@given(chunked_case(st.binary(max_size=200).map(lambda b: b.decode("latin-1"))))
def test_a_chunked_binary_upload_is_redacted_or_refused(example: Any) -> None:
    values, data, cuts = example
    for h in harness(lambda: values):
        status = h.upload("a.bin", data, cuts)
        path = h.root / "a.bin"
        if status == 400:
            assert not path.exists() or b"\0" in data
            if path.exists():
                assert_no_value(path.read_bytes(), values)
        else:
            assert status == 200
            assert_no_value(path.read_bytes(), values)


@PROPERTY
@given(
    value_sets, st.binary(min_size=1, max_size=3000), st.lists(st.integers(1, 2999), max_size=12)
)
def test_a_chunked_upload_without_values_is_written_byte_identical(
    values: list[str], data: bytes, cuts: list[int]
) -> None:
    if any(value.encode() in data for value in values):
        return
    for h in harness(lambda: values):
        assert h.upload("a.bin", data, cuts) == 200
        assert (h.root / "a.bin").read_bytes() == data


@PROPERTY
@given(chunked_case(NUL_FREE_TEXT), st.data())
def test_values_saved_during_a_chunked_upload_are_redacted(example: Any, data: Any) -> None:
    values, content, cuts = example
    known: list[str] = []

    def read() -> list[str]:
        return list(known)

    late = data.draw(st.integers(0, len(values)))
    known.extend(values[:late])
    for h in harness(read):
        bounds = [0, *sorted({cut for cut in cuts if 0 < cut < len(content)}), len(content)]
        pieces = list(itertools.pairwise(bounds))
        grow_at = data.draw(st.integers(0, len(pieces) - 1))
        for index, (start, end) in enumerate(pieces):
            if index == grow_at:
                known[:] = values
            model = {
                "type": "file",
                "format": "base64",
                "chunk": -1 if index == len(pieces) - 1 else index + 1,
                "content": base64.b64encode(content[start:end]).decode(),
            }
            assert h.save(model, "a.txt") == 200
        assert_no_value((h.root / "a.txt").read_bytes(), values)


@PROPERTY
@given(case(), st.sampled_from(["utf-16-le", "utf-16-be", "utf-16"]))
def test_a_utf16_upload_with_values_is_refused(example: Any, codec: str) -> None:
    values, text = example
    data = text.encode(codec)
    for h in harness(lambda: values):
        content = base64.b64encode(data).decode()
        assert h.save({"type": "file", "format": "base64", "content": content}, "a.txt") == 400
        assert not (h.root / "a.txt").exists()


@PROPERTY
@given(
    value_sets.flatmap(
        lambda values: st.tuples(
            st.just(values),
            st.lists(st.tuples(mixed(values, SHORT_TEXT), st.booleans()), min_size=1, max_size=6),
        )
    )
)
def test_a_value_once_seen_is_redacted_whenever_the_vault_fails(example: Any) -> None:
    values, saves = example
    broken = {"now": False}

    def read() -> list[str]:
        if broken["now"]:
            raise OSError("the vault cannot be read")
        return values

    for h in harness(read):
        h.save({"type": "file", "format": "text", "content": ""}, "first.txt")
        for index, (text, fails) in enumerate(saves):
            broken["now"] = fails
            path = f"{index}.txt"
            assert h.save({"type": "file", "format": "text", "content": text}, path) == 200
            assert_no_value((h.root / path).read_text(encoding="utf-8"), values)
            assert h.records.after(0)[-1].status == ("fallback" if fails else "redacted")
