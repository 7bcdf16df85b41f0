"""`gongyi monitor …`: monitoring — daily reports, weekly meetings, monthly evaluations, tranches."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import click
import typer
from rich.markup import escape
from typer.core import TyperCommand

from cli.common import (
    CycleOption,
    console,
    cycle_or_monitored,
    day_or_today,
    fail,
    optional_day,
    parse_day,
    print_problems,
    ready,
    ready_for_flows,
    run_flow,
    session_for,
)
from cli.evaluation_review import monitor_review_batch
from cli.monitor_actions import action_app
from cli.sheet_templates import actions_template, scores_template

app = typer.Typer(help="过程监测：日报告、周例会、月评估与拨付。", no_args_is_help=True)
report_app = typer.Typer(help="日报告：逐份提交或批量导入。", no_args_is_help=True)
app.add_typer(report_app, name="report")
app.add_typer(action_app, name="action")


@report_app.command("submit")
def monitor_report_submit(
    project: Annotated[str, typer.Argument(help="项目名称或编号。")],
    day: Annotated[str, typer.Option(help="服务日期，如 2026-06-03。")] = "",
    activity: Annotated[
        list[str], typer.Option(help="活动：类型:名称:人次，如 小组:智能手机课:18；可重复。")
    ] = [],  # noqa: B006
    beneficiaries: Annotated[str, typer.Option(help="受益人化名编号，逗号分隔。")] = "",
    hours: Annotated[str, typer.Option(help="服务时长（小时）。")] = "0",
    volunteers: Annotated[int, typer.Option(help="志愿者人次。")] = 0,
    volunteer_hours: Annotated[str, typer.Option(help="志愿服务时长（小时）。")] = "0",
    spend: Annotated[
        str, typer.Option(help="支出：科目:金额（元），如 活动费:120.50；物资费:30。")
    ] = "",
    issues: Annotated[str, typer.Option(help="问题。")] = "",
    risks: Annotated[str, typer.Option(help="风险。")] = "",
    attachment: Annotated[list[str], typer.Option(help="附件（文件名或链接）；可重复。")] = [],  # noqa: B006
    summary: Annotated[str, typer.Option(help="服务摘要。")] = "",
    no_activity: Annotated[str, typer.Option(help="当天无活动时填写原因。")] = "",
    revise: Annotated[bool, typer.Option(help="修改已提交的日报告（保存为新版本）。")] = False,
    received: Annotated[
        str,
        typer.Option(
            "--received",
            "--on",
            help="纸质日报告送达街道的时间，如 2026-05-20T18:30（工作人员补录时填写）；"
            "按此判断是否迟交，默认以录入时间为准。",
        ),
    ] = "",
    json_file: Annotated[
        Path | None, typer.Option("--json", help="改为读取 JSON 文件（与 API 相同的格式）。")
    ] = None,
    cycle: CycleOption = None,
) -> None:
    """提交一份日报告（校验不通过则不保存；修改请加 --revise）。"""
    import json

    from models.arrival import ArrivalError, parse_arrival
    from models.report_input import (
        InputError,
        parse_activities,
        parse_minutes,
        parse_refs,
        parse_spend,
        read_report_payload,
    )
    from services import clerk, daily_reports

    settings = ready()
    try:
        if json_file is not None:
            payload = json.loads(json_file.read_text(encoding="utf-8"))
        else:
            payload = {
                "project": project,
                "day": day,
                "service_hours": hours,
                "volunteers": volunteers,
                "volunteer_hours": volunteer_hours,
                "issues": issues,
                "risks": risks,
                "attachments": attachment,
                "summary": summary,
                "no_activity_reason": no_activity,
                "revise": revise,
                "activities": [a.__dict__ for text in activity for a in parse_activities(text)],
                "beneficiaries": list(parse_refs(beneficiaries)),
                "spend_fen": parse_spend(spend),
            }
            parse_minutes(hours, field="服务时长（小时）")
        report = read_report_payload(payload)
        received_at = parse_arrival(received, tz=settings.now().tzinfo)  # type: ignore[arg-type]
    except (InputError, ArrivalError, OSError, ValueError) as exc:
        raise fail(str(exc)) from None
    with session_for(settings) as session:
        try:
            result = daily_reports.file_reports(
                session,
                [daily_reports.Submission("", report, received_at=received_at)],
                actor=clerk(),
                now=settings.now(),
                source="cli",
                cycle_id=cycle_or_monitored(session, cycle),
            )
        except daily_reports.ReportsRejected as rejected:
            print_problems(rejected.problems, what="日报告未保存")
            raise
    if result.unchanged:
        raise fail(result.unchanged[0])
    console.print("日报告已保存" + ("（新版本）" if result.revised else "") + "。")


IMPORT_SUMMARY = "批量导入日报告（全部有效才写入；与已保存内容相同的行跳过）。"


def import_help() -> str:
    """The import command's help with the sheet's columns (models.report_sheet is the one guide)."""
    from models.report_sheet import guide_lines

    return "\n\n".join(
        [
            IMPORT_SUMMARY,
            "表格（XLSX 或 UTF-8 CSV）第一行为列名，每行一个项目一天；"
            "空白模板：gongyi monitor report template 日报告.xlsx。各列：",
            *(f"- {line}" for line in guide_lines()),
        ]
    )


class SheetHelpCommand(TyperCommand):
    """Reads the sheet's columns only when help is asked for: `gongyi` starts without the models."""

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self.help = import_help()
        super().format_help(ctx, formatter)


