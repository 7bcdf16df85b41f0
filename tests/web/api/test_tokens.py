"""Tokens over the API: who am I, issue and revoke my own tokens, a revoked token stops working."""

from __future__ import annotations

from tests.web.api.conftest import Api


def test_me_names_the_account_behind_the_token(api: Api) -> None:
    answer = api.client.get("/api/me", headers=api.auth("agency1"))
    assert answer.status_code == 200
    assert answer.json()["login"] == "agency1" and answer.json()["role"] == "agency"


def test_a_new_token_works_and_a_revoked_one_stops(api: Api) -> None:
    issued = api.client.post("/api/tokens", json={"label": "手机"}, headers=api.auth("agency1"))
    assert issued.status_code == 201, issued.text
    secret, token_id = issued.json()["token"], issued.json()["id"]
    headers = {"Authorization": f"Bearer {secret}"}
    assert api.client.get("/api/me", headers=headers).status_code == 200
    listed = api.client.get("/api/tokens", headers=headers).json()
    assert [t["label"] for t in listed] == ["手机", ""] and "token" not in listed[0]
    revoked = api.client.delete(f"/api/tokens/{token_id}", headers=api.auth("agency1"))
    assert revoked.status_code == 204
    assert api.client.get("/api/me", headers=headers).status_code == 401


def test_another_accounts_token_cannot_be_revoked(api: Api) -> None:
    issued = api.client.post("/api/tokens", json={}, headers=api.auth("agency1")).json()
    answer = api.client.delete(f"/api/tokens/{issued['id']}", headers=api.auth("agency2"))
    assert answer.status_code == 404
    assert (
        api.client.get(
            "/api/me", headers={"Authorization": f"Bearer {issued['token']}"}
        ).status_code
        == 200
    )
