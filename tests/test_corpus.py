"""A corpus: streaming ingest over worker processes, the persistent store, inputs at scale, progress bars.

Speed and memory at 10,000 documents are measured by benchmarks/bench_corpus.py, never here.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from pdgraph.cli import main
from pdgraph.cli.common import ProgressBar
from pdgraph.extract.synthetic import synthetic_sources
from pdgraph.graph.ingest import assessment_graphs, ingest
from pdgraph.graph.serialize import trig
from pdgraph.graph.sources import SourceError, expand_sources
from pdgraph.graph.stores import OxigraphStore, StoreSpec
from pdgraph.graph.stream import build_corpus
from pdgraph.graph.triples import TripleGraph, ntriples, parse_ntriples
from pdgraph.query.catalogue import load_catalogue

from conftest import EXAMPLES

SEED_PARAMS = {
    "recipients-of": ["organization=練馬区長"],
    "sources-of": ["organization=練馬区長"],
    "by-legal-basis": ["table=別表第二", "row=94"],
    "systems-connected-to": ["kind=中間サーバー"],
    "reach": ["organization=練馬区長"],
    "changes-timeline": ["organization=松戸市長"],
}


def invoke(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def docs() -> list[str]:
    return [str(p) for p in sorted(EXAMPLES.glob("*.txt"))]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The examples and 12 synthetic copies in nested folders."""
    root = tmp_path_factory.mktemp("corpus")
    for source in synthetic_sources(12):
        folder = root / "synthetic" / source.name[-6:-4]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / source.name).write_text(source.text, encoding="utf-8")
    examples = root / "examples"
    examples.mkdir()
    for path in EXAMPLES.glob("*.txt"):
        (examples / path.name).write_bytes(path.read_bytes())
    return root


@pytest.fixture(scope="module")
def store(tmp_path_factory, docs) -> Path:
    """The examples in a store directory, built by the CLI."""
    directory = tmp_path_factory.mktemp("store") / "corpus.ox"
    result = invoke("build", *docs, "--store", directory, "-q")
    assert result.exit_code == 0, result.output
    return directory


# --------------------------------------------------------------------------- streaming ingest

def test_trig_is_the_same_for_any_number_of_workers_and_as_before(tmp_path, corpus):
    paths = expand_sources([str(corpus)])
    one, two = tmp_path / "one.trig", tmp_path / "two.trig"
    assert invoke("build", corpus, "-o", one, "-j", "1", "-q").exit_code == 0
    assert invoke("build", corpus, "-o", two, "-j", "2", "-q").exit_code == 0
    assert one.read_bytes() == two.read_bytes()
    dataset = ingest(paths).dataset  # the in-memory dataset and writer of before
    assert one.read_text(encoding="utf-8") == trig(dataset, assessment_graphs(dataset))
    assert "synthetic_00011.txt" in one.read_text(encoding="utf-8")


def test_nquads_output_holds_the_same_graphs(tmp_path, docs):
    out = tmp_path / "g.nq"
    assert invoke("build", *docs, "-o", out, "-q").exit_code == 0
    from rdflib import Dataset

    nq, tg = Dataset(), Dataset()
    nq.parse(out, format="nquads")
    tg.parse(data=trig(ingest(docs).dataset), format="trig")

    def quads(dataset):
        return {(s, p, o, g.identifier) for g in dataset.graphs() for s, p, o in g}

    assert quads(nq) == quads(tg) and len(quads(nq)) == 5057
    lines = out.read_text(encoding="utf-8").split("\n")[:-1]
    graphs = [line.rsplit(" ", 2)[1] for line in lines]
    assert graphs == sorted(graphs) and len(set(graphs)) == 4  # graph by graph, in IRI order
    for graph in set(graphs):  # and line by line: the same bytes in every run
        block = [line for line in lines if line.rsplit(" ", 2)[1] == graph]
        assert block == sorted(block)
    import subprocess
    import sys

    again = tmp_path / "again.nq"  # another process: another string hash seed
    subprocess.run([sys.executable, "-m", "pdgraph", "build", *docs, "-o", str(again), "-q"], check=True,
                   capture_output=True, env={**os.environ, "PYTHONHASHSEED": "12345"})
    assert again.read_bytes() == out.read_bytes()


