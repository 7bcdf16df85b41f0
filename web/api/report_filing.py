"""Filing the daily reports sent to the API, many requests' reports in one transaction.

`POST /api/projects/{id}/daily-reports` checks the token, the role and the body,
then hands a `Pending` report to the app's `ReportWriter`, which calls
`file_pending` with every report waiting. Each report gets the answer it would
get alone, in the order the requests arrived: 403/404 for a project that is not
the caller's (`services.projects.check_own`, the one ownership rule), 422 naming
the field for a report the intake refuses, or how it was filed — a new report,
a new version, or a duplicate of the stored one (a re-send) — with the day's
stored report. The filing is `services.daily_reports.file_each`, the same rules
as every other door; it reads the batch's projects, budgets, spend and stored
days once, stores every report with its audit event and commits in its unit of
work. The tokens are looked up again in that transaction first, so a token
revoked since the request's early check (`web.api.auth.VerifiedTokens`) stores
nothing and is answered 401. The batch is filed at the latest of its requests'
times (each request reads the one clock, `web.deps.NowDep`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from models.monitoring import DailyReport
from models.project import Project
from models.report_input import InputError, read_report_payload
from models.status import Role
from services import Actor, ServiceError
from services.daily_reports import ReportsRejected, Submission, file_each
from services.projects import check_own
from store.accounts import list_token_holders
from store.awards import list_projects_by_id
from web.api.auth import VerifiedTokens, require, unauthorized
from web.api.errors import ApiError, field_error, refuse_fields, service_status
from web.api.report_writer import ReportWriter

# The labels the intake rules name fields by, and the request fields they are.
FIELD_BY_LABEL = {
    "项目": "project",
    "项目名称": "project",
    "日期": "day",
    "活动": "activities",
    "支出": "spend_fen",
    "无活动原因": "no_activity_reason",
}


@dataclass(frozen=True)
class Pending:
    """One report sent to the API, read and checked for shape, waiting to be filed.

    `digest` is the request's token; it is checked again when the report is filed.
    """

    digest: str
    project_id: int
    payload: dict[str, Any]
    ip: str
    now: datetime


@dataclass(frozen=True)
class Stored:
    """How a report was filed (new, revision or duplicate) and the day's stored report."""

    filing: str
    report: DailyReport


def input_errors(errors: Sequence[InputError]) -> ApiError:
    """Build the 422 answer naming the request field of each intake error."""
    return refuse_fields(
        [field_error(["body", FIELD_BY_LABEL.get(e.field, e.field)], e.message) for e in errors]
    )


def refusal(error: ServiceError) -> ApiError:
    """The API's answer to a service's refusal: 422 naming the fields, or 404 / 403 / 409."""
    if isinstance(error, ReportsRejected):
        return input_errors(error.errors)
    return ApiError(service_status(error), error.message)


@dataclass(frozen=True)
class _Accepted:
    """A pending report that passed the token, ownership and payload checks."""

    index: int
    submission: Submission
    project: Project
    actor: Actor


def file_pending(
    session: Session, pending: list[Pending], *, verified: VerifiedTokens
) -> list[Stored | ApiError]:
    """File each pending report in order, in the session's transaction; answer each one."""
    checked = _accept(session, pending, verified=verified)
    accepted = [c for c in checked if isinstance(c, _Accepted)]
    results = file_each(
        session,
        [(a.submission, a.project, a.actor) for a in accepted],
        now=max(p.now for p in pending),
        source="api",
    )
    filed: dict[int, Stored | ApiError] = {}
    for a, result in zip(accepted, results, strict=True):
        if isinstance(result, ServiceError):
            filed[a.index] = refusal(result)
        else:
            filed[a.index] = Stored(str(result.filing), result.report)
    return [c if isinstance(c, ApiError) else filed[n] for n, c in enumerate(checked)]


def _accept(
    session: Session, pending: list[Pending], *, verified: VerifiedTokens
) -> list[_Accepted | ApiError]:
    """Check each report's token (again, in this transaction), project and payload."""
    holders = list_token_holders(session, digests={p.digest for p in pending})
    projects = {
        p.id: p for p in list_projects_by_id(session, project_ids={p.project_id for p in pending})
    }
    checked: list[_Accepted | ApiError] = []
    for n, item in enumerate(pending):
        try:
            user = holders.get(item.digest)
            if user is None:
                verified.forget(item.digest)  # revoked since this process verified it
                raise unauthorized()
            require(user, Role.AGENCY)
            actor = Actor.of(user, address=item.ip)
            project = check_own(actor, projects.get(item.project_id), item.project_id)
            # The project is the URL's; its title is only what messages call it.
            report = read_report_payload(item.payload | {"project": project.title})
        except ApiError as error:
            checked.append(error)
        except ServiceError as error:
            checked.append(refusal(error))
        except InputError as error:
            checked.append(input_errors([error]))
        else:
            checked.append(
                _Accepted(n, Submission("", report, project_id=project.id), project, actor)
            )
    return checked


def build_report_writer(
    engine: Engine, *, verified: VerifiedTokens
) -> ReportWriter[Pending, Stored]:
    """Return the writer that files the API's daily reports for one app (each request hands its time)."""

    def work(session: Session, pending: list[Pending]) -> list[Stored | ApiError]:
        return file_pending(session, pending, verified=verified)

    return ReportWriter(engine, work)
