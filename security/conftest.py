"""Fixtures of the security suites; the figures are printed after the run."""

from __future__ import annotations

from typing import Any

import pytest

from . import figures


@pytest.fixture
def mlp_config() -> dict[str, Any]:
    """Settings of MLPlatformTokens for the in-process test server."""
    return {}


@pytest.fixture
def jp_server_config(jp_server_config: dict[str, Any], mlp_config: dict[str, Any]) -> dict:
    return {**jp_server_config, "MLPlatformTokens": dict(mlp_config)}


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if figures.TABLES:
        terminalreporter.section("security figures")
        figures.render(terminalreporter.write_line)
