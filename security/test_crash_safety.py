"""Crash safety of the vault: a real Jupyter server is SIGKILLed at random moments while
a client adds, renames, activates and removes tokens through the REST API.

After every kill the server is started again on the same vault, and:

- the vault file parses (with the extension's own parser) and is mode 0600, and no
  file was set aside as corrupt;
- nothing acknowledged (a 2xx answer received before the kill) is lost: what the
  restarted server lists is the state after every acknowledged write, or that state
  plus the one write that was in flight when the server died.

30 kills by default; ``MLP_LONG=1`` runs 200. ``MLP_SEED`` fixes the random choices
(the seed used is printed with the figures).
"""

from __future__ import annotations

import json
import os
import random
import secrets
import stat
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from jupyterlab_mlplatform_tokens.records import VaultState

from . import figures
from .servers import JupyterServer

SUITE = "Crash safety (SIGKILL during vault writes)"
KILLS = 200 if os.environ.get("MLP_LONG") == "1" else 30
SEED = int(os.environ.get("MLP_SEED") or secrets.randbelow(10**6))
META = {"name": "crash-test", "role": "USER", "issuer": "", "expires_at": None}
MAX_SAVED = 12


@dataclass
class Model:
    """What the vault must hold: label and value by id, and the active id."""

    tokens: dict[str, tuple[str, str]] = field(default_factory=dict)
    active_id: str | None = None

    def copy(self) -> Model:
        return Model(dict(self.tokens), self.active_id)


@dataclass
class Operation:
    method: str
    path: str
    body: Any
    # What the model becomes if the operation took effect.
    apply: Any


class Writer(threading.Thread):
    """Sends writes one at a time until told to stop or the server goes away."""

    def __init__(self, server: JupyterServer, model: Model, rng: random.Random) -> None:
        super().__init__(daemon=True)
        self.server = server
        self.model = model  # after every acknowledged write
        self.rng = rng
        self.acknowledged = 0
        self.pending: Operation | None = None
        self.halt = threading.Event()
        self.unexpected: list[str] = []

    def run(self) -> None:
        while not self.halt.is_set():
            operation = self.next_operation()
            self.pending = operation
            try:
                answer = self.server.request(
                    operation.method, operation.path, operation.body, timeout=10
                )
            except OSError:
                return  # the server died with this write in flight
            if not 200 <= answer.status < 300:
                self.unexpected.append(f"{operation.method} {operation.path}: {answer.status}")
                return
            self.model = operation.apply(self.model, answer.json())
            self.pending = None
            self.acknowledged += 1

    def next_operation(self) -> Operation:
        rng, model = self.rng, self.model
        ids = sorted(model.tokens)
        kinds = ["add"] if not ids else ["add", "rename", "activate", "remove", "deactivate"]
        if len(ids) >= MAX_SAVED:
            kinds.remove("add")
        kind = rng.choice(kinds)
        if kind == "add":
            value = f"mlp_rt_{secrets.token_hex(12)}"
            label = f"crash {rng.randrange(10**6)}"
            activate = rng.random() < 0.5

            def added(m: Model, answer: Any) -> Model:
                new = m.copy()
                new.tokens[answer["token"]["id"]] = (label, value)
                if activate:
                    new.active_id = answer["token"]["id"]
                return new

            body = {"value": value, "label": label, "activate": activate, **META}
            return Operation("POST", "mlplatform-tokens/tokens", body, added)
        if kind == "deactivate":

            def deactivated(m: Model, _: Any) -> Model:
                new = m.copy()
                new.active_id = None
                return new

            return Operation("POST", "mlplatform-tokens/tokens/deactivate", None, deactivated)
        record_id = rng.choice(ids)
        path = f"mlplatform-tokens/tokens/{record_id}"
        if kind == "rename":
            label = f"renamed {rng.randrange(10**6)}"

            def renamed(m: Model, _: Any) -> Model:
                new = m.copy()
                new.tokens[record_id] = (label, m.tokens[record_id][1])
                return new

            return Operation("PATCH", path, {"label": label}, renamed)
        if kind == "activate":

            def activated(m: Model, _: Any) -> Model:
                new = m.copy()
                new.active_id = record_id
                return new

            return Operation("POST", path + "/activate", None, activated)

        def removed(m: Model, _: Any) -> Model:
            new = m.copy()
            del new.tokens[record_id]
            if new.active_id == record_id:
                new.active_id = None
            return new

        return Operation("DELETE", path, None, removed)