def test_a_trig_file_goes_through_the_stream_unchanged(tmp_path, docs):
    first, second = tmp_path / "a.trig", tmp_path / "b.trig"
    assert invoke("build", *docs, "-o", first, "-q").exit_code == 0
    assert invoke("build", first, "-o", second, "-q", "-j", "2").exit_code == 0
    assert first.read_bytes() == second.read_bytes()


def test_a_bad_document_does_not_stop_the_workers(tmp_path, docs):
    bad = tmp_path / "bad.txt"
    bad.write_text("ただのメモ\n", encoding="utf-8")
    out = tmp_path / "g.trig"
    result = invoke("build", docs[0], bad, docs[1], "-o", out, "-j", "2", "-q")
    assert result.exit_code == 2
    assert "bad.txt:1: no item of the 特定個人情報保護評価書 form was recognised" in result.output
    assert "2 assessment graph(s)" in result.output and out.exists()


def test_two_documents_of_one_assessment_are_two_versions(tmp_path, docs):
    """Issue 14: a revised text of an assessment is kept beside the first (the later no longer wins)."""
    nerima = Path(docs[3])
    edited = tmp_path / "nerima-edited.txt"
    edited.write_text(nerima.read_text(encoding="utf-8").replace("税務課", "税務部課税課", 1), encoding="utf-8")
    out = tmp_path / "g.trig"
    assert invoke("build", nerima, edited, "-o", out, "-q").exit_code == 0
    expected = trig(ingest([nerima, edited]).dataset)  # both versions and their catalogue graph
    assert out.read_text(encoding="utf-8") == expected
    assert invoke("build", edited, nerima, "-o", out, "-q").exit_code == 0
    assert out.read_text(encoding="utf-8") == expected
    assert "税務部課税課" in expected and "\"税務課\"" in expected and "/versions>" in expected


# --------------------------------------------------------------------------- the store

def test_two_documents_of_one_assessment_are_two_versions_in_the_store_too(tmp_path, docs):
    nerima = Path(docs[3])
    edited = tmp_path / "nerima-edited.txt"
    edited.write_text(nerima.read_text(encoding="utf-8").replace("税務課", "税務部課税課", 1), encoding="utf-8")
    directory = tmp_path / "s"
    result = build_corpus([str(nerima), docs[0], str(edited)], store=directory, jobs=2)
    assert not result.problems and len(result.graphs) == 3
    stored = OxigraphStore(directory, read_only=True)
    assert len(stored.graph_names()) == 4  # three version graphs and the catalogue of 練馬区長's two
    for expected in assessment_graphs(ingest([nerima, edited]).dataset):
        assert set(parse_ntriples(stored.graph_ntriples(str(expected.identifier)))) == set(expected)


@pytest.mark.parametrize("chunk_bytes", [1, 10 ** 9])  # every graph its own chunk; all in one
def test_store_loader_keeps_the_order_of_graphs(tmp_path, docs, chunk_bytes):
    from pdgraph.graph.stream import GraphStream, Outcome, StoreLoader

    nerima = Path(docs[3])
    edited = tmp_path / "nerima-edited.txt"
    edited.write_text(nerima.read_text(encoding="utf-8").replace("税務課", "税務部課税課", 1), encoding="utf-8")
    stream = GraphStream(nquads=True)
    store = OxigraphStore(tmp_path / "s")
    loader = StoreLoader(store, chunk_bytes=chunk_bytes)
    for path in (edited, docs[0], nerima, docs[1], edited):
        (outcome, _) = stream.process(("document", str(path)))
        assert isinstance(outcome, Outcome)
        loader.add(outcome.name, outcome.nquads)
    kept, problems = loader.finish()
    # edited twice: the same graph, replaced (skipped inside one chunk); nerima is another version of it
    assert kept == {} and problems == [] and loader.loaded == (5 if chunk_bytes == 1 else 4)
    expected = assessment_graphs(ingest([edited]).dataset)[0]
    assert len(store.graph_names()) == 4
    assert set(parse_ntriples(store.graph_ntriples(str(expected.identifier)))) == set(expected)


