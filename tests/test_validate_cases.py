"""Shape cases: a small document in (tests/fixtures/validate/base.txt, edited), exactly the listed findings out.

The cases live in tests/fixtures/validate/cases.yaml (base.txt, a 重点項目評価書, unless a case
names another base: base_kiso.txt, a 基礎項目評価書); the helpers here (load the
cases, apply their edits, find expected lines) are also used by the engine and
mutation tests.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from pdgraph.conformance import load_shapes, validate_paths

CASES_DIR = Path(__file__).resolve().parent / "fixtures" / "validate"


def find_once(text: str, snippet: str) -> int:
    """Offset of a snippet that must occur exactly once."""
    count = text.count(snippet)
    assert count == 1, f"{snippet!r} occurs {count} times, expected once"
    return text.index(snippet)


def line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def line_of(text: str, snippet: str) -> int:
    """1-based line where the (unique) snippet starts."""
    return line_at(text, find_once(text, snippet))


def apply_edits(text: str, edits: list[dict]) -> str:
    """Apply replace / delete_line / delete_block edits (see cases.yaml)."""
    for edit in edits:
        if "replace" in edit:
            old, new = edit["replace"]
            find_once(text, old)
            text = text.replace(old, new)
        elif "delete_line" in edit:
            lines = text.split("\n")
            del lines[line_of(text, edit["delete_line"]) - 1]
            text = "\n".join(lines)
        elif "delete_block" in edit:
            start, end = edit["delete_block"]
            lines = text.split("\n")
            first = line_of(text, start)
            stop = line_of(text, end) if end else len(lines) + 1
            del lines[first - 1:stop - 1]
            text = "\n".join(lines)
        else:
            raise ValueError(f"unknown edit {edit}")
    return text


@dataclass
class Case:
    id: str
    shapes: list[str]
    text: str
    expect: list[tuple[str, str, int, object]]  # (shape, severity, line, value or ...)


def load_cases() -> list[Case]:
    spec = yaml.safe_load((CASES_DIR / "cases.yaml").read_text(encoding="utf-8"))
    bases: dict[str, str] = {}
    cases = []
    for raw in spec["cases"]:
        name = raw.get("base", spec["base"])  # a case may start from another base document
        if name not in bases:
            bases[name] = (CASES_DIR / name).read_text(encoding="utf-8")
        text = apply_edits(bases[name], raw["edits"])
        expect = [(e["shape"], e["severity"], line_of(text, e["line_of"]), e.get("value", ...))
                  for e in raw["expect"]]
        cases.append(Case(raw["id"], raw["shapes"], text, expect))
    return cases


CASES = load_cases()


def findings_of(report) -> list[tuple[str, str, int | None, object]]:
    return sorted((f.shape_name, f.severity.value, f.source.line, f.value) for f in report.findings)


def run_case(case: Case, tmp_path: Path, engine: str | None = None):
    path = tmp_path / f"{case.id}.txt"
    path.write_text(case.text, encoding="utf-8")
    report = validate_paths([path], engine=engine, jobs=1)
    assert not report.problems, report.problems
    return report


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case, tmp_path):
    report = run_case(case, tmp_path)
    got = findings_of(report)
    assert [g[:3] for g in got] == sorted(e[:3] for e in case.expect)
    for shape, severity, line, value in case.expect:
        if value is not ...:
            assert (shape, severity, line, value) in got
    for finding in report.findings:  # every finding is located in the document it came from
        assert finding.source.document == f"{case.id}.txt"


def test_every_shape_has_a_failing_and_a_passing_document_case():
    shapes = {info.iri.rsplit("#", 1)[1] for info in load_shapes().info.values()}
    failing = {e[0] for case in CASES for e in case.expect}
    passing = {s for case in CASES for s in case.shapes if s not in {e[0] for e in case.expect}}
    assert shapes - failing == set(), "shapes without a failing case"
    assert shapes - passing == set(), "shapes without a passing case"
    assert {s for case in CASES for s in case.shapes} <= shapes, "cases name unknown shapes"


def test_lost_pages_and_template_slots_give_no_violation(tmp_path):
    for case in CASES:
        if case.id.endswith("-lost") or case.id in ("lost-second-half", "template-slots-are-not-flows"):
            report = run_case(case, tmp_path)
            assert not [f for f in report.findings if f.severity.value == "Violation"], case.id


def test_case_edits_are_checked():
    with pytest.raises(AssertionError):
        apply_edits("a\nb\n", [{"replace": ["x", "y"]}])
    with pytest.raises(AssertionError):
        apply_edits("a\na\n", [{"delete_line": "a"}])
    assert apply_edits("a\nb\nc\nd", [{"delete_block": ["b", "d"]}]) == "a\nd"
    assert apply_edits("a\nb\nc", [{"delete_block": ["b", None]}]) == "a"
