"""A database that cannot be used is one clear line, never a driver traceback."""

from __future__ import annotations

import pytest

from store.database import DatabaseError, check_connection, get_engine


def test_unparseable_url_says_which_setting_to_fix() -> None:
    with pytest.raises(DatabaseError, match="GONGYI_DATABASE_URL"):
        get_engine("not a url")


def test_unsupported_backend_is_refused() -> None:
    with pytest.raises(DatabaseError, match="不支持的数据库：mysql"):
        get_engine("mysql://root@127.0.0.1/test")


def test_unreachable_server_is_one_line() -> None:
    engine = get_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    with pytest.raises(DatabaseError) as caught:
        check_connection(engine)
    assert "无法连接数据库" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_sqlite_file_folder_is_created(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'deep' / 'er' / 'g.db'}"
    check_connection(get_engine(url))
    assert (tmp_path / "deep" / "er" / "g.db").exists()
