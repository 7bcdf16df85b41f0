"""Runtime settings for gongyi, read from `GONGYI_*` environment variables.

Only the entrypoints (`cli`, `flows`, `web`) build a `Settings`; every layer
below them is handed plain values. Nothing here runs at import time.
"""

from __future__ import annotations

import ipaddress
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent


class Settings(BaseSettings):
    """Where gongyi keeps its data and writes its reports."""

    model_config = SettingsConfigDict(env_prefix="GONGYI_", env_file=None, extra="ignore")

    database_url: str = Field(
        default="sqlite:///var/gongyi.db",
        description="SQLAlchemy URL. Default: a SQLite file under var/.",
    )
    output_dir: Path = Field(default=Path("output"), description="Where PDFs are written.")
    var_dir: Path = Field(default=Path("var"), description="Local state: SQLite, Prefect home.")
    templates_dir: Path = Field(
        default=PROJECT_ROOT / "templates", description="Jinja2 templates (reports/ and web/)."
    )
    timezone: str = Field(default="Asia/Shanghai", description="Time zone for schedules.")
    language: str = Field(default="zh-CN", description="Language of the UI and reports.")
    # Monitoring (日报告提醒、督办): e-mail over SMTP; with no host, notices are kept unsent.
    smtp_host: str = Field(default="", description="SMTP server for reminders; empty: none.")
    smtp_port: int = Field(default=25, description="SMTP port (465 = implicit TLS).")
    smtp_sender: str = Field(default="gongyi@localhost", description="From address of e-mails.")
    smtp_user: str = Field(default="", description="SMTP login; empty: no login.")
    smtp_password: str = Field(default="", description="SMTP password.")
    smtp_starttls: bool = Field(default=False, description="Upgrade the SMTP link with STARTTLS.")
    officer_email: str = Field(default="", description="The street officer told of escalations.")
    render_processes: int = Field(
        default=0, ge=0, description="Processes that render PDFs; 0: one per CPU core."
    )
    serve_port: int = Field(default=4200, description="Port of the Prefect server `serve` starts.")
    # Scale-out (#18): batches of PDFs are rendered as Prefect tasks on a Dask cluster.
    dask_scheduler_address: str = Field(
        default="",
        description=(
            "Dask scheduler the PDF batches run on (tcp://host:8786); empty: a LocalCluster "
            "started for the run."
        ),
    )
    dask_workers: int = Field(
        default=0, ge=0, description="Worker processes of that LocalCluster; 0: one per CPU core."
    )
    dask_min_documents: int = Field(
        default=40,
        ge=0,
        description=(
            "With no scheduler address, a run with fewer PDFs than this renders them in its own "
            "process instead of starting a LocalCluster (2-5 s); 0: always Dask."
        ),
    )
    # Needs (居民需求): the classifier's shipped training set and its review threshold.
    needs_training_file: Path = Field(
        default=PROJECT_ROOT / "data" / "needs_labelled.csv",
        description="Labelled needs (text,domain) the classifier learns from.",
    )
    needs_review_threshold: float = Field(
        default=0.6, gt=0, le=1, description="Below this confidence a need goes to staff review."
    )
    # Portal (门户): `gongyi web`.
    web_host: str = Field(default="127.0.0.1", description="Address `gongyi web` listens on.")
    web_port: int = Field(default=8000, description="Port `gongyi web` listens on.")
    web_secure_cookies: bool = Field(
        default=False, description="Mark portal cookies Secure (set when served over HTTPS)."
    )
    web_session_hours: int = Field(default=8, gt=0, description="Portal sign-in lifetime, hours.")
    web_max_upload_mb: int = Field(
        default=25, gt=0, description="Largest request body, MB (an attachment may be 10 MiB)."
    )
    web_trusted_proxies: str = Field(
        default="",
        description=(
            "Reverse proxies whose X-Forwarded-For/-Proto are believed: comma-separated "
            "addresses or CIDRs (127.0.0.1, 10.0.0.0/8); empty: none (the peer is the client)."
        ),
    )

    @field_validator("database_url")
    @classmethod
    def _database_url_is_set(cls, value: str) -> str:
        if not value.strip():
            raise ValueError(
                "GONGYI_DATABASE_URL 为空：请设置为 sqlite:///var/gongyi.db 或 postgresql+psycopg://…"
            )
        return value.strip()

    @field_validator("web_trusted_proxies")
    @classmethod
    def _trusted_proxies_are_addresses(cls, value: str) -> str:
        for entry in _entries(value):
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(
                    f"GONGYI_WEB_TRUSTED_PROXIES：「{entry}」不是 IP 地址或网段（如 10.0.0.0/8）"
                ) from None
        return ",".join(_entries(value))

    def trusted_proxies(self) -> list[str]:
        """The proxies whose forwarding headers the portal believes; empty: none."""
        return _entries(self.web_trusted_proxies)

    def now(self) -> datetime:
        """The one clock: the current time in the office's time zone (aware).

        Doors read it once per request or command and hand it down; nothing below
        the doors reads the wall clock.
        """
        return datetime.now(ZoneInfo(self.timezone))

    def today(self) -> date:
        """Today's date in the office's time zone."""
        return self.now().date()


def _entries(value: str) -> list[str]:
    return [entry.strip() for entry in value.split(",") if entry.strip()]


def get_settings() -> Settings:
    """Build settings from the environment."""
    return Settings()