@report_app.command("import", help=IMPORT_SUMMARY, cls=SheetHelpCommand)
def monitor_report_import(
    path: Annotated[Path, typer.Argument(help="日报告表（XLSX 或 CSV），每行一个项目一天。")],
    cycle: CycleOption = None,
) -> None:
    ready_for_flows()
    from flows.monitoring.daily_report_intake import daily_report_intake

    result = run_flow(daily_report_intake, str(path), cycle)
    print_problems(result.errors, what=path.name)
    console.print(
        f"{path.name}：新增 {result.added} 份，修订 {result.revised} 份，与已保存内容相同 {len(result.unchanged)} 份"
    )


@report_app.command("template")
def monitor_report_template(
    output: Annotated[Path, typer.Argument(help="写出的 XLSX 模板，如 日报告.xlsx。")],
) -> None:
    """写出日报告 XLSX 空白模板（日报告表与填写说明）。"""
    from services.daily_report_template import write_template

    console.print(f"已写出日报告模板：{write_template(output)}", highlight=False)


@app.command("excuse")
def monitor_excuse(
    project: Annotated[int, typer.Argument(help="项目编号。")],
    first: Annotated[str, typer.Argument(help="免交的第一天，如 2026-06-19。")],
    last: Annotated[str, typer.Argument(help="免交的最后一天（默认同第一天）。")] = "",
    reason: Annotated[str, typer.Option(help="免交原因，如 场地维修。")] = "",
    on: Annotated[str, typer.Option(help="作出免交决定的日期（默认今天）。")] = "",
) -> None:
    """免交日报告：这些工作日不再算应交，不算缺交、迟交，也不计入黄牌。"""
    from services import clerk
    from services.excused_days import excuse_days

    settings = ready()
    with session_for(settings) as session:
        result = excuse_days(
            session,
            actor=clerk(),
            now=settings.now(),
            project_id=project,
            first=parse_day(first),
            last=parse_day(last) if last else None,
            reason=reason,
            on=day_or_today(on, settings),
        )
    added = "、".join(d.isoformat() for d in result.added) or "无"
    line = f"「{result.title}」免交日报告：{added}"
    if result.already:
        line += f"（此前已免交 {len(result.already)} 天）"
    console.print(line, highlight=False)


@app.command("check")
def monitor_check(
    day: Annotated[str, typer.Option(help="检查日期（默认今天）。")] = "",
    since: Annotated[str, typer.Option(help="从这一天起逐个工作日补做检查。")] = "",
    cycle: CycleOption = None,
) -> None:
    """每日检查：缺交与迟交、进度、提醒与督办邮件、黄牌。"""
    ready_for_flows()
    from flows.monitoring.daily_check import daily_check

    asked = optional_day(day)
    result = run_flow(daily_check, cycle, asked, optional_day(since))
    for figures in result.days:
        console.print(
            f"{figures.day}：应交 {figures.due}，已交 {figures.reported}；提醒 {figures.reminders}，"
            f"督办 {figures.escalations}，本月黄牌 {figures.yellow_cards}",
            highlight=False,
        )
    if asked is not None and asked not in {f.day for f in result.days}:
        console.print(f"{asked}：休息日或节假日，不需检查", highlight=False)
    console.print(
        f"邮件 已发 {result.notices['sent']}，未发 {result.notices['unsent']}，失败 {result.notices['failed']}"
    )


@app.command("week")
def monitor_week(
    week_start: Annotated[str, typer.Option(help="所议一周的周一（默认上周）。")] = "",
    cycle: CycleOption = None,
) -> None:
    """生成周例会议程（PDF），会后用 minutes 录入纪要。"""
    ready_for_flows()
    from flows.monitoring.weekly_meeting import weekly_meeting

    result = run_flow(weekly_meeting, cycle, optional_day(week_start))
    console.print(f"{result.headline}\nPDF：{result.pdf}")


