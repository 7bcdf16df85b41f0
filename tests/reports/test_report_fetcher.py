"""The PDF renderer reads nothing outside the templates folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from reports.errors import ReportError
from reports.fetcher import TemplatesOnlyFetcher, resolve_template_url


def test_a_stylesheet_in_the_templates_folder_is_served(templates_dir):
    url = (templates_dir / "reports" / "print.css").as_uri()
    assert resolve_template_url(url, templates_dir=templates_dir) == (
        templates_dir / "reports" / "print.css"
    )


def test_served_stylesheet_is_utf8_css(templates_dir):
    fetcher = TemplatesOnlyFetcher(templates_dir)
    response = fetcher.fetch((templates_dir / "reports" / "print.css").as_uri())
    try:
        assert response.content_type == "text/css"
        assert response.charset == "utf-8"
        assert "counter(pages)" in response.read().decode("utf-8")
    finally:
        response.close()


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/x.css",
        "https://example.com/x.css",
        "ftp://example.com/x.css",
        "file:///etc/passwd",
        "file://otherhost/srv/templates/reports/print.css",
    ],
)
def test_urls_outside_the_templates_folder_are_refused(templates_dir, url):
    with pytest.raises(ReportError, match="拒绝访问"):
        TemplatesOnlyFetcher(templates_dir).fetch(url)


def test_dot_dot_cannot_escape_the_templates_folder(templates_dir):
    escape = (templates_dir / "reports").as_uri() + "/../../pyproject.toml"
    assert (templates_dir / "reports" / ".." / ".." / "pyproject.toml").exists()
    with pytest.raises(ReportError, match="以外的文件"):
        resolve_template_url(escape, templates_dir=templates_dir)


def test_percent_encoded_dot_dot_cannot_escape_either(templates_dir):
    escape = (templates_dir / "reports").as_uri() + "/%2e%2e/%2e%2e/pyproject.toml"
    with pytest.raises(ReportError, match="以外的文件"):
        resolve_template_url(escape, templates_dir=templates_dir)


def test_a_symlink_out_of_the_templates_folder_is_refused(tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("密钥", encoding="utf-8")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "innocent.css").symlink_to(secret)
    with pytest.raises(ReportError, match="以外的文件"):
        resolve_template_url((templates / "innocent.css").as_uri(), templates_dir=templates)


def test_a_missing_file_is_named(templates_dir):
    url = (templates_dir / "reports" / "missing.css").as_uri()
    with pytest.raises(ReportError, match=r"missing\.css"):
        resolve_template_url(url, templates_dir=templates_dir)


def test_inline_data_uris_are_allowed(templates_dir):
    response = TemplatesOnlyFetcher(templates_dir).fetch("data:text/css,p%20%7B%7D")
    try:
        assert response.read() == b"p {}"
    finally:
        response.close()