def observed(server: JupyterServer) -> Model:
    """The restarted server's listing, with values from the file."""
    answer = server.request("GET", "mlplatform-tokens/tokens")
    assert answer.status == 200, answer.body
    listing = answer.json()
    values: dict[str, str] = {}
    if server.vault_path.exists():
        values = {t["id"]: t["value"] for t in json.loads(server.vault_path.read_text())["tokens"]}
    return Model(
        {t["id"]: (t["label"], values.get(t["id"], "?")) for t in listing["tokens"]},
        listing["active_id"],
    )


def active_value(m: Model) -> str | None:
    return m.tokens[m.active_id][1] if m.active_id in m.tokens else None


def same_by_value(a: Model, b: Model) -> bool:
    """Equal, matching records by value (a write in flight has no id we know)."""

    def key(m: Model) -> tuple[Any, ...]:
        return (sorted((value, label) for label, value in m.tokens.values()), active_value(m))

    return key(a) == key(b)


def lost_writes(expected: Model, actual: Model) -> int:
    """How many acknowledged effects are missing from ``actual``."""
    by_value = {value: label for label, value in actual.tokens.values()}
    lost = 0
    for label, value in expected.tokens.values():
        if by_value.get(value) != label:
            lost += 1
    expected_values = {value for _, value in expected.tokens.values()}
    lost += sum(1 for value in by_value if value not in expected_values)  # a removal undone
    if active_value(expected) != active_value(actual):
        lost += 1
    return lost


def file_problems(server: JupyterServer) -> list[str]:
    problems = []
    path = server.vault_path
    aside = sorted(p.name for p in path.parent.glob(path.name + ".corrupt-*"))
    if aside:
        problems.append(f"set aside as corrupt: {aside}")
    if path.exists():
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode != 0o600:
            problems.append(f"mode {mode:o}")
        try:
            VaultState.from_json(json.loads(path.read_bytes()))
        except Exception as error:
            problems.append(f"does not parse: {type(error).__name__}: {error}")
    folder_mode = stat.S_IMODE(path.parent.stat().st_mode) if path.parent.exists() else 0o700
    if folder_mode != 0o700:
        problems.append(f"folder mode {folder_mode:o}")
    return problems


@pytest.mark.timeout(60 + KILLS * 10)
def test_acknowledged_writes_survive_sigkill(tmp_path: Path) -> None:
    rng = random.Random(SEED)  # noqa: S311 - reproducible choices, not secrets
    server = JupyterServer(tmp_path / "server")
    model = Model()
    acknowledged = lost = unparsable = 0
    failures: list[str] = []
    server.start()
    try:
        for kill in range(KILLS):
            writer = Writer(server, model, rng)
            writer.start()
            time.sleep(rng.uniform(0.01, 0.25))
            server.kill()
            writer.halt.set()
            writer.join(timeout=30)
            acknowledged += writer.acknowledged
            failures += [f"kill {kill}: refused {u}" for u in writer.unexpected]

            problems = file_problems(server)
            unparsable += bool(problems)
            failures += [f"kill {kill}: vault file {p}" for p in problems]

            server.start()
            actual = observed(server)
            allowed = [writer.model]
            if writer.pending is not None:
                # An add in flight has no id we know; the models are compared by value.
                allowed.append(writer.pending.apply(writer.model, {"token": {"id": "in-flight"}}))
            if not any(same_by_value(candidate, actual) for candidate in allowed):
                missing = min(lost_writes(candidate, actual) for candidate in allowed)
                lost += max(missing, 1)
                failures.append(f"kill {kill}: expected {allowed[0]}, found {actual}")
            model = actual  # carry on from what the vault now holds
    finally:
        server.stop()
        figures.record(SUITE, "kills", KILLS)
        figures.record(SUITE, "writes acknowledged", acknowledged)
        figures.record(SUITE, "acknowledged writes lost", lost, "0")
        figures.record(SUITE, "unparsable or unsafe vault files", unparsable, "0")
        figures.record(SUITE, "seed (MLP_SEED)", SEED)
    assert not failures, "\n".join(failures[:20])
    assert acknowledged > KILLS  # the kills really landed among writes
