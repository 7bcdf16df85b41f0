"""A hostile demo run: personal data and HTML planted in every input channel never reach a PDF.

The demo data is copied and every channel it reads is given whole phone numbers
(13955501235, tel13955501235, 138.1234.5670, fullwidth digits), whole 身份证
numbers (ID340302195001011235, 110101 19900307 7779), the names of people the
system knows (a need's contact, an action item's 责任人, an objector) and
`<script>` / `<img>` payloads (see `tests.flows.hostile_plant`). The whole
cycle then runs once, and every PDF under the output folder is read with
pdftotext: whole phones, whole IDs and planted names must all count 0, and no
document may be refused for want of masking (the run reports none failed).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest

from flows.demo.demo_cycle import demo_cycle
from tests.builders import DEMO_DIR
from tests.flows.hostile_plant import Leaks, count_leaks, plant_demo

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]


def _kind(pdf: Path) -> str:
    """The document kind: the file name without its dates, numbers and project title."""
    stem = pdf.stem
    head = re.split(r"[-_（(]|\d", stem, maxsplit=1)[0]
    return head or stem


def _pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_planted_personal_data_reaches_no_pdf(database_url: str, tmp_path: Path) -> None:
    data = tmp_path / "demo"
    shutil.copytree(DEMO_DIR, data)
    plant_demo(data)

    summary = demo_cycle(str(data))

    # Nothing planted was refused at intake, and no document was held back by the privacy scan.
    assert summary.selection.selection.approved == 22
    assert summary.evaluation.errors == () and summary.evaluation.failed_pdfs == ()
    assert summary.monitoring.midterm.failed_pdfs == ()  # type: ignore[union-attr]
    assert summary.monitoring.minutes.errors == ()  # type: ignore[union-attr]
    assert summary.monitoring.minutes.action_items == 4  # type: ignore[union-attr]
    assert summary.closing.close.errors == ()  # type: ignore[union-attr]
    assert summary.selection.conclusion.objections == 1

    output = Path(os.environ["GONGYI_OUTPUT_DIR"])
    pdfs = sorted(output.rglob("*.pdf"))
    assert len(pdfs) > 60
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    leaks: list[tuple[str, Leaks]] = []
    payloads_shown = 0
    for pdf in pdfs:
        text = _pdf_text(pdf)
        found = count_leaks(text)
        row = by_kind[_kind(pdf)]
        row[0] += 1
        for i, value in enumerate((found.phones, found.ids, found.names, found.scripts), 1):
            row[i] += value
        if (found.phones, found.ids, found.names) != (0, 0, 0):
            leaks.append((str(pdf.relative_to(output)), found))
        # A payload escaped by the templates is drawn as its own text; had it been read as
        # markup, its <script> tag would be dropped and leave no trace. (A text shortened
        # for an excerpt may cut the payload after its tag, so the tag is what is counted.)
        payloads_shown += "".join(text.split()).lower().count("<script>")
    report = {
        kind: dict(zip(("pdfs", "phones", "ids", "names", "script"), row, strict=True))
        for kind, row in sorted(by_kind.items())
    }
    (tmp_path / "hostile-counts.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    print(json.dumps(report, ensure_ascii=False, indent=1))
    for where, found in leaks:
        print("LEAK", where, found)
    assert leaks == []
    assert sum(row[1] for row in by_kind.values()) == 0
    assert sum(row[2] for row in by_kind.values()) == 0
    assert sum(row[3] for row in by_kind.values()) == 0
    # `<script` appears only as escaped, visible text: its tag drawn whole, never swallowed.
    assert sum(row[4] for row in by_kind.values()) == payloads_shown
