"""The public API (`import pdgraph`) and the README's example of it, run as written."""
from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

import pytest

import pdgraph

ROOT = Path(__file__).resolve().parents[1]


def readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- api-example -->\n```python\n(.*?)```", text, re.S)
    assert match, "README.md lost its api-example block"
    return match.group(1)


def test_readme_example_runs(monkeypatch):
    monkeypatch.chdir(ROOT)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(readme_example(), "README.md:api-example", "exec"), {})
    lines = out.getvalue().splitlines()
    assert lines[0] == "練馬区長 重点項目評価書"
    assert lines[1].startswith("True ")
    assert re.match(r"\d+ recipients;", lines[2]) and int(lines[2].split()[0]) > 0
    assert lines[3] == "True"


def test_api_names_are_exported():
    for name in pdgraph.__all__:
        assert getattr(pdgraph, name) is not None, name
    with pytest.raises(AttributeError):
        pdgraph.no_such_thing  # noqa: B018


def test_api_reports_bad_sources_without_raising(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\xfa not text")
    result = pdgraph.ingest([bad, ROOT / "examples" / "003_f2d2f4201ce28b38.txt"])
    assert len(result.problems) == 1 and "bad.txt" in result.problems[0].message
    assert len(pdgraph.facts(result)) == 1
    report = pdgraph.validate(result)
    assert [p.path for p in report.problems] == [str(bad)]


def test_read_assessment_gives_records():
    record = pdgraph.read_assessment(ROOT / "examples" / "003_f2d2f4201ce28b38.txt")
    assert isinstance(record, pdgraph.Assessment)
    assert record.organization == "練馬区長"


# --------------------------------------------------------------------------- docs/api.md

def api_doc_blocks() -> list[tuple[str, str | None]]:
    """Each ```python block of docs/api.md with the ```text block that follows it (its output)."""
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(python|text)\n(.*?)```", text, re.S)
    pairs = []
    for index, (kind, code) in enumerate(blocks):
        if kind == "python":
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            pairs.append((code, following[1] if following and following[0] == "text" else None))
    return pairs


def test_api_doc_examples_run_and_print_what_they_show(monkeypatch):
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    pairs = api_doc_blocks()
    assert len(pairs) >= 7
    for number, (code, expected) in enumerate(pairs, start=1):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, f"docs/api.md:block {number}", "exec"), namespace)
        if expected is not None:
            assert out.getvalue() == expected, f"docs/api.md block {number}"


def test_api_doc_lists_every_public_function():
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for name in pdgraph.__all__:
        if name[0].islower() and not name.startswith("__"):
            assert f"pdgraph.{name}(" in text, name
