"""The rules of closing a cycle: final grade, settlement, track record, headline, archive, carry-over."""

from __future__ import annotations

import tomllib
from datetime import date

import pytest

from models.archive import (
    ArchivedFile,
    ArchiveError,
    build_manifest,
    check_archive_path,
    manifest_text,
    read_manifest,
    rules_digest,
    sha256_bytes,
    verify_files,
)
from models.call_file import read_rules_text
from models.call_keys import RulesError
from models.cycle_report import ProjectFacts, ServiceFacts, count_headline
from models.eligibility import PastCycle, track_record_bonus
from models.final_evaluation import (
    BUDGET,
    COMPLIANCE,
    DEFAULT_FINAL_CRITERIA,
    MONTHLY,
    NEEDS,
    OUTPUTS,
    VETO_MISUSE,
    FinalMeasures,
    RefundError,
    budget_score,
    check_refund,
    score_final,
    settle,
)
from models.grading import DEFAULT_GRADE_BANDS, ScoringError
from models.ledger import FundBalance
from models.next_cycle import carry_rules, rules_toml
from models.track_record import ProjectOutcome, build_track_entries, weakest_grade
from tests.monitoring_builders import CALL_TOML

GOOD = FinalMeasures(
    monthly_totals=(92.0, 94.0),
    output_completion=(110.0, 95.0, 100.0),
    planned_to_date_fen=100_000,
    spent_fen=98_000,
    compliance_percent=96,
    reports_expected=40,
    reports_submitted=40,
)


def _score(measures: FinalMeasures = GOOD, needs: float = 90):  # type: ignore[no-untyped-def]
    return score_final(
        measures,
        evaluator_scores={NEEDS: needs},
        criteria=DEFAULT_FINAL_CRITERIA,
        bands=DEFAULT_GRADE_BANDS,
    )


def test_final_score_combines_monthly_mean_outputs_budget_compliance_and_needs() -> None:
    result = _score()

    assert result.scores == {
        MONTHLY: 93.0,
        OUTPUTS: 98.3,
        BUDGET: 98.0,
        COMPLIANCE: 96.0,
        NEEDS: 90.0,
    }
    assert result.total == round(0.3 * 93 + 0.25 * 98.3 + 0.15 * 98 + 0.1 * 96 + 0.2 * 90, 2)
    assert result.grade == "优秀" and not result.veto


def test_misused_money_vetoes_the_final_grade_to_the_lowest_band() -> None:
    result = _score(FinalMeasures(**{**GOOD.__dict__, "funds_misused": True}))

    assert (result.total, result.grade, result.veto) == (0.0, "不合格", VETO_MISUSE)


def test_the_evaluator_cannot_score_a_measured_criterion() -> None:
    with pytest.raises(ScoringError, match="由执行期记录计算"):
        score_final(
            GOOD,
            evaluator_scores={BUDGET: 100},
            criteria=DEFAULT_FINAL_CRITERIA,
            bands=DEFAULT_GRADE_BANDS,
        )


@pytest.mark.parametrize(
    ("spent", "planned", "score"),
    [(100, 100, 100.0), (90, 100, 90.0), (150, 100, 50.0), (300, 100, 0.0), (0, 0, 100.0)],
)
def test_budget_score_is_100_less_the_deviation_from_plan(
    spent: int, planned: int, score: float
) -> None:
    assert budget_score(spent_fen=spent, planned_fen=planned) == score


def test_a_passing_project_is_paid_its_last_tranche_and_returns_what_it_did_not_spend() -> None:
    plan = settle(
        passed=True,
        last_tranche_fen=200,
        last_tranche_paid=False,
        paid_fen=800,
        refunded_fen=0,
        spent_fen=700,
    )

    assert (plan.pay_fen, plan.refund_fen, plan.withheld_fen) == (200, 300, 0)


def test_a_failing_project_gets_no_last_tranche_and_still_returns_its_balance() -> None:
    plan = settle(
        passed=False,
        last_tranche_fen=200,
        last_tranche_paid=False,
        paid_fen=800,
        refunded_fen=0,
        spent_fen=700,
    )

    assert (plan.pay_fen, plan.refund_fen, plan.withheld_fen) == (0, 100, 200)


def test_settling_again_after_paying_and_refunding_moves_nothing() -> None:
    plan = settle(
        passed=True,
        last_tranche_fen=200,
        last_tranche_paid=True,
        paid_fen=1000,
        refunded_fen=300,
        spent_fen=700,
    )

    assert (plan.pay_fen, plan.refund_fen) == (0, 0)


def test_a_refund_larger_than_what_was_paid_and_kept_is_refused() -> None:
    with pytest.raises(RefundError, match=r"超过已拨付未退回的 5\.00 元"):
        check_refund(600, paid_fen=800, refunded_fen=300)
    with pytest.raises(RefundError, match="大于 0"):
        check_refund(0, paid_fen=800, refunded_fen=0)
    check_refund(500, paid_fen=800, refunded_fen=300)


