"""The demo's portal accounts: one per role, so `gongyi web` can be tried after `make demo`.

Seeding is idempotent: an account whose login exists is left as it is. The
logins and the shared demo password are listed in the README (演示账号).
"""

from __future__ import annotations

from flows.runtime import get_now, io_task, session_scope
from models.status import Role
from services import SYSTEM, accounts
from store import agencies
from store.accounts import get_account

DEMO_PASSWORD = "gongyi-demo"
# (login, name, role, agency name); the evaluators are two of the demo's reviewers.
DEMO_ACCOUNTS = (
    ("admin", "系统管理员", Role.ADMIN, ""),
    ("jiedao", "街道公益创投专干", Role.STAFF, ""),
    ("qinghe", "青禾社工（日报告）", Role.AGENCY, "青禾社会工作服务中心"),
    ("nuanyang", "暖阳里社工（日报告）", Role.AGENCY, "暖阳里青少年社会工作服务社"),
    ("gaowenbo", "高文博", Role.EVALUATOR, ""),
    ("linshuya", "林书雅", Role.EVALUATOR, ""),
    ("wangge", "长淮社区网格员", Role.RESIDENT, ""),
    ("donor", "淮滨锦城置业有限公司", Role.DONOR, ""),
)


@io_task
def seed_demo_accounts() -> list[str]:
    """Create the demo's portal accounts that are missing; return the logins created."""
    created, now = [], get_now()
    with session_scope() as session:
        for login, name, role, agency_name in DEMO_ACCOUNTS:
            if get_account(session, login) is not None:
                continue
            agency_id = (
                agencies.get_agency_by_name(session, agency_name).id if agency_name else None
            )
            accounts.add_portal_account(
                session,
                actor=SYSTEM,
                now=now,
                login=login,
                password=DEMO_PASSWORD,
                name=name,
                role=role,
                agency_id=agency_id,
            )
            created.append(login)
    return created
