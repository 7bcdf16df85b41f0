"""The URL fetcher that keeps the PDF renderer inside the templates folder.

WeasyPrint fetches whatever a document links to: stylesheets, images, fonts,
even http:// and file:///etc/passwd. A report must be reproducible offline
and must never leak local files into a PDF, so the renderer only reads files
under the templates folder (after resolving `..` and symlinks) and inline
`data:` URIs. Anything else stops the render with a `ReportError`.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

from reports.errors import ReportError

LOCAL_HOSTS = ("", "localhost")


def resolve_template_url(url: str, *, templates_dir: Path) -> Path:
    """Return the file a file:// URL names, or raise ReportError if it is outside templates_dir."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in LOCAL_HOSTS:
        raise ReportError(f"报告模板只能引用模板文件夹中的文件，拒绝访问：{url}")
    root = templates_dir.resolve()
    path = Path(url2pathname(unquote(parts.path))).resolve()
    if not path.is_relative_to(root):
        raise ReportError(f"报告模板引用了模板文件夹 {root} 以外的文件，拒绝访问：{url}")
    if not path.is_file():
        raise ReportError(f"报告模板引用的文件不存在：{path}")
    return path


class TemplatesOnlyFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves files under one folder and data: URIs only."""

    def __init__(self, templates_dir: Path) -> None:
        # Fail on errors: a refused or missing stylesheet stops the render, not a plain PDF.
        super().__init__(allowed_protocols=("file", "data"), fail_on_errors=True)
        self._templates_dir = templates_dir

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        """Read a file under the templates folder, or decode a data: URI."""
        if urlsplit(url).scheme == "data":
            return super().fetch(url, headers)
        path = resolve_template_url(url, templates_dir=self._templates_dir)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if content_type.startswith("text/"):
            content_type += "; charset=utf-8"
        return URLFetcherResponse(
            path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
        )
