"""The flows' door to `services.allocation`: the call's allocation from stored scores.

The what-if command and the end of 公示 run it; the committee's decision dry-runs it
inside `services.committee`.
"""

from __future__ import annotations

from collections.abc import Iterable

from flows.runtime import session_scope
from models.selection import Allocation, Candidate, Quotas
from services import allocation


def compute_allocation(
    call_id: int,
    *,
    include: Iterable[int] = (),
    exclude: Iterable[int] = (),
    budget_fen: int | None = None,
    quotas: Quotas | None = None,
) -> tuple[list[Allocation], dict[int, Candidate]]:
    """Rank the proposals in 终审 and allocate; `budget_fen` replaces the fund for what-ifs."""
    with session_scope() as session:
        return allocation.compute_allocation(
            session,
            call_id=call_id,
            include=include,
            exclude=exclude,
            budget_fen=budget_fen,
            quotas=quotas,
        )


def check_decision(call_id: int, *, include: list[int], exclude: list[int]) -> None:
    """Dry-run the committee's adjustments; raise AllocationError if they break the fund or caps."""
    with session_scope() as session:
        allocation.check_decision(session, call_id=call_id, include=include, exclude=exclude)
