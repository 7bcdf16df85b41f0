"""A proposal's cited needs: unknown ids refused, another domain or community warned, answers listed."""

from __future__ import annotations

from models.citation import (
    CitingProposal,
    check_citations,
    citing_text,
    need_answers,
    unknown_need_message,
)
from models.demand import UNSORTED, DemandNeed

MEAL = DemandNeed(48, 48, "明珠社区", "独居老人", "elderly", "希望社区开设老年助餐点")
MEAL_AGAIN = DemandNeed(69, 48, "明珠社区", "独居老人", UNSORTED, "希望开设老年助餐点")
WINTER = DemandNeed(4, 4, "明珠社区", "低保家庭", "special", "冬天取暖困难，希望发放御寒物资")
LAMP = DemandNeed(80, 80, "新安社区", "全体居民", "community", "小区路灯坏了好久")
PENDING = DemandNeed(42, 42, "明珠社区", "失独老人", UNSORTED, "逢年过节特别难熬")
NEEDS = {n.need_id: n for n in (MEAL, MEAL_AGAIN, WINTER, LAMP, PENDING)}
NAMES = {"elderly": "情暖夕阳", "special": "爱在淮河", "community": "绿色生活"}


def check(*cited: int, domain: str = "elderly", community: str = "明珠社区"):  # type: ignore[no-untyped-def]
    return check_citations(
        domain_key=domain,
        community=community,
        cited_need_ids=cited,
        needs=NEEDS,
        domain_names=NAMES,
    )


def test_needs_of_the_proposals_domain_and_community_give_no_warning() -> None:
    assert check(48, 69) == check()
    assert check(48, 69).unknown == () and check(48, 69).warnings == ()


def test_a_duplicate_is_read_as_its_group_so_its_domain_is_the_leads() -> None:
    # 69 is stored without a domain of its own (merged); its group is elderly.
    assert check(69, domain="special").warnings == (
        "引用的需求 #69 服务领域为「情暖夕阳」，本项目为「爱在淮河」，请核实是否回应该需求",
    )


def test_another_domain_is_a_warning_naming_both_domains() -> None:
    result = check(48, 4)
    assert result.unknown == ()
    assert result.warnings == (
        "引用的需求 #4 服务领域为「爱在淮河」，本项目为「情暖夕阳」，请核实是否回应该需求",
    )


def test_another_community_is_a_warning_naming_both_communities() -> None:
    assert check(80, domain="community").warnings == (
        "引用的需求 #80 属于新安社区，本项目在明珠社区，请核实是否回应该需求",
    )


def test_both_apart_make_one_warning_per_need() -> None:
    (warning,) = check(80).warnings
    assert "「绿色生活」" in warning and "新安社区" in warning


def test_a_need_without_a_domain_yet_warns_only_for_its_community() -> None:
    assert check(42, domain="special").warnings == ()
    assert check(42, community="新安社区").warnings == (
        "引用的需求 #42 属于明珠社区，本项目在新安社区，请核实是否回应该需求",
    )


def test_ids_the_cycle_does_not_have_are_listed_as_unknown() -> None:
    result = check(999, 48, 7)
    assert result.unknown == (7, 999)
    assert unknown_need_message(result.unknown) == "引用的需求编号不存在于本周期：7、999"


def test_citing_text_is_the_first_sentence_of_the_summary_kept_short() -> None:
    assert citing_text("开设老年助餐点。招募志愿者送餐。") == "开设老年助餐点。"
    assert citing_text("") == ""
    long = "为" * 200
    assert len(citing_text(long)) == 80 and citing_text(long).endswith("…")


def proposal(pid: int, cited: tuple[int, ...], *, funded: bool = True, **kw) -> CitingProposal:  # type: ignore[no-untyped-def]
    values = {
        "title": f"项目{pid}",
        "domain_key": "elderly",
        "community": "明珠社区",
        "summary": f"项目{pid}的做法。其余说明。",
    } | kw
    return CitingProposal(pid, cited_need_ids=cited, funded=funded, **values)


def test_need_answers_lists_the_funded_projects_of_each_group_with_how() -> None:
    answers = need_answers(
        NEEDS.values(),
        [proposal(2, (69,)), proposal(1, (48, 4)), proposal(3, (48,), funded=False)],
    )
    assert set(answers) == {48, 4}
    assert [a.title for a in answers[48]] == ["项目1", "项目2"]
    assert answers[48][0].how == "项目1的做法。" and answers[48][0].fits
    assert not answers[4][0].fits  # an elderly project citing a special need


def test_need_answers_with_proposals_lists_funded_first() -> None:
    answers = need_answers(
        NEEDS.values(), [proposal(1, (48,), funded=False), proposal(2, (48,))], funded_only=False
    )
    assert [(a.proposal_id, a.funded) for a in answers[48]] == [(2, True), (1, False)]


def test_need_answers_leaves_out_unknown_ids_and_unanswered_groups() -> None:
    answers = need_answers(NEEDS.values(), [proposal(1, (999,))])
    assert answers == {}
