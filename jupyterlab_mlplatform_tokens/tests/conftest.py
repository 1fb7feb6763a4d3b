"""Shared fixtures: the ML Platform emulator, REST helpers, kernels."""

from __future__ import annotations

import importlib
import json
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError, HTTPResponse

ROOT = Path(__file__).resolve().parents[2]
TSX = ROOT / "node_modules" / ".bin" / "tsx"

USER_META = {"name": "alice", "role": "USER", "issuer": "admin-1", "expires_at": None}
ADMIN_META = {
    "name": "team-admin",
    "role": "ADMIN",
    "issuer": "console",
    "expires_at": "2031-05-01T10:00:00Z",
}


@pytest.fixture
def mlp_config() -> dict[str, Any]:
    """Settings of MLPlatformTokens for the test's server; parametrize to change them."""
    return {}


@pytest.fixture
def jp_server_config(jp_server_config: dict[str, Any], mlp_config: dict[str, Any]) -> dict:
    return {**jp_server_config, "MLPlatformTokens": dict(mlp_config)}


@pytest.fixture
def vault_file(jp_data_dir: Path) -> Path:
    """Where the test server's vault lives (the default place under the Jupyter data dir)."""
    return jp_data_dir / "mlplatform_tokens" / "vault.json"


# The emulator ---------------------------------------------------------------------


