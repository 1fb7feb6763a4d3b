"""The server part restates no contract fact that ``api/openapi.yaml`` could contradict unseen."""

from __future__ import annotations

import yaml

from jupyterlab_mlplatform_tokens import validate
from jupyterlab_mlplatform_tokens.library import _ttl_seconds
from jupyterlab_mlplatform_tokens.upstream import ROUTES

from .conftest import ROOT

CONTRACT = yaml.safe_load((ROOT / "api" / "openapi.yaml").read_text(encoding="utf-8"))


def test_the_pipe_forwards_exactly_the_contract_s_operations() -> None:
    operations = {
        (method.upper(), path.strip("/"))
        for path, item in CONTRACT["paths"].items()
        for method in item
        if method in ("get", "post", "delete", "put", "patch")
    }
    assert set(ROUTES) == operations


def test_the_roles_are_the_contract_s() -> None:
    assert set(validate.ROLES) == set(CONTRACT["components"]["schemas"]["TokenType"]["enum"])


def test_the_library_backend_reads_ttls_by_the_contract_s_grammar() -> None:
    import re

    pattern = re.compile(CONTRACT["components"]["schemas"]["Ttl"]["pattern"])
    samples = ["2h45m30s", "90m", "45s", "1h30s", "0s", "0h0m", "", "h", "1m2h", "2 hours", "1d"]
    for sample in samples:
        grammar = bool(pattern.fullmatch(sample))
        positive = grammar and any(int(n) for n in re.findall(r"\d+", sample))
        assert (_ttl_seconds(sample) is not None) == positive, sample