def test_store_reingest_is_idempotent_and_a_revision_is_added(tmp_path, docs):
    directory = tmp_path / "s"
    nerima = Path(docs[3])
    assert invoke("build", *docs, "--store", directory, "-q").exit_code == 0
    again = invoke("build", nerima, "--store", directory, "-q")  # the same document: its graph replaces itself
    assert again.exit_code == 0 and "(4 graph(s) in all)" in again.output
    edited = tmp_path / nerima.name
    edited.write_text(nerima.read_text(encoding="utf-8").replace("税務課", "税務部課税課", 1), encoding="utf-8")
    result = invoke("build", edited, "--store", directory, "-q")
    # issue 14: another text of the assessment is another version, kept beside the first, with a catalogue
    assert result.exit_code == 0 and "(6 graph(s) in all)" in result.output and "of 2" in result.output
    stored = OxigraphStore(directory, read_only=True)
    assert len(stored.graph_names()) == 6
    for expected in assessment_graphs(ingest([nerima, edited]).dataset):
        assert set(parse_ntriples(stored.graph_ntriples(str(expected.identifier)))) == set(expected)


def test_store_answers_equal_document_answers(tmp_path, docs, store):
    for name in load_catalogue():
        params = [x for value in SEED_PARAMS.get(name, []) for x in ("-p", value)]
        from_docs = invoke("query", name, *docs, *params, "-f", "csv", "-q")
        from_store = invoke("query", name, "--store", store, *params, "-f", "csv")
        assert from_docs.exit_code == from_store.exit_code == 0, (name, from_store.output)
        assert from_docs.stdout == from_store.stdout, name
    for args in (("--from", "練馬区長", "-f", "json"),):
        assert invoke("analyze", *docs, *args, "-q").stdout == invoke("analyze", "--store", store, *args).stdout
    a, b = tmp_path / "a", tmp_path / "b"
    assert invoke("facts", *docs, "-o", a, "-q").exit_code == invoke("facts", "--store", store, "-o", b).exit_code == 0
    assert {p.name: p.read_text(encoding="utf-8") for p in a.iterdir()} == \
           {p.name: p.read_text(encoding="utf-8") for p in b.iterdir()}
    assert invoke("map", *docs, "-o", a / "m.html", "-q").exit_code == 0
    assert invoke("map", "--store", store, "-o", b / "m.html", "-q").exit_code == 0
    assert (a / "m.html").read_bytes() == (b / "m.html").read_bytes()
    one = invoke("validate", *docs, "-f", "json", "-q")
    two = invoke("validate", "--store", store, "-f", "json", "-q")
    assert one.exit_code == two.exit_code == 0
    assert json.loads(one.stdout)["results"] == json.loads(two.stdout)["results"]


def test_trig_loads_straight_into_a_store(tmp_path, docs, store):
    graph = tmp_path / "g.trig"
    assert invoke("build", *docs, "-o", graph, "-q").exit_code == 0
    direct = tmp_path / "direct"
    result = invoke("build", graph, "--store", direct, "-q")
    assert result.exit_code == 0 and result.stdout.startswith("4 assessment graph(s), 5057 triples")
    for name in ("stats", "flows"):
        assert invoke("query", name, "--store", direct, "-f", "csv").stdout == \
               invoke("query", name, "--store", store, "-f", "csv").stdout
    broken = tmp_path / "broken.nq"
    broken.write_text("<urn:a> <urn:b> .\n", encoding="utf-8")
    result = invoke("build", broken, "--store", direct, "-q")
    assert result.exit_code == 2 and "broken.nq: cannot load into Oxigraph" in result.output


def test_a_store_is_only_read_by_commands_without_sources(store):
    files = {p: p.stat().st_mtime_ns for p in store.iterdir()}
    assert invoke("query", "stats", "--store", store, "-f", "csv").exit_code == 0
    assert invoke("query", "stats", "--store", f"oxigraph:{store}", "-f", "csv").exit_code == 0
    assert {p: p.stat().st_mtime_ns for p in store.iterdir()} == files


def test_store_errors_exit_2(tmp_path, docs):
    missing = tmp_path / "nothing-here"
    result = invoke("query", "stats", "--store", missing)
    assert result.exit_code == 2 and "no such store directory" in result.output
    result = invoke("validate", "--store", missing)
    assert result.exit_code == 2 and "no such store directory" in result.output
    (tmp_path / "other").mkdir()
    result = invoke("facts", "--store", tmp_path / "other", "-o", tmp_path / "f")
    assert result.exit_code == 2 and "not an Oxigraph store directory" in result.output
    assert list((tmp_path / "other").iterdir()) == []
    result = invoke("validate", *docs, "--store", missing)
    assert result.exit_code == 2 and "not both" in result.output
    assert invoke("build", *docs).exit_code == 2  # neither -o nor --store


