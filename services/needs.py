"""Residents' needs: taking them in (the public form and a file alike), sorting them, staff review.

Every need goes through one path however it arrives: it is checked by the
intake rules (`models.intake`), stored once (a re-submission adds nothing),
then the cycle's needs are merged (`models.duplicates`) and every
unconfirmed lead is classified (`models.classifier`) the same way, so a need
typed into the portal's form and the same need in an imported file end
alike. Staff confirm or change a domain here too; each decision is kept as a
correction the classifier learns from.

Sorting is handed a `Classifying`: where the labelled set is, the review
threshold, and a folder where a trained classifier is kept between runs
(keyed by everything it learned from), so classifying does not train, nor
load scikit-learn, when nothing changed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlmodel import Session

from models.categorisation import DEFAULT_DOMAINS, REVIEW_THRESHOLD, DomainSeed, Suggestion
from models.classifier import Classifier, classifier_input, train_classifier
from models.demand import UNSORTED, count_demand, total_by
from models.duplicates import group_duplicates
from models.intake import REQUIRED_NEED_COLUMNS, NeedRow, read_need_row
from models.need import Need
from models.privacy import mask_name, mask_phone, mask_text
from models.rows import Row, RowError, RowsRejected, read_all
from models.status import NEED_TRANSITIONS, NeedStatus, Role, TransitionError, apply_transition
from services import Actor, Forbidden, NotFound, Refused, audit
from store import cycles, dashboard, needs, training
from store.database import unit_of_work
from store.need_review import set_need_confirmed
from store.spreadsheets import read_rows

FORM_NAME = "需求表单"
UNSORTED_NAME = "待人工确认"
CONSENT_NEEDED = "填写了联系人或电话时，请勾选同意保存联系方式；不同意可以不填。"


@dataclass(frozen=True)
class Classifying:
    """What sorting needs is handed by its door (from settings): the labelled set, threshold, cache."""

    training_file: Path
    review_threshold: float = REVIEW_THRESHOLD
    cache_dir: Path | None = None


@dataclass(frozen=True)
class CategorisationSummary:
    """What a run merged and sorted, and how the cycle's demand now stands."""

    groups_merged: int = 0
    needs_merged: int = 0
    classified: int = 0
    in_review: int = 0
    by_domain: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class IntakeSummary:
    """What an import did: rows accepted and rejected, added, already there, then sorted."""

    file: str
    rows: int = 0
    rejected: int = 0
    added: int = 0
    already_there: int = 0
    errors: tuple[str, ...] = ()
    categorisation: CategorisationSummary = field(default_factory=CategorisationSummary)

    @property
    def accepted(self) -> int:
        """How many rows passed every check."""
        return self.rows - self.rejected

    @property
    def needs_merged(self) -> int:
        """How many needs joined a group of duplicates."""
        return self.categorisation.needs_merged


@dataclass(frozen=True)
class CheckedRows:
    """A needs file read and checked: its good rows, and every bad cell."""

    rows: list[NeedRow]
    total: int
    errors: list[RowError]


class NeedsRejected(Refused, RowsRejected):
    """Needs refused, naming each bad row and field; nothing of them was written."""

    def __init__(self, errors: Sequence[RowError], *, rows: int = 0) -> None:
        shown = "；".join(str(e) for e in errors[:3])
        more = f"（另有 {len(errors) - 3} 处）" if len(errors) > 3 else ""
        message = f"{len(errors)} 处错误，未写入任何数据：{shown}{more}"
        Exception.__init__(self, message)
        self.message = message
        self.errors = list(errors)
        self.rows = rows

    @property
    def rejected(self) -> int:
        """How many rows had an error."""
        return len({e.row for e in self.errors})


@dataclass(frozen=True)
class NeedForm:
    """What the public form offers: the current cycle and its street office's communities."""

    cycle_id: int
    communities: list[str]


@dataclass(frozen=True)
class SubmittedNeed:
    """How a submitted need ended: stored (or already there), merged or sorted."""

    need_id: int
    added: bool
    lead_id: int
    status: str
    domain_key: str | None
    sorting: CategorisationSummary


