"""The user documentation stays true to the code: formats, samples, canonical tables, CLI examples, README."""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

import pytest
from typer.models import CommandInfo

from diversion.cli import app
from diversion.ingest.registry import ADAPTERS
from diversion.model.schema import TABLES

REPO = Path(__file__).resolve().parents[1]
FORMATS_DOC = REPO / "docs" / "formats.md"
README = REPO / "README.md"

SAMPLE_PATH = re.compile(r"data/samples/[\w./-]*")
INGEST_EXAMPLE = re.compile(r"^diversion ingest (data/samples/\S+)$", re.MULTILINE)


def formats_text() -> str:
    return FORMATS_DOC.read_text(encoding="utf-8")


def headings(text: str) -> list[str]:
    """The level-2 headings of a Markdown text, as written."""
    return [line[3:].strip() for line in text.splitlines() if line.startswith("## ")]


def section(text: str, heading: str) -> str:
    """The text under a level-2 heading, up to the next level-2 heading."""
    lines = text.splitlines()
    start = lines.index(f"## {heading}") + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    return "\n".join(lines[start:end])


@pytest.mark.parametrize("adapter", ADAPTERS, ids=lambda a: a.FORMAT)
def test_every_format_has_its_section(adapter: ModuleType) -> None:
    assert adapter.FORMAT in headings(formats_text()), f"docs/formats.md lacks '## {adapter.FORMAT}'"


@pytest.mark.parametrize("adapter", ADAPTERS, ids=lambda a: a.FORMAT)
def test_every_format_section_has_an_example_on_a_sample(adapter: ModuleType) -> None:
    body = section(formats_text(), adapter.FORMAT)
    examples = INGEST_EXAMPLE.findall(body)
    assert examples, f"section {adapter.FORMAT} has no 'diversion ingest data/samples/...' example"
    for path in examples:
        assert (REPO / path).exists(), f"section {adapter.FORMAT}: no such sample {path}"


def test_every_sample_path_mentioned_exists() -> None:
    mentioned = {match.rstrip(".") for match in SAMPLE_PATH.findall(formats_text())}
    assert mentioned
    missing = sorted(path for path in mentioned if not (REPO / path).exists())
    assert not missing, f"docs/formats.md names samples that do not exist: {missing}"


def test_every_canonical_table_is_documented() -> None:
    canonical = section(formats_text(), "Canonical tables")
    missing = [name for name in TABLES if f"`{name}`" not in canonical]
    assert not missing, f"the Canonical tables section lacks {missing}"


def test_the_declarations_header_is_documented_exactly() -> None:
    from diversion.ingest.declarations_csv import COLUMNS

    assert ",".join(COLUMNS) in section(formats_text(), "declarations.csv")


def test_hs_codes_and_countries_section_exists() -> None:
    assert "HS codes and countries" in headings(formats_text())


def test_the_cli_has_commands() -> None:
    assert app.registered_commands


@pytest.mark.parametrize("command", app.registered_commands, ids=lambda c: command_name(c))
def test_every_cli_command_has_an_example(command: CommandInfo) -> None:
    assert command.callback is not None
    doc = command.callback.__doc__ or ""
    assert "Example: diversion" in doc, f"command {command_name(command)} has no 'Example: diversion'"


def command_name(command: CommandInfo) -> str:
    return command.name or getattr(command.callback, "__name__", "?")


def test_readme_mentions_make_demo_and_make_test() -> None:
    text = README.read_text(encoding="utf-8")
    assert "make demo" in text
    assert "make test" in text


def test_every_detector_is_documented_with_its_parameters() -> None:
    from diversion.detect import DETECTORS

    text = (Path(__file__).resolve().parents[1] / "docs" / "detectors.md").read_text(encoding="utf-8")
    for detector in DETECTORS:
        section = text.split(f"## {detector.name}\n", 1)
        assert len(section) == 2, f"docs/detectors.md has no section for {detector.name}"
        body = section[1].split("\n## ", 1)[0]
        for name, _, _ in detector.parameters():
            assert f"`{name}`" in body or f"`{name}`," in body or name in body, (detector.name, name)