@dataclass
class Emulator:
    """A running emulator: its URL, the seeded Administrator token, and its control API.

    ``ca_bundle`` is the CA file of an HTTPS emulator (None for plain HTTP): what the
    pipe is configured to trust, and what these helpers trust themselves.
    """

    url: str
    admin_token: str
    ca_bundle: str | None = None

    @property
    def scheme(self) -> str:
        return self.url.split(":", 1)[0]

    def pipe_settings(self) -> dict[str, Any]:
        """The MLPlatformTokens settings that point the pipe at this emulator."""
        return {"api_url": self.url, **({"ca_bundle": self.ca_bundle} if self.ca_bundle else {})}

    def _open(self, request: urllib.request.Request) -> bytes:
        context = ssl.create_default_context(cafile=self.ca_bundle) if self.ca_bundle else None
        with urllib.request.urlopen(request, timeout=10, context=context) as response:  # noqa: S310
            return response.read()

    def connections(self) -> dict[str, int]:
        """TCP connections the emulator saw since the last ``reset_stats``, not counting the
        one this question itself opened (each control call opens its own)."""
        counts = self.control("GET", "stats")["connections"]
        return {"opened": counts["opened"] - 1, "open": counts["open"] - 1, "peak": counts["peak"]}

    def reset_stats(self) -> None:
        self.control("DELETE", "stats")

    def control(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(  # noqa: S310 - loopback URL we started
            f"{self.url}/_emulator/{path}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        text = self._open(request)
        return json.loads(text) if text else None

    def call(self, method: str, path: str, body: Any = None, bearer: str | None = None) -> Any:
        """Call the API directly (not through the pipe)."""
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(  # noqa: S310
            f"{self.url}/{path}", data=data, method=method, headers=headers
        )
        text = self._open(request)
        return json.loads(text) if text else None

    def bearer(self, token: str | None = None) -> str:
        answer = self.call("POST", "auth/refresh", {"refresh_token": token or self.admin_token})
        return answer["access_token"]

    def mint(self, **request: Any) -> dict[str, Any]:
        return self.control("POST", "tokens", request)

    def clear_faults(self) -> None:
        self.control("DELETE", "faults")


def start_emulator(
    data_file: Path, ca_file: Path | None = None
) -> tuple[subprocess.Popen[str], str, str]:
    """Start the emulator; returns the process, its URL and the seeded Administrator token.
    With ``ca_file`` it serves HTTPS with a certificate made for the run, whose CA it
    writes there."""
    if not TSX.exists():
        pytest.skip("node_modules/.bin/tsx is missing; run npm ci first")
    tls = ("--tls-ca", str(ca_file)) if ca_file is not None else ()
    process = subprocess.Popen(
        [
            str(TSX),
            "emulator/src/main.ts",
            *("--port", "0", "--data", str(data_file)),
            *("--seed-admin", "--control", "--bearer-ttl", "3600", *tls),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    url = token = None
    lines: list[str] = []
    deadline = time.monotonic() + 60
    assert process.stdout is not None
    while (url is None or token is None) and time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if match := re.search(r"listening on (https?://\S+)", line):
            url = match.group(1)
        if line.startswith("MLPLATFORM_ADMIN_TOKEN="):
            token = line.strip().split("=", 1)[1]
    if url is None or token is None:
        stop_process(process)
        raise RuntimeError("The emulator did not start:\n" + "".join(lines[-20:]))
    # Keep reading its output so a full pipe never blocks it.
    threading.Thread(target=_drain, args=(process,), daemon=True).start()
    return process, url, token


def _drain(process: subprocess.Popen[str]) -> None:
    assert process.stdout is not None
    for _ in process.stdout:
        pass


def stop_process(process: subprocess.Popen[Any]) -> None:
    """SIGTERM the process group, then SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def http_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """The ML Platform emulator (TypeScript) over plain HTTP, one per test session."""
    data = tmp_path_factory.mktemp("emulator") / "state.json"
    process, url, token = start_emulator(data)
    try:
        yield Emulator(url=url, admin_token=token)
    finally:
        stop_process(process)


@pytest.fixture(scope="session")
def https_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """The emulator over HTTPS, as the real API is served, with a CA made for the run."""
    folder = tmp_path_factory.mktemp("emulator-tls")
    process, url, token = start_emulator(folder / "state.json", folder / "ca.pem")
    try:
        yield Emulator(url=url, admin_token=token, ca_bundle=str(folder / "ca.pem"))
    finally:
        stop_process(process)


@pytest.fixture
def emulator(http_emulator: Emulator) -> Emulator:
    """The emulator over HTTP; the pipe's test modules run over both (``either_emulator``)."""
    return http_emulator


@pytest.fixture
def no_faults_left(emulator: Emulator) -> Iterator[None]:
    """Clear the faults a test set on its module's emulator, whatever the outcome."""
    yield
    emulator.clear_faults()


def unique(prefix: str) -> str:
    """A token name no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture(params=["http", "https"])
def either_emulator(request: pytest.FixtureRequest) -> Emulator:
    """The emulator over HTTP, then over HTTPS: a module that names this ``emulator``
    runs each of its tests against both."""
    return request.getfixturevalue(f"{request.param}_emulator")


@dataclass(frozen=True)
class RunCertificates:
    """PEM files of a CA made for the session and of a server certificate it signed
    for 127.0.0.1 and localhost: for the Python test servers that speak TLS."""

    ca: Path
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, self.key)
        return context


@pytest.fixture(scope="session")
def test_certificates(tmp_path_factory: pytest.TempPathFactory) -> RunCertificates:
    """Made by the emulator's own certificate code (emulator/src/tls.ts)."""
    if not TSX.exists():
        pytest.skip("node_modules/.bin/tsx is missing; run npm ci first")
    made = json.loads(
        subprocess.run(
            [
                str(TSX),
                "--eval",
                "import { makeTestCertificates } from './emulator/src/tls';"
                "process.stdout.write(JSON.stringify(makeTestCertificates()));",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
    )
    folder = tmp_path_factory.mktemp("certificates")
    files = RunCertificates(ca=folder / "ca.pem", cert=folder / "cert.pem", key=folder / "key.pem")
    files.ca.write_text(made["ca"])
    files.cert.write_text(made["server"]["cert"])
    files.key.write_text(made["server"]["key"])
    return files


# REST helpers ------------------------------------------------------------------------


async def call(jp_fetch: Any, method: str, *parts: str, body: Any = None, **kwargs: Any) -> Any:
    """Call an extension endpoint; returns (status, parsed JSON or None) and never raises."""
    if body is not None and not isinstance(body, (bytes, str)):
        body = json.dumps(body)
    if body is None and method in ("POST", "PATCH"):
        body = ""
    try:
        response: HTTPResponse = await jp_fetch(
            "mlplatform-tokens", *parts, method=method, body=body, **kwargs
        )
    except HTTPClientError as error:
        response = error.response
        assert response is not None, error
    text = response.body.decode() if response.body else ""
    return response.code, (json.loads(text) if text else None)


async def add_token(
    jp_fetch: Any, value: str, meta: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    status, answer = await call(
        jp_fetch, "POST", "tokens", body={"value": value, **(meta or USER_META), **extra}
    )
    assert status in (200, 201), answer
    return answer


# The upstream pipe -------------------------------------------------------------------


class Pipe:
    """Calls through /mlplatform-tokens/upstream/ the way the browser's client does."""

    def __init__(self, client: Any, base_url: str, server_token: str) -> None:
        self._client = client
        self._base = f"{base_url}mlplatform-tokens/upstream/"
        self._auth = f"token {server_token}"

    async def __call__(
        self,
        method: str,
        path: str,
        body: Any = None,
        bearer: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any, Any]:
        all_headers = {"Authorization": self._auth, **(headers or {})}
        if bearer:
            all_headers["X-MLPlatform-Authorization"] = f"Bearer {bearer}"
        if body is not None:
            all_headers.setdefault("Content-Type", "application/json")
            body = body if isinstance(body, (str, bytes)) else json.dumps(body)
        response = await self._client.fetch(
            self._base + path,
            method=method,
            body=body,
            headers=all_headers,
            raise_error=False,
            allow_nonstandard_methods=True,
            request_timeout=30,
        )
        text = response.body.decode() if response.body else ""
        return response.code, response.headers, (json.loads(text) if text else None)


@pytest.fixture
def pipe(http_server_client: Any, jp_base_url: str, jp_serverapp: Any) -> Pipe:
    return Pipe(http_server_client, jp_base_url, jp_serverapp.identity_provider.token)


# Kernels -----------------------------------------------------------------------------

PRINT_ENV = """
import os, subprocess
def _printenv(name):
    found = subprocess.run(["printenv", name], capture_output=True, text=True).stdout.strip()
    return found or None
names = {names!r}
print(json.dumps({{
    "environ": {{n: os.environ.get(n) for n in names}},
    "printenv": {{n: _printenv(n) for n in names}},
}}))
"""


async def kernel_env(manager: Any, names: tuple[str, ...] = ("MLP_REFRESH_TOKEN",)) -> dict:
    """What a running kernel sees: its os.environ and a child process's printenv."""
    client = manager.client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=60)
        code = "import json\n" + PRINT_ENV.format(names=list(names))
        reply_id = client.execute(code, store_history=False)
        output = ""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            message = await client.get_iopub_msg(timeout=60)
            if message["parent_header"].get("msg_id") != reply_id:
                continue
            kind = message["msg_type"]
            if kind == "stream":
                output += message["content"]["text"]
            elif kind == "error":
                raise AssertionError("\n".join(message["content"]["traceback"]))
            elif kind == "status" and message["content"]["execution_state"] == "idle":
                break
        return json.loads(output)
    finally:
        client.stop_channels()


def kernel_pid(manager: Any) -> int:
    return manager.provisioner.process.pid


def printenv_available() -> bool:
    return shutil.which("printenv") is not None


# The vendor library's stand-in ----------------------------------------------------------

STANDINS = ROOT / "standins"


def forget_library() -> None:
    """Drop every imported ``mlplatform_client`` module, so the next import finds it anew."""
    for name in [name for name in sys.modules if name.split(".")[0] == "mlplatform_client"]:
        del sys.modules[name]
    importlib.invalidate_caches()


@pytest.fixture
def standin(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The ``mlplatform_client`` stand-in importable (for this test only), aimed at the emulator."""
    monkeypatch.setenv("MLPLATFORM_STANDIN_URL", emulator.url)
    monkeypatch.syspath_prepend(str(STANDINS))
    forget_library()
    yield importlib.import_module("mlplatform_client")
    monkeypatch.undo()
    forget_library()
