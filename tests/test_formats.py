"""`pdgraph build -o FILE`: the RDF format the suffix names (TriG, N-Quads, Turtle of the union,
JSON-LD), each read back by pdgraph into the same named graphs as the TriG."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.compare import to_isomorphic
from rdflib.namespace import RDF

from pdgraph.cli import main
from pdgraph.graph.ingest import ingest
from pdgraph.graph.rdf_guard import check_jsonld
from pdgraph.graph.serialize import DATASET_FORMATS, UnknownFormat, dataset_format, serialize_dataset
from pdgraph.graph.stream import GraphStream, Outcome, each_graph
from pdgraph.graph.vocab import PDG, PREFIXES

from conftest import EXAMPLES, ROOT

SUFFIXES = {name: fmt.suffix for name, fmt in DATASET_FORMATS.items()}


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def docs() -> list[str]:
    return [str(p) for p in sorted(EXAMPLES.glob("*.txt"))]


@pytest.fixture(scope="module")
def written(tmp_path_factory, docs) -> dict[str, Path]:
    """The examples built once into each format (one worker)."""
    out = tmp_path_factory.mktemp("formats")
    files = {}
    for name, suffix in SUFFIXES.items():
        files[name] = out / f"graph{suffix}"
        result = invoke("build", *docs, "-o", files[name], "-j", "1", "-q")
        assert result.exit_code == 0, result.output
    return files


def named_graphs(dataset: Dataset) -> dict[URIRef, Graph]:
    return {g.identifier: g for g in dataset.graphs() if len(g)}


def assert_same_graphs(found: Dataset, expected: Dataset) -> None:
    """Graph by graph, isomorphic; without blank nodes (pdgraph mints none) that is equal sets,
    which is much faster to compare than rdflib's canonical form of 1,000-triple graphs."""
    found_graphs, expected_graphs = named_graphs(found), named_graphs(expected)
    assert sorted(found_graphs) == sorted(expected_graphs)
    for name, graph in expected_graphs.items():
        if any(isinstance(t, BNode) for triple in graph for t in triple):
            assert to_isomorphic(found_graphs[name]) == to_isomorphic(graph), name
        else:
            assert set(found_graphs[name]) == set(graph), name


def trig_dataset(written) -> Dataset:
    return Dataset().parse(written["trig"], format="trig")


# --------------------------------------------------------------------------- choosing the format

@pytest.mark.parametrize("name", list(SUFFIXES))
def test_the_suffix_names_the_format(name):
    assert dataset_format(f"out/graph{SUFFIXES[name]}").name == name
    assert dataset_format(f"GRAPH{SUFFIXES[name].upper()}").name == name


@pytest.mark.parametrize("suffix", [".txt", ".json", ".rdf", ".nt", ""])
def test_an_unknown_suffix_is_refused_naming_the_formats(tmp_path, docs, suffix):
    out = tmp_path / f"graph{suffix}"
    result = invoke("build", docs[0], "-o", out, "-q")
    assert result.exit_code == 2
    assert "names no RDF format" in result.output and str(out) in result.output
    for fmt in DATASET_FORMATS.values():
        assert fmt.name in result.output and fmt.suffix in result.output
    assert not out.exists() and not list(tmp_path.iterdir())  # nothing written, not even a partial file
    with pytest.raises(UnknownFormat):
        dataset_format(out)


def test_format_overrides_the_suffix(tmp_path, docs, written):
    out = tmp_path / "graph.out"
    assert invoke("build", *docs, "-o", out, "--format", "json-ld", "-q").exit_code == 0
    assert out.read_bytes() == written["json-ld"].read_bytes()
    ttl_named_trig = tmp_path / "union.trig"
    assert invoke("build", *docs, "-o", ttl_named_trig, "--format", "turtle", "-q").exit_code == 0
    assert ttl_named_trig.read_bytes() == written["turtle"].read_bytes()


def test_format_needs_an_output_and_a_known_name(tmp_path, docs):
    assert invoke("build", docs[0], "--store", tmp_path / "s", "--format", "turtle").exit_code == 2
    result = invoke("build", docs[0], "-o", tmp_path / "g.trig", "--format", "xml")
    assert result.exit_code == 2 and "json-ld" in result.output


