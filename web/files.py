"""Which generated files (PDF, XLSX under the output folder) a signed-in user may download.

Downloads are named by their path relative to the output folder and served
only if that exact path is in the listing, so `../` or an absolute path can
never reach another file. Agencies get the files naming one of their
projects; donors the statements naming them; staff and admins every file.
"""

from __future__ import annotations

from pathlib import Path

from models.status import Role

SUFFIXES = {".pdf", ".xlsx"}


def list_output_files(output_dir: Path) -> list[str]:
    """List the downloadable files under the output folder, newest first."""
    root = Path(output_dir)
    if not root.is_dir():
        return []
    found = [p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES]
    found.sort(key=lambda p: (p.stat().st_mtime, str(p)), reverse=True)
    return [p.relative_to(root).as_posix() for p in found]


def can_download(name: str, *, role: Role, owned_titles: list[str], person: str) -> bool:
    """Tell whether a user of this role, with these projects or this name, may fetch a file."""
    if role in (Role.STAFF, Role.ADMIN):
        return True
    base = Path(name).name
    if role == Role.AGENCY:
        return any(title and title in base for title in owned_titles)
    if role == Role.DONOR:
        return bool(person) and person in base
    if role == Role.EVALUATOR:
        return "月度评估" in base or "评审" in base
    return False
