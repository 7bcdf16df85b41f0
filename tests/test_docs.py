"""The documents keep their promises: the commands and settings they show exist, their links resolve.

- Every `gongyi …` command in README.md and docs/*.md (a line of a code block, or an inline code span, that
  starts with `gongyi`) names command groups and commands the CLI has: its `--help` answers.
- Every setting of `settings.Settings` is documented in README.md's settings table as
  `GONGYI_<NAME>`, and every `GONGYI_*` name the README shows is a setting or one of the few
  variables read outside `Settings`.
- Every relative link in README.md and docs/*.md resolves to a file inside the repository, and
  its `#anchor`, if any, to a heading of that file.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from settings import Settings

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = [README, *sorted((ROOT / "docs").glob("*.md"))]

# Read from the environment outside Settings: by prefect.yaml's pull step and by the tests.
NOT_SETTINGS = {"GONGYI_PROJECT_DIR", "GONGYI_TEST_REQUIRE_POSTGRES", "GONGYI_TEST_POSTGRES_URL"}

_FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
_INLINE = re.compile(r"(?<!`)`([^`]+)`(?!`)")
_WORD = re.compile(r"[a-z][a-z0-9-]*")


def _command_lines(markdown: str) -> list[str]:
    """Lines of code blocks and inline code spans that run `gongyi`."""
    blocks = [line for block in _FENCE.findall(markdown) for line in block.splitlines()]
    prose = _FENCE.sub("", markdown)
    spans = [" ".join(span.split()) for span in _INLINE.findall(prose)]
    found = []
    for text in [*blocks, *spans]:
        text = text.strip().removeprefix("$ ")
        first, _, rest = text.partition(" ")
        if first == "gongyi" or first.endswith("/gongyi"):
            found.append(f"gongyi {rest.split('#')[0]}".strip())
    return found


def _command_words(line: str) -> list[list[str]]:
    """The leading words of a command line, one list per `a|b` alternative.

    Words stop at the first option, placeholder or argument (`--cycle`, `…`, `ID`, `[`,
    a file name, Chinese text); `add|close` stands for both commands.
    """
    paths: list[list[str]] = [[]]
    for token in line.split()[1:]:
        choices = token.split("|")
        if not all(_WORD.fullmatch(choice) for choice in choices):
            break
        paths = [[*path, choice] for path in paths for choice in choices]
    return paths


@cache
def _root() -> Any:
    """The click command behind `gongyi` (Typer keeps its own copy of click)."""
    from cli import app

    return typer.main.get_command(app)


def _subcommands(command: Any) -> dict[str, Any] | None:
    """A group's commands by name; None for a command that is not a group."""
    if not hasattr(command, "list_commands"):
        return None
    context = command.context_class(command)
    return {name: command.get_command(context, name) for name in command.list_commands(context)}


def _resolve(words: list[str]) -> list[str]:
    """Follow the words down the command tree; return the command path they name.

    A word under a group must be one of its commands; words after a command (not a group)
    are its arguments.
    """
    command = _root()
    path: list[str] = []
    for word in words:
        commands = _subcommands(command)
        if commands is None:
            break
        if word not in commands:
            known = ", ".join(sorted(commands))
            raise AssertionError(f"`gongyi {' '.join([*path, word])}`: no such command ({known})")
        command, path = commands[word], [*path, word]
    return path


def _commands(docs: list[Path]) -> list[list[str]]:
    """The command words of every `gongyi …` line in these documents, each once."""
    words = {
        tuple(path)
        for doc in docs
        for line in _command_lines(doc.read_text(encoding="utf-8"))
        for path in _command_words(line)
    }
    return [list(path) for path in sorted(words)]


def test_the_readme_shows_commands_of_every_group():
    """The parser finds the commands: a parser that finds none would pass every check below."""
    groups = {path[0] for path in _commands([README]) if path}
    assert {"needs", "fund", "call", "selection", "monitor", "cycle", "users"} <= groups


@pytest.mark.parametrize("words", _commands(DOCS), ids=lambda words: " ".join(words) or "-")
def test_every_command_in_the_readme_exists(words):
    """Every `gongyi …` command the README (or docs/) shows answers `--help`."""
    from cli import app

    path = _resolve(words)
    result = CliRunner().invoke(app, [*path, "--help"], prog_name="gongyi")
    assert result.exit_code == 0, result.output
    assert "Usage: gongyi" in result.output


def test_a_command_that_does_not_exist_is_caught():
    """The check above can fail: an unknown group word is refused, an argument is not."""
    with pytest.raises(AssertionError, match="no such command"):
        _resolve(["needs", "summarise-everything"])
    assert _command_words("gongyi monitor action add|close --item 3") == [
        ["monitor", "action", "add"],
        ["monitor", "action", "close"],
    ]
    assert _resolve(["needs", "split", "17"]) == ["needs", "split"]


def _settings_table(markdown: str) -> str:
    """The README's `## Settings` section."""
    match = re.search(r"^## Settings\n(.*?)(?=^## )", markdown, re.MULTILINE | re.DOTALL)
    assert match, "README.md has no `## Settings` section"
    return match.group(1)


