"""The admin's accounts page: create, new password, disable and enable, roles; admin only."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.web.conftest import csrf_of, sign_in
from tests.web.portal_builders import PASSWORD, PortalWorld


def _account_id(html: str, login: str) -> str:
    found = re.search(
        rf'data-login="{login}".*?action="/admin/accounts/(\d+)/reset"', html, re.DOTALL
    )
    assert found, f"no account {login} on the page"
    return found.group(1)


def test_the_admin_creates_an_account_that_signs_in(client: TestClient, world: PortalWorld) -> None:
    csrf = sign_in(client, "admin")
    page = client.get("/admin/accounts")
    assert page.status_code == 200 and 'data-login="agency1"' in page.text
    created = client.post(
        "/admin/accounts",
        data={
            "csrf_token": csrf,
            "login": "qinghe2",
            "name": "青禾新社工",
            "role": "agency",
            "agency_id": str(world.agency_ids[1]),
            "password": "first-pass-1",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303
    shown = client.get("/admin/accounts").text
    assert "账号 qinghe2 已创建。" in shown and 'data-login="qinghe2"' in shown
    assert "first-pass-1" not in shown
    client.cookies.clear()
    sign_in(client, "qinghe2", "first-pass-1")
    assert client.get("/agency").status_code == 200


def test_a_refused_account_shows_the_page_again_with_the_reason(client: TestClient) -> None:
    csrf = sign_in(client, "admin")
    refused = client.post(
        "/admin/accounts",
        data={
            "csrf_token": csrf,
            "login": "staff",
            "name": "重名",
            "role": "staff",
            "password": "long-enough-1",
        },
    )
    assert refused.status_code == 400 and "登录名 staff 已存在" in refused.text
    assert 'value="重名"' in refused.text


def test_a_disabled_account_is_signed_out_and_cannot_sign_in_until_enabled(
    settings, world: PortalWorld
) -> None:
    from web.app import create_app

    app = create_app(settings)
    with TestClient(app) as admin, TestClient(app) as agency:
        sign_in(agency, "agency1")
        assert agency.get("/agency").status_code == 200
        csrf = sign_in(admin, "admin")
        account = _account_id(admin.get("/admin/accounts").text, "agency1")
        done = admin.post(f"/admin/accounts/{account}/disable", data={"csrf_token": csrf})
        assert done.status_code == 200 and "账号 agency1 已停用。" in done.text
        assert agency.get("/agency", follow_redirects=False).status_code == 303  # to /login
        login_page = agency.get("/login")
        failed = agency.post(
            "/login",
            data={"login": "agency1", "password": PASSWORD, "csrf_token": csrf_of(login_page.text)},
            follow_redirects=False,
        )
        assert failed.status_code != 303
        enabled = admin.post(f"/admin/accounts/{account}/enable", data={"csrf_token": csrf})
        assert "账号 agency1 已启用。" in enabled.text
        sign_in(agency, "agency1")


def test_the_admin_resets_a_password_and_changes_a_role(client: TestClient) -> None:
    csrf = sign_in(client, "admin")
    staff = _account_id(client.get("/admin/accounts").text, "staff")
    short = client.post(
        f"/admin/accounts/{staff}/reset", data={"csrf_token": csrf, "password": "short"}
    )
    assert short.status_code == 400 and "密码至少 8 位" in short.text
    reset = client.post(
        f"/admin/accounts/{staff}/reset", data={"csrf_token": csrf, "password": "brand-new-1"}
    )
    assert "账号 staff 的密码已重设。" in reset.text
    role = client.post(
        f"/admin/accounts/{staff}/role", data={"csrf_token": csrf, "role": "evaluator"}
    )
    assert "账号 staff 的角色已更改。" in role.text
    client.cookies.clear()
    sign_in(client, "staff", "brand-new-1")
    assert client.get("/evaluator").status_code == 200


def test_the_admin_cannot_disable_themself_and_staff_cannot_manage(client: TestClient) -> None:
    csrf = sign_in(client, "admin")
    page = client.get("/admin/accounts").text
    me = re.search(r'data-login="admin".*?/admin/accounts/(\d+)/reset', page, re.DOTALL)
    assert me is not None
    refused = client.post(f"/admin/accounts/{me.group(1)}/disable", data={"csrf_token": csrf})
    assert refused.status_code == 409 and "不能停用自己的账号" in refused.text
    client.cookies.clear()
    csrf = sign_in(client, "staff")
    assert client.get("/admin/accounts").status_code == 403
    posted = client.post(f"/admin/accounts/{me.group(1)}/disable", data={"csrf_token": csrf})
    assert posted.status_code == 403