@dataclass(frozen=True)
class QueuedNeed:
    """A lead waiting for staff, as staff may see it: contacts masked."""

    need_id: int
    text: str
    target_group: str
    domain_key: str
    domain_name: str
    confidence: float | None
    weight: int
    contact_name: str
    contact_phone: str


@dataclass(frozen=True)
class ReviewQueue:
    """The needs waiting for staff to confirm a domain, most residents first."""

    cycle_id: int
    domains: list[tuple[str, str]]
    needs: list[QueuedNeed]


@dataclass(frozen=True)
class ClassifiedFile:
    """What classifying a file wrote: how many rows, how many below the threshold, where."""

    rows: int
    unsure: int
    threshold: float
    output: Path


# --- the public form and the import: one path for every need ---


def need_form(session: Session) -> NeedForm:
    """Return the cycle a resident's need goes to (the newest) and its communities."""
    cycle = dashboard.get_latest_cycle(session)
    if cycle is None:
        raise NotFound("还没有创投周期，暂不收集需求")
    names = [c.name for c in cycles.list_communities(session, street_office=cycle.street_office)]
    return NeedForm(cycle.id or 0, names)


def submit_need(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    cycle_id: int,
    text: str,
    community: str,
    classifying: Classifying,
    target_group: str = "",
    source: str = "居民",
    contact_name: str = "",
    contact_phone: str = "",
    consent: bool = False,
) -> SubmittedNeed:
    """Take one resident's need, then merge and classify it as an imported need would be."""
    errors: list[RowError] = []
    if (contact_name.strip() or contact_phone.strip()) and not consent:
        errors.append(RowError(FORM_NAME, 0, "同意", CONSENT_NEEDED))
    today = now.date()
    row = Row(
        FORM_NAME,
        1,
        {
            "需求内容": text,
            "社区": community,
            "服务对象": target_group,
            "来源": source,
            "提交日期": today.isoformat(),
            "联系人": contact_name,
            "联系电话": contact_phone,
        },
    )
    checked = _check_rows(session, cycle_id=cycle_id, rows=[row], today=today)
    errors += checked.errors
    if errors:
        raise NeedsRejected(errors, rows=1)
    [need_row] = checked.rows
    with unit_of_work(session):
        added, _known = _take(session, cycle_id=cycle_id, rows=[need_row])
        sorting = _sort(session, cycle_id=cycle_id, classifying=classifying)
        need = needs.get_need_by_fingerprint(
            session, cycle_id=cycle_id, fingerprint=need_row.fingerprint
        )
        audit.record(
            session,
            actor=actor,
            now=now,
            action="need_submit",
            subject_type="cycle",
            subject_id=cycle_id,
            on=today,  # the need's 提交日期
            detail=f"{need_row.community}：{need_row.text[:60]}"
            + ("（重复，未新增）" if not added else ""),
        )
        outcome = _outcome(session, need, added=bool(added), sorting=sorting)
    return outcome


def import_needs(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    cycle_id: int,
    path: Path,
    classifying: Classifying,
    today: date | None = None,
    each: Callable[[Sequence[Row]], Iterable[Row]] = iter,
) -> IntakeSummary:
    """Import a needs file, all or nothing, then merge and classify like a form need.

    A bad row refuses the file (`NeedsRejected`, naming every bad row and field);
    `each` may wrap the rows being checked (a progress bar).
    """
    try:
        checked = check_need_file(
            session, cycle_id=cycle_id, path=path, today=today or now.date(), each=each
        )
    except RowsRejected as rejected:
        raise NeedsRejected(rejected.errors) from None
    except RowError as error:
        raise NeedsRejected([error]) from None
    if checked.errors:
        raise NeedsRejected(checked.errors, rows=checked.total)
    with unit_of_work(session):
        added, known = _take(session, cycle_id=cycle_id, rows=checked.rows)
        sorting = _sort(session, cycle_id=cycle_id, classifying=classifying)
    return IntakeSummary(path.name, checked.total, 0, added, known, categorisation=sorting)


