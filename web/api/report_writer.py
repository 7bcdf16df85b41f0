"""Group commit for the API's writes: one thread files what many requests sent, in one transaction.

A request hands its item to `ReportWriter.submit` and awaits the answer; it
holds no thread and no connection meanwhile. The writer's thread takes every
item waiting (up to `max_batch`), runs `work` over them in one transaction and
commits once, then answers each request with its own result — a value, or an
`ApiError` the route raises. No request is answered before the commit, so an
acknowledged write is durable. There is no waiting to fill a batch: a batch is
whatever arrived while the last one was being written, so a lone request is
filed at once. The writer owns no rule and no commit of its own: the work is the
service's, and the transaction ends in `store.database.unit_of_work`.

`work` answers each item on its own (one refused item does not refuse the
others). If the batch as a whole fails — another process stored the same row
first, or a fault in one item — it is rolled back and every item is filed
again alone, so only the item at fault fails: a race is read again once and
then answered 409, anything else 503, never a traceback. When the database
itself fails (unreachable, locked too long) the whole batch is answered 503 at
once. A request waits at most `timeout`
seconds; the writer thread is started on first use and again if it ever died;
`close` refuses new items, files those already queued and stops the thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlmodel import Session

from store.database import begin_write, unit_of_work
from web.api.errors import ApiError
from web.deps import writer_turn

log = logging.getLogger("gongyi.web")

Item = TypeVar("Item")
Result = TypeVar("Result")
Work = Callable[[Session, list[Item]], Sequence["Result | ApiError"]]

RACE = "同一天的日报告正在被同时提交，请稍后重试"
UNAVAILABLE = "日报告暂时无法保存，请稍后重新提交（重复提交不会重复保存）"
UNKNOWN = "日报告未能确认保存（可能尚未保存）；请稍后重新提交（重复提交不会重复保存）"


@dataclass(frozen=True)
class _Job(Generic[Item, Result]):
    item: Item
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Result]


class ReportWriter(Generic[Item, Result]):
    """Files items from many requests in shared transactions on one thread."""

    def __init__(
        self,
        engine: Engine,
        work: Work[Item, Result],
        *,
        max_batch: int = 100,
        timeout: float = 60.0,
    ) -> None:
        self.engine, self.work = engine, work
        self.max_batch, self.timeout = max_batch, timeout
        self._queue: queue.SimpleQueue[_Job[Item, Result] | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._closed = False

    @property
    def waiting(self) -> int:
        """How many items are queued, not yet taken into a batch."""
        return self._queue.qsize()

    @property
    def is_open(self) -> bool:
        """Whether the writer still takes items (it has not been closed)."""
        return not self._closed

    async def submit(self, item: Item) -> Result:
        """File one item with whatever else is waiting; return its result or raise its ApiError."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Result] = loop.create_future()
        with self._lock:
            if self._closed:
                raise ApiError(503, UNAVAILABLE)
            if self._thread is None or not self._thread.is_alive():
                self._start()
            self._queue.put(_Job(item, loop, future))
        try:
            return await asyncio.wait_for(future, self.timeout)
        except TimeoutError:
            log.error("日报告写入线程 %s 秒内没有应答", self.timeout)
            raise ApiError(503, UNKNOWN) from None

    def close(self, timeout: float = 60.0) -> None:
        """Refuse new items, file those already queued, and stop the thread."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            thread = self._thread
            self._queue.put(None)
        if thread is not None:
            thread.join(timeout)
        with self._lock:
            _fail(self._drain(), ApiError(503, UNAVAILABLE))

    def _start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="gongyi-report-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        batch: list[_Job[Item, Result]] = []
        try:
            while True:
                job = self._queue.get()
                if job is None:
                    return
                batch = [job]
                while len(batch) < self.max_batch:
                    try:
                        job = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if job is None:
                        self._queue.put(None)  # stop once this batch is filed
                        break
                    batch.append(job)
                self._file(batch)
                batch = []
        finally:
            if batch:
                self._died(batch)

    def _died(self, batch: list[_Job[Item, Result]]) -> None:
        """Answer the batch a dying thread held, and hand what is queued to a new thread."""
        log.error("日报告写入线程意外退出，%s 份日报告未能确认保存", len(batch))
        _fail(batch, ApiError(503, UNKNOWN))
        with self._lock:
            if self._closed:
                _fail(self._drain(), ApiError(503, UNAVAILABLE))
            else:
                self._start()

    def _file(self, batch: list[_Job[Item, Result]]) -> None:
        items = [job.item for job in batch]
        try:
            results: Sequence[Result | ApiError] = self._transact(items)
        except Exception as error:
            results = self._after_failure(items, error)
        for job, result in zip(batch, results, strict=True):
            _settle(job, result)

    def _after_failure(self, items: list[Item], error: Exception) -> list[Result | ApiError]:
        """Answer the items of a batch that failed: again one by one, unless the database did."""
        if isinstance(error, DBAPIError) and not isinstance(error, IntegrityError | DataError):
            # Unreachable, or locked past the busy timeout: one by one would fail the same
            # way, each after its own wait, while every later request waits behind them.
            log.error("数据库无法写入，%s 份日报告没有保存", len(items), exc_info=error)
            return [ApiError(503, UNAVAILABLE) for _ in items]
        if len(items) == 1:
            return [self._file_alone(items[0], failed=error)]
        log.info("%s 份日报告的批量写入失败（%r），逐份重新写入", len(items), error)
        return [self._file_alone(item) for item in items]

    def _file_alone(self, item: Item, *, failed: Exception | None = None) -> Result | ApiError:
        """File one item in its own transaction; after a race with another writer, read again once."""
        errors = [] if failed is None else [failed]
        while len(errors) < 2 and (not errors or isinstance(errors[-1], IntegrityError)):
            try:
                return self._transact([item])[0]
            except Exception as error:
                errors.append(error)
        if isinstance(errors[-1], IntegrityError):
            return ApiError(409, RACE)
        log.error("日报告写入出错", exc_info=errors[-1])
        return ApiError(503, UNAVAILABLE)

    def _transact(self, items: list[Item]) -> Sequence[Result | ApiError]:
        session = Session(self.engine, expire_on_commit=False)
        # The turn is held until the session has committed or rolled back, and closed. The
        # work is a service (`services.daily_reports.file_each`) that commits the batch in its
        # own unit of work; the writer's unit of work ends the transaction it began (committing
        # what a plain work left open) and rolls it back when the batch fails.
        with writer_turn(session), session, unit_of_work(session):
            begin_write(session)
            results = self.work(session, items)
            if len(results) != len(items):
                raise RuntimeError(f"{len(items)} 项写入得到 {len(results)} 个结果")
            return results

    def _drain(self) -> list[_Job[Item, Result]]:
        jobs = []
        while True:
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                return jobs
            if job is not None:
                jobs.append(job)


def _fail(jobs: list[_Job[Any, Any]], error: ApiError) -> None:
    for job in jobs:
        _settle(job, error)


def _settle(job: _Job[Any, Any], result: Any) -> None:
    """Hand a result to the request's event loop (a loop already closed has no one to tell)."""

    def settle() -> None:
        if job.future.done():
            return
        if isinstance(result, BaseException):
            job.future.set_exception(result)
        else:
            job.future.set_result(result)

    with contextlib.suppress(RuntimeError):
        job.loop.call_soon_threadsafe(settle)
