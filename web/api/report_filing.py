"""Filing the daily reports sent to the API, many requests' reports in one transaction.

`POST /api/projects/{id}/daily-reports` checks the token, the role and the body,
then hands a `Pending` report to the app's `ReportWriter`, which calls
`file_pending` with every report waiting. Each report gets the answer it would
get alone, in the order the requests arrived: 403/404 for a project that is not
the caller's, 422 naming the field for a report the intake refuses, or how it
was filed — a new report, a new version, or a duplicate of the stored one (a
re-send) — with the day's stored report. The projects, budgets, spend and
stored days of the whole batch are read once (`store.report_intake.file_each`);
every stored report and every duplicate gets its audit event, written in the
same transaction. The tokens are looked up again in that transaction too, so a
token revoked since the request's early check (`web.api.auth.VerifiedTokens`)
stores nothing and is answered 401.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session

from models.monitoring import DailyReport
from models.project import Project
from models.report_input import InputError, read_report_payload
from models.status import Role
from store.accounts import SignedIn, list_token_holders
from store.awards import list_projects_by_id
from store.report_intake import ReportsRejected, Submission, file_each
from web.api.auth import VerifiedTokens, audit_from, require, unauthorized
from web.api.errors import ApiError, field_error, not_found, refuse_fields
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


def check_own_project(user: SignedIn, project: Project | None, project_id: int) -> Project:
    """Return the project if it is the calling agency's, else refuse (403 or 404)."""
    require(user, Role.AGENCY)
    if user.agency_id is None:
        raise ApiError(403, f"您的账号角色（{user.role}）不能查看服务项目")
    if project is None or project.agency_id != user.agency_id:
        raise not_found(f"服务项目 #{project_id}")
    return project


@dataclass(frozen=True)
class _Accepted:
    """A pending report that passed the token, ownership and payload checks."""

    index: int
    submission: Submission
    project: Project
    user: SignedIn


def file_pending(
    session: Session, pending: list[Pending], *, timezone: str, verified: VerifiedTokens
) -> list[Stored | ApiError]:
    """File each pending report in order, in the session's transaction; answer each one."""
    checked = _accept(session, pending, verified=verified)
    accepted = [c for c in checked if isinstance(c, _Accepted)]
    results = file_each(
        session,
        [(a.submission, a.project) for a in accepted],
        now=datetime.now(ZoneInfo(timezone)),
        source="api",
        today=datetime.now(ZoneInfo(timezone)).date(),
    )
    filed: dict[int, Stored | ApiError] = {}
    for a, result in zip(accepted, results, strict=True):
        if isinstance(result, ReportsRejected):
            filed[a.index] = input_errors(result.errors)
            continue
        stored = Stored(str(result.filing), result.report)
        _audit(session, pending[a.index].ip, a.user, a.project, a.submission.report.day, stored)
        filed[a.index] = stored
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
            project = check_own_project(user, projects.get(item.project_id), item.project_id)
            # The intake names projects by title, or by id when the title could be taken for one.
            name = str(project.id) if project.title.isdigit() else project.title
            report = read_report_payload(item.payload | {"project": name})
        except ApiError as error:
            checked.append(error)
        except InputError as error:
            checked.append(input_errors([error]))
        else:
            checked.append(_Accepted(n, Submission("", report), project, user))
    return checked


def _audit(
    session: Session, ip: str, user: SignedIn, project: Project, day: date, stored: Stored
) -> None:
    audit_from(
        session,
        ip,
        user,
        action=f"daily_report_{stored.filing}",
        subject_type="daily_report",
        subject_id=stored.report.id,
        detail=f"「{project.title}」{day} 第 {stored.report.version} 版",
    )


def build_report_writer(
    engine: Engine, *, timezone: str, verified: VerifiedTokens
) -> ReportWriter[Pending, Stored]:
    """Return the writer that files the API's daily reports for one app."""

    def work(session: Session, pending: list[Pending]) -> list[Stored | ApiError]:
        return file_pending(session, pending, timezone=timezone, verified=verified)

    return ReportWriter(engine, work)
