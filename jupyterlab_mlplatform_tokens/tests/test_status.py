"""The status endpoint: what it says, and that it needs authentication."""

import json

import pytest
from tornado.httpclient import HTTPClientError

from jupyterlab_mlplatform_tokens import __version__


async def test_status_without_api_url(jp_fetch, monkeypatch):
    monkeypatch.delenv("MLPLATFORM_API_URL", raising=False)
    response = await jp_fetch("mlplatform-tokens", "status")
    assert response.code == 200
    payload = json.loads(response.body)
    assert payload["version"] == __version__
    assert payload["api_configured"] is False
    assert payload["api_url"] == ""
    assert payload["env_names"] == ["MLP_REFRESH_TOKEN"]
    assert payload["redact_on_save"] is True
    assert payload["vault"]["path_problem"] is None
    assert payload["vault"]["error"] is None
    assert payload["vault"]["path"].endswith("mlplatform_tokens/vault.json")


async def test_status_reports_api_url_from_environment(jp_fetch, monkeypatch):
    monkeypatch.setenv("MLPLATFORM_API_URL", "https://user:secret@mlp.example:8443/api/?q=1")
    response = await jp_fetch("mlplatform-tokens", "status")
    payload = json.loads(response.body)
    assert payload["api_configured"] is True
    # User info and query never leave the server.
    assert payload["api_url"] == "https://mlp.example:8443/api/"
    assert "secret" not in response.body.decode()


async def test_status_refuses_unauthenticated_requests(jp_fetch):
    with pytest.raises(HTTPClientError) as failure:
        await jp_fetch("mlplatform-tokens", "status", headers={"Authorization": ""})
    assert failure.value.code == 403


async def test_status_refuses_a_wrong_token(jp_fetch):
    with pytest.raises(HTTPClientError) as failure:
        await jp_fetch(
            "mlplatform-tokens", "status", headers={"Authorization": "token not-the-server-token"}
        )
    assert failure.value.code == 403
