"""Runtime settings for gongyi, read from `GONGYI_*` environment variables.

Only the entrypoints (`cli`, `flows`, `web`) build a `Settings`; every layer
below them is handed plain values. Nothing here runs at import time.
"""

from __future__ import annotations

from pathlib import Path

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

    @field_validator("database_url")
    @classmethod
    def _database_url_is_set(cls, value: str) -> str:
        if not value.strip():
            raise ValueError(
                "GONGYI_DATABASE_URL 为空：请设置为 sqlite:///var/gongyi.db 或 postgresql+psycopg://…"
            )
        return value.strip()


def get_settings() -> Settings:
    """Build settings from the environment."""
    return Settings()
