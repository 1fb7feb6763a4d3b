"""Benchmark of the upstream pipe against the emulator on loopback, over TLS.

    .venv/bin/python bench/pipe.py [--requests 500] [--warmup 100]

Starts the ML Platform emulator twice (HTTPS with a CA made for the run, and plain
HTTP) and three Jupyter servers with the extension (all subprocesses on 127.0.0.1,
in a throwaway directory): one whose pipe keeps connections alive (the default
``upstream_pool_size``), one with ``upstream_pool_size = 0`` (a new connection,
TCP and TLS handshake, for every call: how the pipe worked before the pool), and
one aimed at the plain-HTTP emulator. Then it measures the same call, ``GET
/tokens/me`` with a bearer, directly against the emulator and through
``/mlplatform-tokens/upstream/`` of each server, in alternating rounds so that
drift hits all alike. Prints p50 and p95 side by side, what each adds at p50 over
the direct call of the same scheme, the load average over the run, and the budget
line: the pipe adds at most 1 ms at p50 over calling the TLS upstream directly
with keep-alive.

Keep-alive connections from the benchmark to every server, authenticated to Jupyter
by its login cookie, as a browser's calls are.
Bounded; stops everything it started; exits 1 when the budget is missed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BUDGET_MS = 1.0
ROUNDS = 10


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(process: subprocess.Popen[Any]) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


@contextmanager
def emulator(folder: Path, ca_file: Path | None = None) -> Iterator[tuple[str, str]]:
    """The emulator (HTTPS when ``ca_file`` is given, its CA written there): yields its
    URL and the seeded Administrator token."""
    folder.mkdir(exist_ok=True)
    command = [
        str(ROOT / "node_modules" / ".bin" / "tsx"),
        "emulator/src/main.ts",
        *("--port", "0", "--data", str(folder / "emulator.json")),
        *("--seed-admin", "--bearer-ttl", "3600"),
        *(("--tls-ca", str(ca_file)) if ca_file is not None else ()),
    ]
    process = subprocess.Popen(  # noqa: S603 - a fixed command of this repository
        command,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        url = token = None
        deadline = time.monotonic() + 60
        assert process.stdout is not None
        while (url is None or token is None) and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                raise RuntimeError("the emulator exited before it was ready")
            if match := re.search(r"listening on (https?://\S+)", line):
                url = match.group(1)
            if line.startswith("MLPLATFORM_ADMIN_TOKEN="):
                token = line.strip().split("=", 1)[1]
        if url is None or token is None:
            raise RuntimeError("the emulator did not start within 60 s")
        drain = threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True)
        drain.start()
        yield url, token
    finally:
        stop(process)


@contextmanager
def jupyter_server(folder: Path, settings: dict[str, Any]) -> Iterator[tuple[int, str]]:
    """A Jupyter server with the extension and these MLPlatformTokens ``settings``:
    yields its port and its token."""
    folder.mkdir()
    port = free_port()
    token = secrets.token_hex(24)
    config_dir = folder / "config"
    config_dir.mkdir()
    (config_dir / "jupyter_server_config.json").write_text(
        json.dumps(
            {
                "ServerApp": {"jpserver_extensions": {"jupyterlab_mlplatform_tokens": True}},
                "MLPlatformTokens": settings,
            }
        )
    )
    (folder / "root").mkdir()
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(config_dir),
        "JUPYTER_DATA_DIR": str(folder / "data"),
        "JUPYTER_RUNTIME_DIR": str(folder / "runtime"),
    }
    env.pop("MLPLATFORM_API_URL", None)
    command = [
        sys.executable,
        "-m",
        "jupyter_server",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={folder / 'root'}",
        "--ServerApp.log_level=WARN",
    ]
    if os.getuid() == 0:
        command.append("--allow-root")
    log = (folder / "jupyter.log").open("w")
    process = subprocess.Popen(  # noqa: S603 - a fixed command of this repository
        command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        wait_until_ready(port, token, process)
        yield port, token
    finally:
        stop(process)
        log.close()


def wait_until_ready(port: int, token: str, process: subprocess.Popen[Any]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the Jupyter server exited before it was ready")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request(
                "GET", "/mlplatform-tokens/status", headers={"Authorization": f"token {token}"}
            )
            if connection.getresponse().status == 200:
                connection.close()
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the Jupyter server did not start within 90 s")


def login_cookie(port: int, token: str) -> str:
    """The login cookie Jupyter sets for a token-authenticated request: what the browser's
    calls carry. (A call with the token itself makes Jupyter sign and set that cookie again
    on every answer, which a browser never pays.)"""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/api/me", headers={"Authorization": f"token {token}"})
    response = connection.getresponse()
    response.read()
    connection.close()
    cookies = [
        value.split(";", 1)[0]
        for name, value in response.getheaders()
        if name.lower() == "set-cookie" and value.startswith("username-")
    ]
    if response.status != 200 or not cookies:
        raise RuntimeError("the Jupyter server set no login cookie")
    return cookies[0]


class Caller:
    """One keep-alive connection (TLS for an https URL) and the request to repeat on it."""

    def __init__(
        self, url: str, path: str, headers: dict[str, str], ca_file: Path | None = None
    ) -> None:
        self._connection = connect(url, ca_file, timeout=30)
        self._path = path
        self._headers = headers

    def once(self) -> float:
        """Milliseconds for one call; fails loudly on anything but 200."""
        started = time.perf_counter()
        self._connection.request("GET", self._path, headers=self._headers)
        response = self._connection.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            raise RuntimeError(f"{self._path} answered {response.status}: {body[:200]!r}")
        return elapsed

    def close(self) -> None:
        self._connection.close()


def connect(url: str, ca_file: Path | None, timeout: float) -> http.client.HTTPConnection:
    scheme, rest = url.split("://", 1)
    host, port = rest.rsplit(":", 1)
    if scheme == "https":
        context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
        return http.client.HTTPSConnection(host, int(port), timeout=timeout, context=context)
    return http.client.HTTPConnection(host, int(port), timeout=timeout)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def bearer_for(api_url: str, token: str, ca_file: Path | None = None) -> str:
    connection = connect(api_url, ca_file, timeout=10)
    connection.request(
        "POST",
        "/auth/refresh",
        body=json.dumps({"refresh_token": token}),
        headers={"Content-Type": "application/json"},
    )
    answer = json.loads(connection.getresponse().read())
    connection.close()
    return answer["access_token"]


#: The rows, in the order they are measured and printed: name, and the row each is
#: compared with (None: a baseline).
ROWS: tuple[tuple[str, str | None], ...] = (
    ("TLS: emulator directly", None),
    ("TLS: pipe, keep-alive pool", "TLS: emulator directly"),
    ("TLS: pipe, pool size 0", "TLS: emulator directly"),
    ("HTTP: emulator directly", None),
    ("HTTP: pipe, keep-alive pool", "HTTP: emulator directly"),
)
BUDGET_ROW = "TLS: pipe, keep-alive pool"


def measure(callers: dict[str, Caller], requests: int, warmup: int) -> dict[str, list[float]]:
    for caller in callers.values():
        for _ in range(warmup):
            caller.once()
    timings: dict[str, list[float]] = {name: [] for name in callers}
    per_round = max(1, requests // ROUNDS)
    done = 0
    while done < requests:
        count = min(per_round, requests - done)
        for name, caller in callers.items():
            timings[name] += [caller.once() for _ in range(count)]
        done += count
    return timings


def report(timings: dict[str, list[float]], load: tuple[float, float]) -> bool:
    p50 = {name: percentile(values, 0.50) for name, values in timings.items()}
    p95 = {name: percentile(values, 0.95) for name, values in timings.items()}
    count = len(next(iter(timings.values())))
    print(f"GET /tokens/me with a bearer, {count} requests each, loopback, keep-alive clients")
    print(f"{'':32}{'p50 ms':>9}{'p95 ms':>9}{'added p50':>11}{'ratio':>8}")
    for name, baseline in ROWS:
        added = ratio = ""
        if baseline is not None:
            added = f"{p50[name] - p50[baseline]:+.2f}"
            ratio = f"{p50[name] / p50[baseline]:.2f}"
        print(f"{name:32}{p50[name]:>9.2f}{p95[name]:>9.2f}{added:>11}{ratio:>8}")
    print(
        f"load average (1 min): {load[0]:.2f} at the start, {load[1]:.2f} at the end "
        f"({os.cpu_count()} cores)"
    )
    added = p50[BUDGET_ROW] - p50["TLS: emulator directly"]
    within = added <= BUDGET_MS
    verdict = "met" if within else "MISSED"
    print(
        f"budget: the pipe adds <= {BUDGET_MS:g} ms at p50 over the TLS upstream called "
        f"directly with keep-alive -> {verdict} ({added:.2f} ms)"
    )
    return within


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=500, help="measured calls per row")
    parser.add_argument("--warmup", type=int, default=100, help="unmeasured calls per row")
    options = parser.parse_args()
    if not 1 <= options.requests <= 100_000 or not 0 <= options.warmup <= 10_000:
        parser.error("--requests must be 1..100000 and --warmup 0..10000")
    with tempfile.TemporaryDirectory(prefix="mlp-bench-") as name:
        folder = Path(name)
        ca_file = folder / "emulator-ca.pem"
        with (
            emulator(folder / "tls", ca_file) as (tls_url, tls_admin),
            emulator(folder / "plain") as (plain_url, plain_admin),
            jupyter_server(
                folder / "pool", {"api_url": tls_url, "ca_bundle": str(ca_file)}
            ) as pooled,
            jupyter_server(
                folder / "no-pool",
                {"api_url": tls_url, "ca_bundle": str(ca_file), "upstream_pool_size": 0},
            ) as unpooled,
            jupyter_server(folder / "plain-pool", {"api_url": plain_url}) as plain,
        ):
            load_start = os.getloadavg()[0]
            tls_bearer = bearer_for(tls_url, tls_admin, ca_file)
            plain_bearer = bearer_for(plain_url, plain_admin)

            def piped(server: tuple[int, str], bearer: str) -> Caller:
                port, token = server
                return Caller(
                    f"http://127.0.0.1:{port}",
                    "/mlplatform-tokens/upstream/tokens/me",
                    {
                        "Cookie": login_cookie(port, token),
                        "X-MLPlatform-Authorization": f"Bearer {bearer}",
                    },
                )

            callers = dict(
                zip(
                    [name for name, _ in ROWS],
                    [
                        Caller(
                            tls_url,
                            "/tokens/me",
                            {"Authorization": f"Bearer {tls_bearer}"},
                            ca_file,
                        ),
                        piped(pooled, tls_bearer),
                        piped(unpooled, tls_bearer),
                        Caller(
                            plain_url, "/tokens/me", {"Authorization": f"Bearer {plain_bearer}"}
                        ),
                        piped(plain, plain_bearer),
                    ],
                    strict=True,
                )
            )
            try:
                timings = measure(callers, options.requests, options.warmup)
            finally:
                for caller in callers.values():
                    caller.close()
            load_end = os.getloadavg()[0]
    return 0 if report(timings, (load_start, load_end)) else 1


if __name__ == "__main__":
    sys.exit(main())