def test_store_spec_accepts_a_plain_directory(tmp_path):
    assert StoreSpec.parse(str(tmp_path)) == StoreSpec("oxigraph", tmp_path)
    assert StoreSpec.parse("corpus/new.ox") == StoreSpec("oxigraph", Path("corpus/new.ox"))
    assert StoreSpec.parse("oxigraph:x") == StoreSpec("oxigraph", Path("x"))
    with pytest.raises(Exception, match="unknown store"):
        StoreSpec.parse("sqlite")


# --------------------------------------------------------------------------- inputs at corpus scale

def test_directory_glob_and_list_name_the_same_documents(tmp_path, corpus):
    found = expand_sources([str(corpus)])
    assert len(found) == 16 and found == sorted(found)
    assert expand_sources([f"{corpus}/**/*.txt"]) == found
    listing = tmp_path / "paths.txt"
    listing.write_text("# the corpus\n\n" + "\n".join(found[:3]) + f"\n{corpus}/examples\n", encoding="utf-8")
    assert expand_sources([f"@{listing}"]) == found[:3] + sorted(str(p) for p in (corpus / "examples").glob("*.txt"))
    outputs = []
    for argument in (str(corpus), f"{corpus}/**/*.txt", f"@{listing}"):
        out = tmp_path / f"{len(outputs)}.trig"
        listing.write_text("\n".join(found), encoding="utf-8")
        assert invoke("build", argument, "-o", out, "-q").exit_code == 0
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]


@pytest.mark.parametrize("argument,message", [
    ("missing.txt", "missing.txt: no such file or directory"),
    ("*.nothing", "no file matches the pattern"),
    ("@missing-list.txt", "cannot read the list of paths"),
])
def test_inputs_that_name_nothing_exit_2(tmp_path, argument, message):
    os.chdir(tmp_path)
    result = invoke("build", argument, "-o", tmp_path / "g.trig")
    assert result.exit_code == 2 and message in result.output
    assert not (tmp_path / "g.trig").exists()
    with pytest.raises(SourceError, match=re.escape(message)):
        expand_sources([argument])


