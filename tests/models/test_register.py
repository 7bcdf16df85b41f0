"""The document register's rules: what a run does with a document, decided from its latest row."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pytest

from models.register import (
    CHANGED_INPUTS,
    Action,
    Latest,
    RegisterError,
    inputs_digest,
    plan_document,
    version_label,
    versioned_path,
)


@dataclass(frozen=True)
class _Context:
    title: str
    as_of: date
    rows: tuple[int, ...]


CONTEXT = _Context("街道月度汇总", date(2026, 6, 30), (1, 2, 3))
DIGEST = inputs_digest("reports/street_summary.html", CONTEXT)
LATEST = Latest(1, "2026-06/汇总.pdf", "a" * 64, DIGEST)


def test_the_same_inputs_always_give_the_same_digest_and_any_change_a_new_one() -> None:
    assert inputs_digest("reports/street_summary.html", replace(CONTEXT)) == DIGEST
    assert inputs_digest("reports/street_summary.html", replace(CONTEXT, rows=(1, 2, 4))) != DIGEST
    assert inputs_digest("reports/other.html", CONTEXT) != DIGEST


def test_a_document_never_rendered_gets_its_first_version_at_its_path() -> None:
    plan = plan_document(None, path="2026-06/汇总.pdf", digest=DIGEST, file_sha256=None)
    assert (plan.action, plan.version, plan.path, plan.adds_row) == (
        Action.RENDER,
        1,
        "2026-06/汇总.pdf",
        True,
    )


def test_rendering_again_from_the_same_inputs_with_the_file_in_place_does_nothing() -> None:
    plan = plan_document(LATEST, path=LATEST.path, digest=DIGEST, file_sha256="a" * 64)
    assert plan.action == Action.SKIP and not plan.renders


@pytest.mark.parametrize("on_disk", [None, "b" * 64])
def test_a_missing_or_changed_file_is_rendered_again_at_the_same_version(
    on_disk: str | None,
) -> None:
    plan = plan_document(LATEST, path=LATEST.path, digest=DIGEST, file_sha256=on_disk)
    assert (plan.action, plan.version, plan.path, plan.adds_row) == (
        Action.RESTORE,
        1,
        LATEST.path,
        False,
    )


def test_new_inputs_give_a_published_document_a_second_version_beside_the_first() -> None:
    plan = plan_document(LATEST, path=LATEST.path, digest="c" * 64, file_sha256="a" * 64)
    assert (plan.action, plan.version, plan.path, plan.reason) == (
        Action.NEW_VERSION,
        2,
        "2026-06/汇总（第2版）.pdf",
        CHANGED_INPUTS,
    )
    later = Latest(2, plan.path, "d" * 64, "c" * 64)
    third = plan_document(later, path=LATEST.path, digest="e" * 64, file_sha256=None, reason="更正")
    assert (third.version, third.path, third.reason) == (3, "2026-06/汇总（第3版）.pdf", "更正")


def test_a_draft_with_new_inputs_is_written_again_in_place() -> None:
    plan = plan_document(LATEST, path=LATEST.path, digest="c" * 64, file_sha256=None, draft=True)
    assert (plan.action, plan.version, plan.path) == (Action.REWRITE, 1, LATEST.path)


@pytest.mark.parametrize("path", ["/etc/passwd", "../x.pdf", "a/../../x.pdf", ""])
def test_a_path_leaving_the_output_folder_is_refused(path: str) -> None:
    with pytest.raises(RegisterError):
        plan_document(None, path=path, digest=DIGEST, file_sha256=None)


def test_versions_are_labelled_from_the_second_on() -> None:
    assert version_label(1) == "" and version_label(2) == "第2版"
    assert versioned_path("a/b.pdf", 1) == "a/b.pdf"
