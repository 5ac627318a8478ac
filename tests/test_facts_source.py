"""Facts carry where each fact was read: a ``source`` object (document, line, place) on every
object, read out of the graph's provenance (pdg:sourceDocument / sourceLine / sourcePlace and
the field lines), beside the contract's fields."""
from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from pdf_maker import make_pdf
from pdgraph.cli import main
from pdgraph.graph.facts import contract_fields, facts_from_graph, validate_facts
from pdgraph.graph.ingest import assessment_graphs, ingest

from conftest import EXAMPLES, FIXTURES
from test_golden import _check_json
from test_provenance import EXPECTED, FORM

GOLDEN = FIXTURES / "golden"
DOCUMENTS = sorted(EXAMPLES.glob("*.txt")) + sorted((FIXTURES / "kiso").glob("*.txt"))


def located_objects(facts: dict):
    """(kind, object) for every object that carries a ``source``."""
    yield "assessment", facts["assessment"]
    yield "info_linkage", facts["info_linkage"]
    for system in facts["systems"] or []:
        yield "system", system
    for change in facts["changes"] or []:
        yield "change", change
    for file in facts["files"]:
        yield "file", file
        yield "provision_transfer", file["provision_transfer"]
        for source in file["sources"] or []:
            yield "acquisition", source
        if file["entrustment"] is not None:
            yield "entrustment", file["entrustment"]
            for item in file["entrustment"]["items"]:
                yield "entrustment_item", item
        stack = list(file["provisions"] or []) + list(file["transfers"] or [])
        while stack:
            flow = stack.pop()
            yield "flow", flow
            stack.extend(flow.get("breakdown") or [])


@pytest.fixture(scope="module")
def facts_of(tmp_path_factory) -> dict[str, dict]:
    out = tmp_path_factory.mktemp("facts")
    result = CliRunner().invoke(main, ["facts", *map(str, DOCUMENTS), "-o", str(out), "-q", "-j", "1"])
    assert result.exit_code == 0, result.output
    return {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(out.glob("*.json"))}


def test_every_object_says_where_it_was_read(facts_of):
    kinds = set()
    for stem, facts in facts_of.items():
        lines = (next(p for p in DOCUMENTS if p.stem == stem)).read_text(encoding="utf-8").splitlines()
        assert facts["source"] == f"{stem}.txt"  # the top-level key stays the document's name
        for kind, obj in located_objects(facts):
            assert "source" in obj, (stem, kind)
            where = obj["source"]
            if where is None:
                continue
            kinds.add(kind)
            assert where["document"] == facts["source"] and 1 <= where["line"] <= len(lines), (stem, kind)
            # text read line by line: the line is the place; a text of page-long lines adds the column
            assert where["place"] is None or re.fullmatch(r"L\d+:c\d+", where["place"]), (stem, kind, where)
    assert kinds >= {"assessment", "info_linkage", "system", "change", "file", "provision_transfer", "acquisition",
                     "entrustment", "entrustment_item", "flow"}


def test_the_line_is_where_the_object_starts(facts_of):
    """The line holds the object's heading or its own text (a file's name, a flow's 提供先k / recipient);
    where a label and its value stand on separate lines, the value follows within two lines."""
    checked = 0
    for stem, facts in facts_of.items():
        lines = (next(p for p in DOCUMENTS if p.stem == stem)).read_text(encoding="utf-8").splitlines()
        for kind, obj in located_objects(facts):
            if obj.get("source") is None:
                continue
            text = " ".join(lines[obj["source"]["line"] - 1:obj["source"]["line"] + 2])
            if kind == "file" and obj["name"]:
                assert obj["name"][:6] in text, (stem, text)
            elif kind == "flow" and obj["recipient"]:
                assert obj["recipient"][:4] in text, (stem, obj["recipient"], text)
            elif kind == "entrustment_item":
                assert "委託事項" in text, (stem, text)
            elif kind == "provision_transfer":
                assert "提供・移転の有無" in text, (stem, text)
            elif kind == "system":
                assert "システム" in text, (stem, text)
            else:
                continue
            checked += 1
    assert checked > 50


def locations(value, path: str = "") -> dict[str, str | None]:
    """Every nested ``source`` of a facts file by the path of its object: ``"files[0].provisions[1]":
    "158"`` (line, then the place when there is one)."""
    found: dict[str, str | None] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "source" and path:
                found[path] = None if item is None else " ".join(str(v) for v in (item["line"], item["place"]) if v)
            elif isinstance(item, (dict, list)):
                found.update(locations(item, f"{path}.{key}" if path else key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.update(locations(item, f"{path}[{index}]"))
    return found


@pytest.mark.parametrize("stem", [p.stem for p in DOCUMENTS if (GOLDEN / f"{p.stem}.facts.json").exists()])
def test_sources_golden(stem, facts_of, update_golden):
    """The line of every object of the examples, pinned (the golden facts hold the contract's fields)."""
    facts = facts_of[stem]
    _check_json(GOLDEN / f"{stem}.sources.json", locations(facts), update_golden)
    golden = json.loads((GOLDEN / f"{stem}.facts.json").read_text(encoding="utf-8"))
    assert contract_fields(facts) == golden  # the contract's fields are those of the golden facts


def test_the_library_gives_the_contract_alone_unless_asked(seed_ingested):
    for graph in assessment_graphs(seed_ingested.dataset):
        plain, located = facts_from_graph(graph), facts_from_graph(graph, sources=True)
        assert locations(plain) == {} and plain == contract_fields(located)
        assert locations(located) and None not in (located["assessment"]["source"], located["files"][0]["source"])


def test_the_schema_checks_a_source_and_lets_it_out(facts_of):
    facts = next(iter(facts_of.values()))
    validate_facts(facts)
    bare = json.loads(json.dumps(facts))
    del bare["assessment"]["source"]
    validate_facts(bare)  # a facts file of the contract alone stays valid
    for bad in ({"document": "a.txt", "line": 0, "place": None}, {"document": "a.txt", "line": 3},
                {"document": "a.txt", "line": 3, "place": "page 2"}, {"document": "a.txt", "line": 3, "place": None,
                                                                      "column": 4}, "a.txt:3"):
        broken = copy.deepcopy(facts)
        broken["assessment"]["source"] = bad
        with pytest.raises(jsonschema.ValidationError):
            validate_facts(broken)


def test_pdf_facts_carry_page_and_line(tmp_path):
    pdf = make_pdf(tmp_path / "city.pdf", FORM, header="児童手当事務 重点項目評価書")
    out = tmp_path / "facts"
    assert CliRunner().invoke(main, ["facts", str(pdf), "-o", str(out), "-q"]).exit_code == 0
    facts = json.loads((out / "city.json").read_text(encoding="utf-8"))
    file = facts["files"][0]
    places = {"system": facts["systems"][0]["source"], "file": file["source"],
              "provision_transfer": file["provision_transfer"]["source"], "flow": file["provisions"][0]["source"]}
    for name, where in places.items():
        assert where["document"] == "city.pdf" and where["place"] == EXPECTED[name], name
    assert facts["assessment"]["source"]["place"] == "p1:L2"


def test_the_api_gives_sources_when_asked(seed_ingested):
    import pdgraph

    plain, located = pdgraph.facts(seed_ingested), pdgraph.facts(seed_ingested, sources=True)
    assert [contract_fields(f) for f in located] == plain and all(locations(f) == {} for f in plain)
    assert all(f["files"][0]["source"]["document"] == f["source"] for f in located)
