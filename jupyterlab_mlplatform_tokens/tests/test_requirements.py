"""What the wheel declares keeps the server releases out that would leak a token.

jupyter_server up to 2.14.1 logs every kernel's start arguments at DEBUG,
``env`` included, so the active token reached the server log of anyone who
ran with ``--debug``; 2.14.2 logs the names only. The floor stays above that.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import tomllib
from packaging.requirements import Requirement
from packaging.version import Version

from .conftest import add_token

ROOT = Path(__file__).resolve().parents[2]
FIRST_SAFE_SERVER = Version("2.14.2")
VALUE = "mlp_rt_must_not_reach_the_debug_log_5678"


def _requirement(name: str) -> Requirement:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for line in project["dependencies"]:
        requirement = Requirement(line)
        if requirement.name.replace("-", "_") == name:
            return requirement
    raise AssertionError(f"{name} is not a dependency")


def test_the_jupyter_server_floor_is_above_every_release_that_logs_kernel_env() -> None:
    allowed = _requirement("jupyter_server").specifier
    assert not allowed.contains(Version("2.14.1"), prereleases=True)
    assert allowed.contains(FIRST_SAFE_SERVER)


async def test_the_server_debug_log_never_holds_the_active_token(
    jp_fetch: Any, jp_serverapp: Any, caplog: Any
) -> None:
    jp_serverapp.log.setLevel(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    await add_token(jp_fetch, VALUE, activate=True)
    created = await jp_fetch(
        "api",
        "sessions",
        method="POST",
        body='{"path": "leak.ipynb", "type": "notebook", "kernel": {"name": "python3"}}',
    )
    assert created.code == 201
    assert caplog.records, "nothing was logged at DEBUG"
    assert any("Kernel" in record.getMessage() for record in caplog.records)
    assert all(VALUE not in record.getMessage() for record in caplog.records)
