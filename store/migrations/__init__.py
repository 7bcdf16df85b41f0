"""Alembic migrations for gongyi's tables."""
