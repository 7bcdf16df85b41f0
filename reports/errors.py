"""The errors that report rendering raises.

Every failure a user can fix — a missing Chinese font, an output folder that
cannot be written, a template that reaches outside the templates folder — is
raised as `ReportError` with one line of Chinese that says what to do, so the
CLI and the flows can show it as is instead of a WeasyPrint traceback.

A batch renders every document even when one fails (`reports.batch`); it
then names each one that failed, and why, in `DocumentFailure`s, and raises
`BatchFailed` only when asked for the written paths alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class ReportError(Exception):
    """A report could not be rendered; the message says how to fix it."""


@dataclass(frozen=True)
class DocumentFailure:
    """One document of a batch that was not written, and why (one line of Chinese)."""

    target: Path
    reason: str

    def __str__(self) -> str:
        return f"{self.target.name}：{self.reason}"


class BatchFailed(ReportError):
    """Some documents of a batch failed; the others were written all the same."""

    def __init__(self, failures: tuple[DocumentFailure, ...], written: tuple[Path, ...]) -> None:
        self.failures = failures
        self.written = written
        super().__init__(
            f"{len(failures)} 份 PDF 未能生成（其余 {len(written)} 份已写出）："
            + "；".join(str(failure) for failure in failures)
        )

    def __reduce__(self) -> tuple[type[BatchFailed], tuple[object, ...]]:
        # A worker process hands the error back pickled; rebuild it from its parts.
        return (BatchFailed, (self.failures, self.written))
