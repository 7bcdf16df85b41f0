"""Moved to `services.proposal_template` (the proposal template is a document, not a flow).

Kept so `cli/proposal.py` imports as before until it imports
`services.proposal_template.write_template`; see /work/notes/cli-h5.md.
"""

from __future__ import annotations

from services.proposal_template import TEMPLATE_COLUMNS, TEMPLATE_NOTES, write_template

__all__ = ["TEMPLATE_COLUMNS", "TEMPLATE_NOTES", "write_template"]
