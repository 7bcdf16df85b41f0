"""The office downloads the blank template of every sheet it imports from /officer/templates."""

from __future__ import annotations

import html
import io
from urllib.parse import unquote

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from services.sheet_templates import TEMPLATES
from tests.web.conftest import sign_in
from tests.web.portal_builders import PortalWorld


def test_every_template_is_listed_and_downloads_with_the_readers_header(
    client: TestClient, world: PortalWorld
) -> None:
    sign_in(client, "staff")
    page = html.unescape(client.get("/officer/templates").text)
    keys = [*TEMPLATES, "monthly_scores", "final_scores"]
    for key in keys:
        assert f'href="/officer/templates/{key}.xlsx' in page
    assert "gongyi needs import" in page and "结项评分表" in page
    for key, template in TEMPLATES.items():
        response = client.get(f"/officer/templates/{key}.xlsx")
        assert response.status_code == 200
        disposition = unquote(response.headers["content-disposition"])
        assert template.file_name in disposition
        sheet = load_workbook(io.BytesIO(response.content))[template.title]
        assert [c.value for c in sheet[1]] == template.header


def test_a_score_sheet_carries_the_cycles_criteria_and_an_unknown_one_is_404(
    client: TestClient, world: PortalWorld
) -> None:
    sign_in(client, "staff")
    response = client.get(f"/officer/templates/monthly_scores.xlsx?cycle={world.cycle_id}")
    assert response.status_code == 200
    header = [c.value for c in load_workbook(io.BytesIO(response.content))["月评估评分表"][1]]
    assert header[:2] == ["评估专家", "项目名称"] and header[-2:] == ["满意度（%）", "资金违规"]
    assert client.get("/officer/templates/final_scores.xlsx?cycle=999").status_code == 404
    assert client.get("/officer/templates/passwords.xlsx").status_code == 404


def test_only_the_office_downloads_them(client: TestClient, world: PortalWorld) -> None:
    sign_in(client, "agency1")
    assert client.get("/officer/templates").status_code == 403
    assert client.get("/officer/templates/donations.xlsx").status_code == 403