def test_list_files_and_directories_report_their_place(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(SourceError, match="holds no document or RDF file"):
        expand_sources([str(tmp_path / "empty")])
    listing = tmp_path / "l.txt"
    listing.write_text("@other.txt\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"l.txt:1: a list file cannot name another"):
        expand_sources([f"@{listing}"])
    listing.write_text("# ok\nnot-there.txt\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"l.txt:2: not-there.txt: no such file"):
        expand_sources([f"@{listing}"])


# --------------------------------------------------------------------------- progress

BAR = re.compile(r"^(reading|loading|validating|writing) +(\d+)/(\d+) +(\d+)% \[[#.]{24}\] +[\d.]+/s (in|ETA) \d+:\d\d:\d\d$")


def test_progress_bars_on_stderr_and_quiet(tmp_path, docs):
    result = invoke("build", *docs, "-o", tmp_path / "g.trig")
    bars = [line for line in result.stderr.splitlines() if BAR.match(line)]
    assert [BAR.match(b).group(1) for b in bars] == ["reading", "writing"]
    assert all(BAR.match(b).group(2) == BAR.match(b).group(3) == "4" and "100%" in b for b in bars)
    assert result.stdout.startswith("4 assessment graph(s)")
    quiet = invoke("build", *docs, "-o", tmp_path / "g.trig", "--quiet")
    assert quiet.stderr == "" and quiet.stdout == result.stdout
    validate = invoke("validate", *docs, "-f", "json")
    assert any(BAR.match(line) and line.startswith("validating") for line in validate.stderr.splitlines())
    assert invoke("validate", *docs, "-f", "json", "-q").stderr == ""
    loading = invoke("build", *docs, "--store", tmp_path / "s")
    assert [line.split()[0] for line in loading.stderr.splitlines()] == ["reading", "loading", "compacting…"]


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_rate_eta_and_redraw():
    clock, out = FakeClock(), Terminal()
    bar = ProgressBar(stream=out, clock=clock)
    bar("reading", 0, 1000)
    clock.now += 10
    bar("reading", 250, 1000)
    assert out.getvalue() == "\rreading     250/1000  25% [######..................]   25.0/s ETA 0:00:30"
    clock.now += 0.1  # within the redraw interval: nothing
    bar("reading", 251, 1000)
    clock.now += 29.9
    bar("reading", 1000, 1000)
    # redrawn in place; a blank erases what the longer line before left
    assert out.getvalue().endswith("\rreading    1000/1000 100% [########################]   25.0/s in 0:00:40 \n")
    bar("compacting", 0, 0)
    assert out.getvalue().endswith("compacting…\n")


def test_progress_bar_in_a_log_writes_lines_at_intervals():
    clock, out = FakeClock(), io.StringIO()
    bar = ProgressBar(stream=out, clock=clock, log_interval=10)
    bar("validating", 0, 3)
    for done in (1, 2):
        clock.now += 6
        bar("validating", done, 3)
    clock.now += 1
    bar("validating", 3, 3)
    assert out.getvalue().splitlines() == [
        "validating 2/3  66% [################........]    0.2/s ETA 0:00:06",
        "validating 3/3 100% [########################]    0.2/s in 0:00:13"]
    silent = io.StringIO()
    ProgressBar(quiet=True, stream=silent)("reading", 1, 5)
    assert silent.getvalue() == ""


# --------------------------------------------------------------------------- one graph as plain data

def test_triple_graph_reads_like_rdflib(seed_ingested):
    from pdgraph.graph.facts import facts_from_graph

    for graph in assessment_graphs(seed_ingested.dataset):
        light = TripleGraph(parse_ntriples(ntriples(graph)), graph.identifier)
        assert set(light) == set(graph) and len(light) == len(graph)
        assert facts_from_graph(light) == facts_from_graph(graph)
        rows = light.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert int(rows[0].asdict()["n"]) == len(graph)


def test_message_queries_on_oxigraph_answer_as_rdflib(seed_ingested):
    from rdflib import Graph
    from rdflib.namespace import RDF

    from pdgraph.conformance import load_shapes
    from pdgraph.graph.triples import StoreGraph, _select
    from pdgraph.graph.vocab import PDG

    queries = [info.message_query for info in load_shapes().info.values() if info.message_query]
    assert len(queries) >= 5
    checked = 0
    for graph in assessment_graphs(seed_ingested.dataset):
        plain = Graph()
        for triple in graph:
            plain.add(triple)
        light = StoreGraph.from_text(ntriples(graph).encode("utf-8"), graph.identifier)
        focus = sorted(set(graph.subjects(RDF.type, PDG.Flow)) | set(graph.subjects(RDF.type, PDG.DataFile)))
        for query in queries:
            for node in focus:
                for path in (PDG.methodOther, PDG.sourceText):  # as a result gives them: focus and path bound
                    bindings = {"this": node, "path": path}
                    expected = [{str(k): v for k, v in row.asdict().items()}
                                for row in plain.query(query, initBindings=bindings)]
                    assert [row.asdict() for row in _select(light.oxigraph(), query, bindings)] == expected
                    checked += 1
    assert checked > 100


def test_run_is_the_same_with_one_or_two_workers(tmp_path, corpus):
    one, two = tmp_path / "one", tmp_path / "two"
    first = invoke("run", corpus / "examples", "-o", one, "-j", "1", "-q")
    second = invoke("run", corpus / "examples", "-o", two, "-j", "2", "-q")
    assert first.exit_code == second.exit_code == 0
    files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file())
    assert all((one / f).read_bytes() == (two / f).read_bytes() for f in files)
    assert "map.html" in {f.name for f in files}
    limited = invoke("run", corpus / "examples", "-o", tmp_path / "three", "--map-limit", "3", "-q")
    assert "flow map: left out (4 assessments > --map-limit 3)" in limited.output
    assert not (tmp_path / "three" / "map.html").exists()


def test_csv_rows_from_a_store_directory_given_plainly(store):
    rows = list(csv.reader(io.StringIO(invoke("query", "stats", "--store", store, "-f", "csv").stdout)))
    assert rows[1][:3] == ["4", "4", "91"]