@app.command("minutes")
def monitor_minutes(
    week_start: Annotated[str, typer.Argument(help="所议一周的周一，如 2026-06-08。")],
    text: Annotated[Path | None, typer.Option(help="会议记录（UTF-8 文本）。")] = None,
    actions: Annotated[Path | None, typer.Option(help="待办事项表（XLSX 或 CSV）。")] = None,
    attendees: Annotated[str, typer.Option(help="参会人员。")] = "",
    recorder: Annotated[str, typer.Option(help="记录人。")] = "",
    host: Annotated[str, typer.Option(help="主持人（最多 100 字）。")] = "",
    cycle: CycleOption = None,
) -> None:
    """录入周例会纪要与待办事项，并重新生成周例会纪要 PDF。"""
    ready_for_flows()
    from flows.monitoring.meeting_minutes import record_minutes

    result = run_flow(
        record_minutes,
        parse_day(week_start),
        str(text) if text else None,
        str(actions) if actions else None,
        attendees,
        recorder,
        cycle,
        host=host,
    )
    print_problems(result.errors, what="纪要未保存")
    console.print(
        f"待办 {result.action_items} 项（本次关闭 {result.closed} 项）；PDF：{result.pdf}"
    )


@app.command("month")
def monitor_month(
    month: Annotated[str, typer.Argument(help="评估月份，如 2026-06（默认上个月）。")] = "",
    scores: Annotated[Path | None, typer.Option(help="评估专家评分表（XLSX 或 CSV）。")] = None,
    drafts: Annotated[bool, typer.Option(help="同时为待审核的评估生成草稿 PDF。")] = False,
    on: Annotated[
        str, typer.Option(help="发布与拨付的日期，如 2026-07-05（默认今天；月份默认其上个月）。")
    ] = "",
    cycle: CycleOption = None,
) -> None:
    """运行月评估：测算指标、录入评分、发布已审定的评估、生成 PDF、中期拨付。"""
    settings = ready_for_flows()
    from flows.monitoring.monthly_evaluation import monthly_evaluation

    today = day_or_today(on, settings)
    result = run_flow(
        monthly_evaluation, cycle, month or None, str(scores) if scores else None, today, drafts
    )
    print_problems(result.errors, what="评分表被拒绝")
    console.print(
        f"{result.month}："
        + "，".join(f"{k} {v}" for k, v in result.statuses.items())
        + f"；PDF {len(result.pdfs)} 份"
    )
    if result.releases and (result.releases.released or result.releases.held):
        console.print(
            f"中期拨付：拨付 {len(result.releases.released)} 个，暂缓 {len(result.releases.held)} 个"
        )
    if result.failed_pdfs:
        for line in result.failed_pdfs:
            console.print(f"[red]未能生成：{escape(line)}[/]", highlight=False)
        raise fail(f"{len(result.failed_pdfs)} 份 PDF 未能生成，其余已写入；修正后再运行一次本命令")


@app.command("review")
def monitor_review(
    project: Annotated[str, typer.Argument(help="项目名称或编号。")],
    month: Annotated[str, typer.Argument(help="评估月份，如 2026-06。")],
    reviewer: Annotated[str, typer.Option(help="审核人（不能是评分的评估专家）。")],
    send_back: Annotated[bool, typer.Option(help="退回修改而不是审定。")] = False,
    comment: Annotated[str, typer.Option(help="审核意见（退回时必填）。")] = "",
    on: Annotated[str, typer.Option(help="审核日期，如 2026-07-03（默认今天）。")] = "",
    cycle: CycleOption = None,
) -> None:
    """审定或退回一份月评估；审定后下一次月评估运行时发布并生成 PDF。"""
    from services import evaluations

    settings = ready()
    day = day_or_today(on, settings)
    with session_for(settings) as session:
        evaluation_id = evaluations.find_monthly_evaluation(
            session, cycle_id=cycle_or_monitored(session, cycle), project=project, month=month
        )
        reviewed = evaluations.review_evaluation(
            session,
            actor=evaluations.reviewer_actor(reviewer),
            now=settings.now(),
            evaluation_id=evaluation_id,
            approve=not send_back,
            comment=comment,
            on=day,
        )
    console.print(reviewed.message, highlight=False)


@app.command("release")
def monitor_release(
    on: Annotated[str, typer.Option(help="拨付或暂缓的日期，如 2026-09-01（默认今天）。")] = "",
    cycle: CycleOption = None,
) -> None:
    """按中期评估结果拨付或暂缓第二期资金（不会重复拨付）。"""
    settings = ready_for_flows()
    from flows.monitoring.release_tranches import release_tranches

    result = run_flow(release_tranches, cycle, day_or_today(on, settings))
    console.print(
        f"拨付 {len(result.released)} 个项目，暂缓 {len(result.held)} 个，待中期评估 {result.waiting} 个"
    )
    for line in result.errors:
        console.print(f"[red]{line}[/]", highlight=False)


app.command("review-batch")(monitor_review_batch)
app.command("actions-template")(actions_template)
app.command("scores-template")(scores_template)
