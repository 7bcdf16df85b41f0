"""Sending the notices the monitoring flows wrote: reminders, escalations, held tranches.

A notice row is written (its key claimed) before anything is sent, so a run
that dies half-way, or runs twice, never sends one notice twice. This task
sends the notices that have not gone out yet over one SMTP connection and
records each outcome: sent; failed (retried on the next run); or unsent,
when no SMTP server is configured or nobody has an e-mail address.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY

from flows.runtime import MailSettings, get_mail_settings, get_now, io_task, session_scope
from models.monitoring import Notice
from models.status import NoticeStatus
from store import notices

NO_SERVER = "未配置邮件服务器（GONGYI_SMTP_HOST），通知未发送"
NO_RECIPIENT = "收件人没有登记电子邮箱，通知未发送"
TIMEOUT_SECONDS = 30


@io_task
def send_notices(keys: list[str]) -> dict[str, int]:
    """Send the notices with these keys that have not gone out; count each outcome."""
    mail = get_mail_settings()
    counts = {status.value: 0 for status in NoticeStatus}
    with session_scope() as session:
        waiting = [
            n for n in notices.list_notices(session, keys=keys) if n.status != NoticeStatus.SENT
        ]
        outcomes = deliver(mail, waiting)
        for notice, (status, error) in zip(waiting, outcomes, strict=True):
            at = get_now() if status == NoticeStatus.SENT else None
            notices.set_notice_status(session, notice, status=status, at=at, error=error)
            counts[status] += 1
    return counts


def deliver(mail: MailSettings, waiting: list[Notice]) -> list[tuple[str, str]]:
    """Send each notice; return (status, error) for each, in order."""
    if not waiting:
        return []
    if not mail.host:
        return [(NoticeStatus.UNSENT, NO_SERVER)] * len(waiting)
    try:
        with _connect(mail) as server:
            return [_send_one(server, mail, notice) for notice in waiting]
    except (OSError, smtplib.SMTPException) as error:
        return [
            (NoticeStatus.FAILED, f"无法连接邮件服务器 {mail.host}:{mail.port}：{error}")
        ] * len(waiting)


def _connect(mail: MailSettings) -> smtplib.SMTP:
    if mail.port == smtplib.SMTP_SSL_PORT:
        server: smtplib.SMTP = smtplib.SMTP_SSL(
            mail.host, mail.port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context()
        )
    else:
        server = smtplib.SMTP(mail.host, mail.port, timeout=TIMEOUT_SECONDS)
        if mail.starttls:
            server.starttls(context=ssl.create_default_context())
    if mail.user:
        server.login(mail.user, mail.password)
    return server


def _send_one(server: smtplib.SMTP, mail: MailSettings, notice: Notice) -> tuple[str, str]:
    recipients = [address for address in notice.recipients if address]
    if not recipients:
        return NoticeStatus.UNSENT, NO_RECIPIENT
    message = EmailMessage(policy=SMTP_POLICY)
    message["From"] = mail.sender
    message["To"] = ", ".join(recipients)
    message["Subject"] = notice.subject
    message.set_content(notice.body)
    try:
        server.send_message(message)
    except smtplib.SMTPException as error:
        return NoticeStatus.FAILED, str(error)
    return NoticeStatus.SENT, ""