def check_need_file(
    session: Session,
    *,
    cycle_id: int,
    path: Path,
    today: date,
    each: Callable[[Sequence[Row]], Iterable[Row]] = iter,
) -> CheckedRows:
    """Read a needs file and check every row; an unreadable file raises RowError / RowsRejected."""
    rows = read_rows(path, required=REQUIRED_NEED_COLUMNS)
    return _check_rows(session, cycle_id=cycle_id, rows=rows, today=today, each=each)


def take_needs(
    session: Session, *, actor: Actor, now: datetime, cycle_id: int, rows: Sequence[NeedRow]
) -> tuple[int, int]:
    """Store checked needs not stored before; return (added, already there). Sorting follows."""
    with unit_of_work(session):
        return _take(session, cycle_id=cycle_id, rows=rows)


def _check_rows(
    session: Session,
    *,
    cycle_id: int,
    rows: Sequence[Row],
    today: date,
    each: Callable[[Sequence[Row]], Iterable[Row]] = iter,
) -> CheckedRows:
    names = set(_community_ids(session, cycle_id))
    good, errors = [], []
    for row in each(rows):
        try:
            good.append(read_need_row(row, communities=names, today=today))
        except RowError as error:
            errors.append(error)
    return CheckedRows(good, len(rows), errors)


def _community_ids(session: Session, cycle_id: int) -> dict[str, int]:
    try:
        cycle = cycles.get_cycle(session, cycle_id)
    except LookupError as missing:
        raise NotFound(str(missing)) from None
    return {
        c.name: c.id or 0
        for c in cycles.list_communities(session, street_office=cycle.street_office)
    }


def _take(session: Session, *, cycle_id: int, rows: Sequence[NeedRow]) -> tuple[int, int]:
    return needs.add_needs(
        session, cycle_id=cycle_id, rows=rows, community_ids=_community_ids(session, cycle_id)
    )


def _outcome(
    session: Session, need: Need, *, added: bool, sorting: CategorisationSummary
) -> SubmittedNeed:
    lead = needs.get_need(session, need.duplicate_of_id) if need.duplicate_of_id else need
    keys = {d.id: d.key for d in cycles.list_domains(session, cycle_id=need.cycle_id)}
    return SubmittedNeed(
        need_id=need.id or 0,
        added=added,
        lead_id=lead.id or 0,
        status=need.status,
        domain_key=keys.get(lead.domain_id) if lead.domain_id else None,
        sorting=sorting,
    )


# --- sorting: merge duplicates, classify leads ---


def sort_needs(
    session: Session, *, cycle_id: int, classifying: Classifying
) -> CategorisationSummary:
    """Merge a cycle's new needs into the groups they repeat and classify every unconfirmed lead."""
    with unit_of_work(session):
        return _sort(session, cycle_id=cycle_id, classifying=classifying)


def merge_needs(session: Session, *, cycle_id: int, training_file: Path) -> tuple[int, int]:
    """Merge new needs into the groups they repeat; return (groups grown or formed, needs merged)."""
    with unit_of_work(session):
        return _merge(session, cycle_id=cycle_id, training_file=training_file)


def classify_needs(session: Session, *, cycle_id: int, classifying: Classifying) -> tuple[int, int]:
    """Suggest a domain for every lead staff have not confirmed; return (classified, in review)."""
    with unit_of_work(session):
        return _classify(session, cycle_id=cycle_id, classifying=classifying)


def demand_by_domain(session: Session, *, cycle_id: int) -> dict[str, int]:
    """Count the cycle's residents by domain name (unsure ones under 待人工确认)."""
    names = {d.key: d.name for d in cycles.list_domains(session, cycle_id=cycle_id)}
    names[UNSORTED] = UNSORTED_NAME
    by_domain = total_by(
        count_demand(needs.list_demand_needs(session, cycle_id=cycle_id)), "domain_key"
    )
    return {names.get(key, key): count for key, count in by_domain.items()}


def _sort(session: Session, *, cycle_id: int, classifying: Classifying) -> CategorisationSummary:
    groups, merged = _merge(session, cycle_id=cycle_id, training_file=classifying.training_file)
    classified, in_review = _classify(session, cycle_id=cycle_id, classifying=classifying)
    spread = demand_by_domain(session, cycle_id=cycle_id)
    return CategorisationSummary(groups, merged, classified, in_review, spread)


