"""Chinese names (gettext msgids) of the statuses the portal shows, by kind of thing."""

from __future__ import annotations

from web.i18n import N_

LABELS: dict[str, dict[str, str]] = {
    "evaluation": {
        "draft": N_("草稿"),
        "in_review": N_("待审核"),
        "needs_revision": N_("退回修改"),
        "approved": N_("已审定"),
        "published": N_("已发布"),
    },
    "need": {
        "new": N_("待归类"),
        "classified": N_("已自动归类"),
        "in_review": N_("待人工确认"),
        "confirmed": N_("已人工确认"),
        "merged": N_("已合并"),
    },
    "stage": {
        "eligibility": N_("资格审查"),
        "preliminary": N_("初审"),
        "defence": N_("路演答辩"),
        "final": N_("终审"),
        "publicity": N_("公示"),
    },
    "role": {
        "staff": N_("街道工作人员"),
        "agency": N_("社会组织"),
        "evaluator": N_("评估专家"),
        "resident": N_("居民/网格员"),
        "donor": N_("捐赠方"),
        "system": N_("系统"),
        "admin": N_("管理员"),
    },
    "proposal": {
        "draft": N_("草稿"),
        "submitted": N_("已提交"),
        "eligible": N_("资格审查通过"),
        "ineligible": N_("资格审查未通过"),
        "shortlisted": N_("入围"),
        "approved": N_("拟立项"),
        "publicised": N_("公示中"),
        "contracted": N_("已签约"),
        "rejected": N_("未入选"),
        "withdrawn": N_("已撤回"),
    },
    "tranche": {"planned": N_("待拨付"), "released": N_("已拨付"), "withheld": N_("暂缓拨付")},
    "action": {"open": N_("进行中"), "done": N_("已完成"), "dropped": N_("已取消")},
    "assignment": {"assigned": N_("待评分"), "scored": N_("已评分"), "abstained": N_("已回避")},
    "cycle": {
        "draft": N_("筹备"),
        "collecting": N_("需求征集"),
        "call_open": N_("申报中"),
        "selecting": N_("遴选中"),
        "running": N_("项目执行"),
        "closed": N_("已结项"),
    },
    "condition": {
        "on_signing": N_("签约后拨付"),
        "midterm_pass": N_("中期评估合格后拨付"),
        "final_pass": N_("结项评估合格后拨付"),
    },
}


def label_msgid(kind: str, value: object) -> str:
    """Return the msgid naming a status of this kind (the value itself if unknown)."""
    return LABELS.get(kind, {}).get(str(value), str(value))
