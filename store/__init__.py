"""Persistence: the engine, sessions, queries and Alembic migrations.

Functions here are named `get_`, `list_`, `add_` and `set_`; they take a
`Session` (or a database URL, for the engine) and never render anything.
"""