def test_an_agencys_cycle_grade_is_its_weakest_project_and_breaches_add_up() -> None:
    entries = build_track_entries(
        [
            ProjectOutcome(1, "甲", "优秀"),
            ProjectOutcome(1, "乙", "良好", yellow_cards=1),
            ProjectOutcome(2, "丙", "不合格", vetoes=1, tranches_withheld=2),
        ],
        year=2026,
        bands=DEFAULT_GRADE_BANDS,
        cycle_name="2026年度公益创投",
    )

    assert [(e.agency_id, e.grade, e.yellow_cards, e.breaches) for e in entries] == [
        (1, "良好", 1, 0),
        (2, "不合格", 0, 3),
    ]
    assert "丙：不合格" in entries[1].note and "违规 3 次" in entries[1].note
    assert weakest_grade([], DEFAULT_GRADE_BANDS) == ""


def test_an_excellent_latest_grade_earns_the_bonus_the_call_grants() -> None:
    past = (PastCycle(2025, "不合格"), PastCycle(2026, "优秀"))

    assert track_record_bonus(past, bonus_by_grade={"优秀": 5}) == (
        5,
        "2026 年度评估「优秀」，初审加 5 分",
    )
    assert track_record_bonus(past[:1], bonus_by_grade={"优秀": 5}) == (0, "")
    assert track_record_bonus(past, bonus_by_grade={}) == (0, "")


def test_the_headline_counts_distinct_beneficiaries_and_sums_visits_and_money() -> None:
    figures = count_headline(
        [
            ProjectFacts(1, 10, "elderly"),
            ProjectFacts(2, 10, "youth"),
            ProjectFacts(3, 11, "youth"),
        ],
        [
            ServiceFacts(20, 90, ("A-1", "A-2")),
            ServiceFacts(15, 45, ("A-1",)),
            ServiceFacts(5, 0, ()),
        ],
        balance=FundBalance(1000, 900, 800, 100),
    )

    assert figures.headline == "2 大领域 3 个服务项目，受益 2 人"
    assert (figures.agencies, figures.service_visits, figures.volunteer_hours) == (2, 40, 2)
    assert figures.held_fen == 300


def _manifest(files: list[ArchivedFile]) -> dict:  # type: ignore[type-arg]
    return build_manifest(
        files,
        cycle={"id": 1},
        rules_version=2,
        rules_sha256=rules_digest({"b": 1, "a": [1, 2]}),
        created_on=date(2026, 12, 1),
    )


def test_the_manifest_verifies_and_names_a_changed_a_missing_and_an_extra_file() -> None:
    files = [
        ArchivedFile("a.pdf", 3, sha256_bytes(b"one")),
        ArchivedFile("b/c.pdf", 3, sha256_bytes(b"two")),
    ]
    manifest = read_manifest(manifest_text(_manifest(files)))

    assert (
        verify_files(
            manifest, found={"a.pdf": sha256_bytes(b"one"), "b/c.pdf": sha256_bytes(b"two")}
        )
        == []
    )
    problems = verify_files(
        manifest, found={"a.pdf": sha256_bytes(b"0ne"), "b/c.pdf": None}, extra=["x.pdf"]
    )
    assert problems[0].startswith("文件已被改动：a.pdf")
    assert problems[1:] == ["缺少文件：b/c.pdf", "清单外的文件：x.pdf"]
    assert manifest["rules_version"] == 2
    assert rules_digest({"a": [1, 2], "b": 1}) == manifest["rules_sha256"]


@pytest.mark.parametrize("path", ["../etc/passwd", "/abs.pdf", "manifest.json", ""])
def test_an_archive_path_may_not_leave_the_folder(path: str) -> None:
    with pytest.raises(ArchiveError):
        check_archive_path(path)


def test_carried_rules_move_on_a_year_and_read_back_as_the_same_rules() -> None:
    _, rules = read_rules_text(CALL_TOML.read_text(encoding="utf-8"), file_name="call.toml")

    carried = carry_rules(rules, years=1)
    written = rules_toml(
        {**carried, "evaluation": {**carried["evaluation"], "past_grade_bonus": {"优秀": 5}}}
    )
    parsed, data = read_rules_text(written, file_name="next.toml")

    assert carried["title"].startswith("2027年度") and carried["deadline"] == "2027-05-20 17:00"
    assert carried["opens_on"] == "2027-05-01" and carried["version"] == 1
    assert data == {
        **carried,
        "evaluation": {**carried["evaluation"], "past_grade_bonus": {"优秀": 5}},
    }
    assert parsed.past_grade_bonus == {"优秀": 5}
    assert tomllib.loads(rules_toml(carried)) == carried


def test_a_bonus_for_a_grade_the_bands_do_not_have_is_refused() -> None:
    text = CALL_TOML.read_text(encoding="utf-8").replace(
        "[evaluation]", '[evaluation]\npast_grade_bonus = { "卓越" = 5 }'
    )

    with pytest.raises(RulesError, match="past_grade_bonus"):
        read_rules_text(text, file_name="call.toml")
