"""Which generated files a signed-in user may download: see `services.documents`.

Kept as the portal's name for the output folder's listing (the officer's pages use it).
"""

from __future__ import annotations

from services.documents import SUFFIXES, can_download, list_output_files

__all__ = ["SUFFIXES", "can_download", "list_output_files"]