# --------------------------------------------------------------------------- each format, read by others

def test_nquads_and_jsonld_are_the_trig_dataset(written):
    expected = trig_dataset(written)
    assert_same_graphs(Dataset().parse(written["nquads"], format="nquads"), expected)
    assert_same_graphs(Dataset().parse(written["json-ld"], format="json-ld"), expected)


def test_jsonld_carries_the_package_context_inline(written):
    document = json.loads(written["json-ld"].read_text(encoding="utf-8"))
    shipped = json.loads((ROOT / "pdgraph" / "data" / "context.jsonld").read_text(encoding="utf-8"))
    assert document["@context"] == shipped["@context"]
    assert shipped["@context"] == {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    check_jsonld(written["json-ld"], written["json-ld"].read_bytes())  # no remote context: the guard lets it in
    assert [g["@id"] for g in document["@graph"]] == sorted(g["@id"] for g in document["@graph"])


def test_the_shipped_context_reads_compact_documents(tmp_path):
    """Others may take the context file: a document with it inline expands the project prefixes."""
    context = json.loads((ROOT / "pdgraph" / "data" / "context.jsonld").read_text(encoding="utf-8"))
    doc = {**context, "@id": "pid:assessment/x", "@type": "pdg:Assessment", "rdfs:label": "x"}
    graph = Graph().parse(data=json.dumps(doc), format="json-ld")
    assert (URIRef(str(PREFIXES["pid"]) + "assessment/x"), RDF.type, PDG.Assessment) in graph


def test_turtle_is_the_union_with_each_triple_graph_recorded(written):
    expected = trig_dataset(written)
    union = Graph().parse(written["turtle"], format="turtle")
    records = {r for r in union.subjects(PDG.inGraph, None)}
    assert records and all(isinstance(r, BNode) for r in records)
    plain = {t for t in union if t[0] not in records}
    assert plain == {(s, p, o) for s, p, o, _ in expected.quads((None, None, None, None))}
    quads = {(union.value(r, RDF.subject), union.value(r, RDF.predicate), union.value(r, RDF.object), g)
             for r in records for g in union.objects(r, PDG.inGraph)}
    assert quads == set(expected.quads((None, None, None, None)))
    # the reason for recording each triple: a node described differently in two graphs
    by_node: dict = {}
    for s, p, o, g in quads:
        by_node.setdefault(s, {}).setdefault(g, set()).add((p, o))
    assert any(len({frozenset(v) for v in graphs.values()}) > 1 for graphs in by_node.values())


# --------------------------------------------------------------------------- pdgraph reads back what it writes

@pytest.mark.parametrize("name", list(SUFFIXES))
def test_pdgraph_reads_each_format_back_into_the_same_graphs(name, written, tmp_path):
    expected = trig_dataset(written)
    assert_same_graphs(ingest([written[name]]).dataset, expected)  # the rdflib reader (query, the API)
    again = tmp_path / "again.trig"  # the streaming reader (build, facts, validate, map, run)
    assert invoke("build", written[name], "-o", again, "-q").exit_code == 0
    assert again.read_bytes() == written["trig"].read_bytes()


@pytest.mark.parametrize("name", ["nquads", "turtle", "json-ld"])
def test_facts_validate_and_query_agree_on_each_format(name, written, tmp_path):
    def outputs(path: Path, tag: str) -> tuple:
        facts_dir = tmp_path / f"facts-{tag}"
        assert invoke("facts", path, "-o", facts_dir, "-q").exit_code == 0
        facts = {p.name: p.read_text(encoding="utf-8") for p in sorted(facts_dir.iterdir())}
        validated = invoke("validate", path, "-q")
        stats = invoke("query", "stats", path, "--format", "json")
        return facts, validated.exit_code, validated.output, stats.output

    expected = outputs(written["trig"], "trig")
    assert len(expected[0]) == 4
    assert outputs(written[name], name) == expected


def test_a_recorded_turtle_file_by_hand(tmp_path):
    """The reading rule on its own: a recorded triple goes to each graph named, an unrecorded one
    stays in the file's graph, and the records themselves are not kept."""
    path = tmp_path / "hand.ttl"
    path.write_text("""@prefix pdg: <https://w3id.org/pdgraph/ns#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
<urn:x:a> pdg:p <urn:x:b> .
<urn:x:a> pdg:q "free" .
[] rdf:subject <urn:x:a> ; rdf:predicate pdg:p ; rdf:object <urn:x:b> ; pdg:inGraph <urn:g:1> , <urn:g:2> .
""", encoding="utf-8")
    graphs = named_graphs(ingest([path]).dataset)
    a, b = URIRef("urn:x:a"), URIRef("urn:x:b")
    assert set(graphs) == {URIRef("urn:g:1"), URIRef("urn:g:2"), URIRef(path.resolve().as_uri())}
    for name in ("urn:g:1", "urn:g:2"):
        assert set(graphs[URIRef(name)]) == {(a, PDG.p, b)}
    assert set(graphs[URIRef(path.resolve().as_uri())]) == {(a, PDG.q, graphs[URIRef(path.resolve().as_uri())]
                                                             .value(a, PDG.q))}
    # the streaming reader (Oxigraph) splits the same way
    seen = {}
    for event in each_graph(GraphStream(ntriples=True), [str(path)], jobs=1):
        if isinstance(event, Outcome):
            seen[event.name] = event.ntriples.decode("utf-8")
    assert sorted(seen) == sorted(str(n) for n in graphs)
    assert seen["urn:g:1"] == seen["urn:g:2"] == "<urn:x:a> <https://w3id.org/pdgraph/ns#p> <urn:x:b> .\n"
    assert "rdf-syntax-ns#subject" not in seen[path.resolve().as_uri()]


# --------------------------------------------------------------------------- deterministic bytes

@pytest.mark.parametrize("name", ["turtle", "json-ld"])
def test_the_bytes_do_not_depend_on_workers_or_hash_seed(name, written, docs, tmp_path):
    two = tmp_path / f"two{SUFFIXES[name]}"
    assert invoke("build", *docs, "-o", two, "-j", "2", "-q").exit_code == 0
    assert two.read_bytes() == written[name].read_bytes()
    seeded = tmp_path / f"seeded{SUFFIXES[name]}"
    subprocess.run([sys.executable, "-m", "pdgraph", "build", *docs, "-o", str(seeded), "-q", "-j", "2"],
                   check=True, capture_output=True, env={**os.environ, "PYTHONHASHSEED": "4242"})
    assert seeded.read_bytes() == written[name].read_bytes()


@pytest.mark.parametrize("name", list(SUFFIXES))
def test_the_streaming_writer_equals_the_in_memory_one(name, written, seed_ingested):
    """`serialize_dataset` (one dataset in memory, the API) and the streaming build write the same bytes."""
    assert serialize_dataset(seed_ingested.dataset, name) == written[name].read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["turtle", "json-ld"])
def test_run_writes_its_graph_in_the_format_asked(name, written, docs, tmp_path):
    result = invoke("run", *docs, "-o", tmp_path, "--graph-format", name, "-j", "2", "-q")
    assert result.exit_code in (0, 1), result.output
    graph = tmp_path / f"graph{SUFFIXES[name]}"
    assert str(graph) in result.output and not (tmp_path / "graph.trig").exists()
    assert graph.read_bytes() == written[name].read_bytes()


def test_the_readme_and_the_docs_list_every_format():
    readme = (ROOT / "README.md").read_text(encoding="utf-8").split("### RDF formats", 1)[1].split("\n#", 1)[0]
    docs = (ROOT / "docs" / "outputs.md").read_text(encoding="utf-8").split("## RDF formats", 1)[1]
    for fmt in DATASET_FORMATS.values():
        assert f"`{fmt.suffix}`" in readme and f"-o graph{fmt.suffix}`" in readme
        assert f"| `{fmt.suffix}` | `{fmt.name}` |" in docs
