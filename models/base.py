"""What every table shares: the metadata naming convention and column kinds.

Constraint names follow one convention so Alembic writes the same migration
on SQLite and on PostgreSQL. Statuses are stored as short strings, not native
enum types, so adding a status never needs a type migration.
"""

from __future__ import annotations

from sqlalchemy import JSON, String
from sqlmodel import SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

STATUS = String(32)
JSON_VALUE = JSON