def _merge(session: Session, *, cycle_id: int, training_file: Path) -> tuple[int, int]:
    background = [e.text for e in training.list_labelled_examples(training_file)]
    refs = needs.list_need_refs(session, cycle_id=cycle_id)
    merges = group_duplicates(
        refs, kept_apart=needs.list_kept_apart(session, cycle_id=cycle_id), background=background
    )
    if merges:
        apply_transition(NEED_TRANSITIONS, NeedStatus.NEW, NeedStatus.MERGED, role=Role.SYSTEM)
    needs.set_merges(session, merges=merges)
    needs.set_group_weights(session, cycle_id=cycle_id)
    return len({m.lead_id for m in merges}), len(merges)


def _classify(session: Session, *, cycle_id: int, classifying: Classifying) -> tuple[int, int]:
    classifier = load_classifier(session, cycle_id=cycle_id, classifying=classifying)
    ids = {d.key: d.id for d in cycles.list_domains(session, cycle_id=cycle_id)}
    leads = needs.list_unconfirmed_leads(session, cycle_id=cycle_id)
    suggestions = classifier.classify(
        [classifier_input(text, group) for _, text, group, _ in leads]
    )
    updates = []
    for (need_id, _, _, status), suggestion in zip(leads, suggestions, strict=True):
        unsure = suggestion.needs_review(classifying.review_threshold)
        target = NeedStatus.IN_REVIEW if unsure else NeedStatus.CLASSIFIED
        if status != target:
            apply_transition(NEED_TRANSITIONS, NeedStatus(status), target, role=Role.SYSTEM)
        updates.append(
            {
                "need_id": need_id,
                "domain_id": ids.get(suggestion.domain_key) if suggestion.domain_key else None,
                "confidence": suggestion.confidence,
                "status": target,
            }
        )
    needs.set_need_domains(session, updates=updates)
    in_review = sum(1 for u in updates if u["status"] == NeedStatus.IN_REVIEW)
    return len(updates) - in_review, in_review


def load_classifier(
    session: Session | None, *, cycle_id: int | None, classifying: Classifying
) -> Classifier:
    """Return the classifier for a cycle's domains (the default four without a cycle).

    It learns from the seed keywords, the labelled set and (for a cycle) every staff
    correction; one trained on the same inputs before is read back from the cache.
    """
    if cycle_id is None or session is None:
        seeds, corrections = list(DEFAULT_DOMAINS), []
    else:
        domains = cycles.list_domains(session, cycle_id=cycle_id)
        if not domains:
            raise NotFound(f"创投周期 #{cycle_id} 没有服务领域")
        seeds = [DomainSeed(d.key, d.name, d.theme, tuple(d.keywords)) for d in domains]
        corrections = training.list_corrections(session)
    folder = classifying.cache_dir
    key = ""
    if folder is not None:
        key = _classifier_key(classifying.training_file, seeds, corrections)
        kept = training.read_kept_classifier(folder, key)
        if kept is not None:
            try:
                return Classifier.from_data(kept)
            except (KeyError, TypeError, ValueError):
                pass  # a file of another shape: train again and keep the new one
    examples = training.list_labelled_examples(classifying.training_file)
    classifier = train_classifier(seeds, examples, corrections=corrections)
    if folder is not None:
        training.keep_classifier(folder, key, classifier.as_data())
    return classifier


def _classifier_key(
    training_file: Path, seeds: Sequence[DomainSeed], corrections: Sequence[object]
) -> str:
    learned = json.dumps(
        [
            training.file_digest(training_file),
            [[s.key, s.name, s.theme, list(s.keywords)] for s in seeds],
            [[c.text, c.domain_key] for c in corrections],  # type: ignore[attr-defined]
        ],
        ensure_ascii=False,
    )
    return hashlib.sha256(learned.encode("utf-8")).hexdigest()[:32]


# --- classifying a file (no database without a cycle) ---


