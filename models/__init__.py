"""The domain: SQLModel tables, status enums and pure rules.

Nothing here does I/O or imports a framework. Importing the package registers
every table on `SQLModel.metadata`, which `store` and Alembic read.
"""

from models.account import Account, ApiToken, LoginAttempt, ReportDraft, WebSession
from models.agency import Agency, AgencyTrackRecord
from models.award import Award, Tranche
from models.call import Call
from models.committee import CommitteeDecision
from models.cycle import Community, Cycle, Domain
from models.cycle_report import CycleClosing
from models.final_evaluation import FinalEvaluation
from models.fund import Donation, Fund, LedgerEntry
from models.monitoring import (
    ActionItem,
    DailyReport,
    ExcusedDay,
    MonthlyEvaluation,
    WeeklyMeeting,
)
from models.need import Need
from models.next_cycle import CycleReviewer
from models.panel import ConflictOfInterest, ReviewAssignment
from models.project import Project
from models.proposal import BudgetLine, KpiTarget, Proposal, Review, ScreeningCheck
from models.publicity import Objection, PublicNotice
from models.register import DocumentRecord
from models.user import AuditEvent, User

__all__ = [
    "Account",
    "ActionItem",
    "Agency",
    "AgencyTrackRecord",
    "ApiToken",
    "AuditEvent",
    "Award",
    "BudgetLine",
    "Call",
    "CommitteeDecision",
    "Community",
    "ConflictOfInterest",
    "Cycle",
    "CycleClosing",
    "CycleReviewer",
    "DailyReport",
    "DocumentRecord",
    "Domain",
    "Donation",
    "ExcusedDay",
    "FinalEvaluation",
    "Fund",
    "KpiTarget",
    "LedgerEntry",
    "LoginAttempt",
    "MonthlyEvaluation",
    "Need",
    "Objection",
    "Project",
    "Proposal",
    "PublicNotice",
    "ReportDraft",
    "Review",
    "ReviewAssignment",
    "ScreeningCheck",
    "Tranche",
    "User",
    "WebSession",
    "WeeklyMeeting",
]