def test_every_setting_is_in_the_readmes_settings_table():
    rows = [
        line
        for line in _settings_table(README.read_text(encoding="utf-8")).splitlines()
        if line.startswith("|")
    ]
    documented = {name for row in rows for name in re.findall(r"`(GONGYI_[A-Z0-9_]+)`", row)}
    settings = {f"GONGYI_{name.upper()}" for name in Settings.model_fields}
    assert Settings.model_config["env_prefix"] == "GONGYI_"
    assert settings - documented == set(), "settings missing from README.md's settings table"


def test_every_gongyi_variable_the_docs_name_exists():
    settings = {f"GONGYI_{name.upper()}" for name in Settings.model_fields}
    for doc in DOCS:
        named = set(re.findall(r"\bGONGYI_[A-Z0-9_]*[A-Z0-9]\b", doc.read_text(encoding="utf-8")))
        assert named - settings - NOT_SETTINGS == set(), (
            f"{doc.relative_to(ROOT)} names variables gongyi does not read"
        )


_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = heading.strip().lower()
    kept = "".join(c for c in text if c in " -_" or unicodedata.category(c)[0] in ("L", "N", "M"))
    return kept.replace(" ", "-")


def _anchors(markdown: str) -> set[str]:
    body = _FENCE.sub("", markdown)
    return {_anchor(h) for h in re.findall(r"^#{1,6} (.+)$", body, re.MULTILINE)}


def _links(doc: Path) -> list[str]:
    body = _FENCE.sub("", doc.read_text(encoding="utf-8"))
    body = re.sub(r"`[^`]*`", "", body)
    return _LINK.findall(body)


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: str(doc.relative_to(ROOT)))
def test_every_relative_link_resolves_inside_the_repository(doc):
    broken = []
    for link in _links(doc):
        if re.match(r"^[a-z][a-z0-9+.-]*:", link):  # http:, https:, mailto:
            continue
        target_text, _, fragment = link.partition("#")
        target = (doc.parent / target_text).resolve() if target_text else doc
        if not target.is_relative_to(ROOT) or not target.exists():
            broken.append(f"{link}: no such file in the repository")
        elif (
            fragment
            and target.suffix == ".md"
            and fragment not in _anchors(target.read_text(encoding="utf-8"))
        ):
            broken.append(f"{link}: no heading with that anchor")
    assert broken == [], f"{doc.relative_to(ROOT)}: " + "; ".join(broken)


SOURCE_ROOTS = {
    "models", "store", "services", "flows", "reports", "templates", "web", "cli", "tests",
    "benchmarks", "demo", "data", "docs",
}  # fmt: skip


def _named_files(doc: Path) -> list[str]:
    """Paths inside the repository that a document names in inline code (`flows/x/y.py`)."""
    body = _FENCE.sub("", doc.read_text(encoding="utf-8"))
    tokens = [token for span in _INLINE.findall(body) for token in span.split()]
    return [
        token.split(":")[0]
        for token in tokens
        if re.fullmatch(r"[\w.-]+(/[\w.-]+)+/?(:\w+)?", token)
        and token.split("/")[0] in SOURCE_ROOTS
    ]


def _exists(name: str) -> bool:
    """A file or folder, or `package/module.attribute` naming something in a module."""
    module, _, _attribute = name.rpartition(".")
    return (ROOT / name).exists() or (ROOT / f"{module}.py").exists()


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: str(doc.relative_to(ROOT)))
def test_every_file_the_docs_name_exists(doc):
    """A file that moved leaves no stale path behind in the README or docs/."""
    assert [name for name in _named_files(doc) if not _exists(name)] == []


_DOTTED = re.compile(r"(?:models|store|services|flows|reports|web|cli|settings)(?:\.\w+)+")


def _dotted_names(doc: Path) -> list[str]:
    """Modules and their functions a document names in inline code (`store.fund.add_ledger_entry`)."""
    body = _FENCE.sub("", doc.read_text(encoding="utf-8"))
    names = [
        re.split(r"[(\[]", token)[0] for span in _INLINE.findall(body) for token in span.split()
    ]
    return [name for name in names if _DOTTED.fullmatch(name) and not name.endswith(".py")]


def _defines(name: str) -> bool:
    """The module part of `name` exists and defines the rest (a function, class or variable)."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        base = ROOT.joinpath(*parts[:cut])
        source = next(
            (f for f in (base.with_suffix(".py"), base / "__init__.py") if f.is_file()), None
        )
        if source is None:
            continue
        rest = parts[cut:]
        if not rest:
            return True
        text = source.read_text(encoding="utf-8")
        return bool(re.search(rf"^\s*(?:async def|def|class) {rest[0]}\b|^{rest[0]}\b", text, re.M))
    return False


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: str(doc.relative_to(ROOT)))
def test_every_module_and_function_the_docs_name_exists(doc):
    """`store.report_intake.file_reports` after the function moved is a stale instruction."""
    assert [name for name in _dotted_names(doc) if not _defines(name)] == []


def test_the_docs_the_readme_points_to_exist():
    links = [link.partition("#")[0] for link in _links(README)]
    for name in ("docs/design.md", "docs/architecture.md", "docs/contributing.md"):
        assert name in links, f"README.md does not link {name}"
    assert not any(".." in Path(link).parts for link in links), "README.md links outside itself"