def classify_file(
    session: Session | None,
    *,
    source: Path,
    output: Path,
    classifying: Classifying,
    cycle_id: int | None = None,
    chunk: int = 2_000,
    progress: Callable[[int, int], None] | None = None,
) -> ClassifiedFile:
    """Give every `text` of a table a domain and a confidence; write them to a CSV.

    Without a cycle the four default domains are used and no database is read.
    `progress(done, total)` is called after each chunk of texts.
    """
    from store.exports import write_csv

    try:
        rows = read_rows(source, required=("text",))
        texts = read_all(rows, lambda row: row.text("text", max_length=500))
    except RowsRejected as rejected:
        raise NeedsRejected(rejected.errors, rows=0) from None
    except RowError as error:
        raise NeedsRejected([error]) from None
    classifier = load_classifier(session, cycle_id=cycle_id, classifying=classifying)
    suggestions: list[Suggestion] = []
    for start in range(0, len(texts), chunk):
        suggestions += classifier.classify(texts[start : start + chunk])
        if progress is not None:
            progress(len(suggestions), len(texts))
    columns = list(rows[0].values) if rows else ["text"]
    write_csv(
        output,
        [*columns, "domain", "confidence"],
        (
            [*(row.values.get(c, "") for c in columns), s.domain_key or "", f"{s.confidence:.3f}"]
            for row, s in zip(rows, suggestions, strict=True)
        ),
    )
    unsure = sum(1 for s in suggestions if s.needs_review(classifying.review_threshold))
    return ClassifiedFile(len(suggestions), unsure, classifying.review_threshold, output)


# --- staff review ---


def review_queue(
    session: Session, *, actor: Actor, now: datetime, cycle_id: int | None = None
) -> ReviewQueue:
    """List the leads waiting for staff (contacts masked); the view is logged."""
    _staff_only(actor)
    if cycle_id is None:
        cycle = dashboard.get_latest_cycle(session)
        if cycle is None:
            raise NotFound("还没有创投周期")
        cycle_id = cycle.id or 0
    domains = cycles.list_domains(session, cycle_id=cycle_id)
    by_id = {d.id: d for d in domains}
    with unit_of_work(session):
        queue = needs.list_review_queue(session, cycle_id=cycle_id)
        audit.record(
            session,
            actor=actor,
            now=now,
            action="view_needs_review",
            subject_type="cycle",
            subject_id=cycle_id,
            detail=f"查看待确认需求 {len(queue)} 条（联系人已脱敏）",
        )
    items = []
    for n in queue:
        domain = by_id.get(n.domain_id) if n.domain_id else None
        items.append(
            QueuedNeed(
                need_id=n.id or 0,
                text=mask_text(n.text),
                target_group=n.target_group,
                domain_key=domain.key if domain else "",
                domain_name=domain.name if domain else "",
                confidence=n.confidence,
                weight=n.weight,
                contact_name=mask_name(n.contact_name),
                contact_phone=mask_phone(n.contact_phone),
            )
        )
    return ReviewQueue(cycle_id, [(d.key, d.name) for d in domains], items)


def confirm_needs(
    session: Session, *, actor: Actor, now: datetime, need_ids: Sequence[int], domain_key: str = ""
) -> list[str]:
    """Confirm each need's suggested domain, or change it to `domain_key`; all or none.

    Each decision is kept as a correction the classifier learns from; returns one line each.
    """
    _staff_only(actor)
    lines = []
    with unit_of_work(session):
        for need_id in need_ids:
            try:
                line = set_need_confirmed(session, need_id, domain_key, actor.label, now)
            except LookupError as missing:
                raise NotFound(str(missing)) from None
            except (TransitionError, ValueError) as refused:
                raise Refused(str(refused)) from None
            audit.record(
                session,
                actor=actor,
                now=now,
                action="need_confirm",
                subject_type="need",
                subject_id=need_id,
                detail=line,
            )
            lines.append(line)
    return lines


def confirm_need(
    session: Session, *, actor: Actor, now: datetime, need_id: int, domain_key: str = ""
) -> str:
    """Confirm one need's suggested domain, or change it to `domain_key`."""
    [line] = confirm_needs(session, actor=actor, now=now, need_ids=[need_id], domain_key=domain_key)
    return line


def _staff_only(actor: Actor) -> None:
    if actor.role not in (Role.STAFF, Role.SYSTEM):
        raise Forbidden("只有街道工作人员可以查看和确认居民需求")
