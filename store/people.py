"""The names of the people a cycle's records name, for masking in its documents.

Free text written by residents, agencies, evaluators and the office may name
any of these people; every document masks them (`models.privacy.mask_text`
with `names=`). They are: the residents who left a contact with a need, the
persons named as an action item's 责任人, and the objectors to a public
notice. Agencies record beneficiaries only as pseudonymous ids
(`models.report_input.check_refs` refuses a name), so no beneficiary's name
is on record to add.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from models.call import Call
from models.monitoring import ActionItem, WeeklyMeeting
from models.need import Need
from models.privacy import is_person_name
from models.proposal import Proposal
from models.publicity import Objection

# A person's name in a 责任人 cell is short; a longer one (众益邻里社会工作服务社)
# names a body, which is printed as written.
LONGEST_OWNER_NAME = 4


def list_known_names(session: Session, *, cycle_id: int) -> tuple[str, ...]:
    """The cycle's need contacts, persons named as 责任人 and objectors, sorted, without blanks."""
    found = list(
        session.exec(
            select(Need.contact_name).where(Need.cycle_id == cycle_id, Need.contact_name != "")
        )
    )
    owners = session.exec(
        select(ActionItem.owner)
        .join(WeeklyMeeting, col(WeeklyMeeting.id) == ActionItem.meeting_id)
        .where(WeeklyMeeting.cycle_id == cycle_id)
    )
    found += [
        owner
        for owner in owners
        if is_person_name(owner) and len(owner.strip()) <= LONGEST_OWNER_NAME
    ]
    found += list(
        session.exec(
            select(Objection.submitter)
            .join(Proposal, col(Proposal.id) == Objection.proposal_id)
            .join(Call, col(Call.id) == Proposal.call_id)
            .where(Call.cycle_id == cycle_id)
        )
    )
    return tuple(sorted({name.strip() for name in found} - {""}))
