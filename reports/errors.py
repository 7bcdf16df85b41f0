"""The one error that report rendering raises.

Every failure a user can fix — a missing Chinese font, an output folder that
cannot be written, a template that reaches outside the templates folder — is
raised as `ReportError` with one line of Chinese that says what to do, so the
CLI and the flows can show it as is instead of a WeasyPrint traceback.
"""

from __future__ import annotations


class ReportError(Exception):
    """A report could not be rendered; the message says how to fix it."""
