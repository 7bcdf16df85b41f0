"""The API's group-commit writer on a real database: batches, one answer each, faults, shutdown.

The work handed to the writer here is a small fake that stores one `User` row
per item (the name is the item), so that a batch is a real transaction with a
real unique key to collide on; the writer itself is the real one.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from models.user import User
from store.database import get_engine
from web.api.errors import ApiError
from web.api.report_writer import UNAVAILABLE, UNKNOWN, ReportWriter

Work = Callable[[Session, list[str]], list[Any]]


class Storing:
    """Store a User named after each item; hold the batch that holds `hold` until released.

    An item in `fail` raises its exception; the `broken` item runs a query the
    database refuses (no such table), as an unreachable database would fail.
    """

    def __init__(
        self, *, hold: str = "", fail: dict[str, BaseException] | None = None, broken: str = ""
    ) -> None:
        self.batches: list[list[str]] = []
        self.hold, self.fail, self.broken = hold, fail or {}, broken
        self.holding, self.release = threading.Event(), threading.Event()

    def __call__(self, session: Session, items: list[str]) -> list[Any]:
        self.batches.append(list(items))
        if self.hold in items:
            self.holding.set()
            assert self.release.wait(10)
        answers: list[Any] = []
        for item in items:
            if item in self.fail:
                raise self.fail[item]
            if item == self.broken:  # a statement the database refuses as a whole
                session.exec(text("SELECT * FROM no_such_table"))  # type: ignore[call-overload]
            if item.startswith("refuse"):
                answers.append(ApiError(422, f"{item} 不能保存"))
                continue
            session.add(User(name=item, role="staff"))
            session.flush()
            answers.append(f"已保存 {item}")
        return answers


def stored(url: str) -> list[str]:
    with Session(get_engine(url)) as session:
        return sorted(session.exec(select(User.name)).all())


async def answer(writer: ReportWriter[str, str], item: str) -> str | int:
    """Submit one item; return its answer, or the status of the ApiError it raised."""
    try:
        return await writer.submit(item)
    except ApiError as error:
        return error.status


def run(test: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    return asyncio.run(test())


async def held_then(
    writer: ReportWriter[str, str], work: Storing, items: list[str]
) -> list[str | int]:
    """Submit `work.hold` and wait until the writer holds it; queue `items`; release; answer all."""
    first = asyncio.ensure_future(answer(writer, work.hold))
    assert await asyncio.to_thread(work.holding.wait, 10)
    rest = [asyncio.ensure_future(answer(writer, item)) for item in items]
    await asyncio.sleep(0)  # every submission is queued before the held batch ends
    assert writer.waiting == len(items)
    work.release.set()
    return await asyncio.gather(first, *rest)


def test_items_waiting_together_are_filed_in_one_batch_and_answered_each(
    database_url: str,
) -> None:
    work = Storing(hold="first")
    writer = ReportWriter(get_engine(database_url), work)
    answers = run(lambda: held_then(writer, work, ["a", "b", "refuse-c", "d"]))
    writer.close()
    assert answers == ["已保存 first", "已保存 a", "已保存 b", 422, "已保存 d"]
    assert work.batches == [["first"], ["a", "b", "refuse-c", "d"]]
    assert stored(database_url) == ["a", "b", "d", "first"]


def test_a_batch_that_collides_is_filed_again_one_by_one(database_url: str) -> None:
    with Session(get_engine(database_url)) as session:
        session.add(User(name="taken", role="staff"))
        session.commit()
    work = Storing(hold="first")
    writer = ReportWriter(get_engine(database_url), work)
    answers = run(lambda: held_then(writer, work, ["a", "taken", "b"]))
    writer.close()
    # The colliding item is read again once, then answered 409; the others are stored.
    assert answers == ["已保存 first", "已保存 a", 409, "已保存 b"]
    assert work.batches[1:] == [["a", "taken", "b"], ["a"], ["taken"], ["taken"], ["b"]]
    assert stored(database_url) == ["a", "b", "first", "taken"]


def test_a_fault_in_one_item_is_a_503_for_it_alone(database_url: str) -> None:
    work = Storing(hold="first", fail={"bug": RuntimeError("坏数据")})
    writer = ReportWriter(get_engine(database_url), work)
    answers = run(lambda: held_then(writer, work, ["a", "bug", "b"]))
    writer.close()
    assert answers == ["已保存 first", "已保存 a", 503, "已保存 b"]
    assert stored(database_url) == ["a", "b", "first"]


def test_a_database_that_fails_fails_the_batch_at_once(database_url: str) -> None:
    work = Storing(hold="first", broken="no-table")
    writer = ReportWriter(get_engine(database_url), work)
    answers = run(lambda: held_then(writer, work, ["a", "no-table", "b"]))
    writer.close()
    # Not filed again one by one: each would fail the same way after its own wait.
    assert answers == ["已保存 first", 503, 503, 503]
    assert work.batches == [["first"], ["a", "no-table", "b"]]
    assert stored(database_url) == ["first"]


def test_close_files_what_is_queued_and_then_refuses(database_url: str) -> None:
    work = Storing(hold="first")
    writer = ReportWriter(get_engine(database_url), work)

    async def scenario() -> tuple[list[str | int], str | int]:
        first = asyncio.ensure_future(answer(writer, "first"))
        assert await asyncio.to_thread(work.holding.wait, 10)
        queued = [asyncio.ensure_future(answer(writer, item)) for item in ("a", "b")]
        await asyncio.sleep(0)
        closing = asyncio.ensure_future(asyncio.to_thread(writer.close))
        for _ in range(1000):
            if not writer.is_open:
                break
            await asyncio.sleep(0.01)
        late = await answer(writer, "late")  # refused at once: the writer is closing
        work.release.set()
        await closing
        return await asyncio.gather(first, *queued), late

    answers, late = run(scenario)
    assert answers == ["已保存 first", "已保存 a", "已保存 b"] and late == 503
    assert stored(database_url) == ["a", "b", "first"]


# The dying thread's exception is reported, as it should be; here it is expected.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_writer_thread_that_dies_answers_its_batch_and_is_replaced(database_url: str) -> None:
    work = Storing(fail={"die": SystemExit(1)})
    writer = ReportWriter(get_engine(database_url), work)

    async def scenario() -> list[str | int]:
        return [await answer(writer, "die"), await answer(writer, "after")]

    assert run(scenario) == [503, "已保存 after"]
    writer.close()
    assert stored(database_url) == ["after"]


def test_a_request_waits_no_longer_than_the_timeout(database_url: str) -> None:
    work = Storing(hold="slow")
    writer = ReportWriter(get_engine(database_url), work, timeout=0.2)
    try:
        with pytest.raises(ApiError) as refused:
            run(lambda: writer.submit("slow"))
        assert refused.value.status == 503 and refused.value.detail == UNKNOWN
    finally:
        work.release.set()
        writer.close()
    # The slow item was still filed: a client that sends it again gets the stored one.
    assert stored(database_url) == ["slow"]


def test_nothing_is_taken_after_close(database_url: str) -> None:
    writer = ReportWriter(get_engine(database_url), Storing())
    writer.close()
    with pytest.raises(ApiError) as refused:
        run(lambda: writer.submit("a"))
    assert refused.value.status == 503 and refused.value.detail == UNAVAILABLE
    assert stored(database_url) == []
