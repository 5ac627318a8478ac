"""End-to-end properties of the extraction pipeline: encodings, determinism, re-ingest, scoring."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib.compare import isomorphic

from pdgraph.errors import DecodeError, NotAnAssessmentError
from pdgraph.extract.machine import extract
from pdgraph.graph.ingest import assessment_graphs, ingest
from pdgraph.graph.mapping import assessment_graph
from pdgraph.read.text import decode, read_document
from pdgraph.graph.serialize import trig

from conftest import EXAMPLES, ROOT

SHARED = ROOT.parent / "shared"
# Characters that CP932 / EUC-JP cannot encode, as a legacy-encoded original would spell them.
LEGACY_SPELLING = {"—": "―", "\xa0": " ", "①": "(1)", "②": "(2)", "③": "(3)", "④": "(4)", "⑤": "(5)",
                   "⑥": "(6)", "⑦": "(7)", "⑧": "(8)", "⑨": "(9)", "⑩": "(10)",
                   "Ⅰ": "I", "Ⅱ": "II", "Ⅲ": "III", "Ⅳ": "IV", "Ⅴ": "V", "Ⅵ": "VI"}


def _legacy_text(stem: str, encoding: str) -> str:
    text = read_document(EXAMPLES / f"{stem}.txt").text
    for char, spelling in LEGACY_SPELLING.items():
        if not _encodable(char, encoding):
            text = text.replace(char, spelling)
    return "".join(ch if _encodable(ch, encoding) else "?" for ch in text)


def _encodable(ch: str, encoding: str) -> bool:
    try:
        ch.encode(encoding)
        return True
    except UnicodeEncodeError:
        return False


def _graph_of(path: Path):
    return assessment_graph(extract(read_document(path)))


@pytest.mark.parametrize("stem", ["000_47fd13a79d78c58a", "003_f2d2f4201ce28b38"])
def test_utf16_and_bom_copies_give_the_same_graph(tmp_path, stem):
    original = EXAMPLES / f"{stem}.txt"
    text = original.read_text(encoding="utf-8")
    expected = _graph_of(original)
    for encoding in ("utf-16", "utf-8-sig", "utf-16-be"):
        folder = tmp_path / encoding
        folder.mkdir()
        copy = folder / original.name
        data = text.encode(encoding) if encoding != "utf-16-be" else b"\xfe\xff" + text.encode("utf-16-be")
        copy.write_bytes(data)
        assert isomorphic(_graph_of(copy), expected), encoding


@pytest.mark.parametrize("encoding", ["cp932", "euc_jp", "shift_jis"])
def test_legacy_encoded_copies_give_the_same_graph(tmp_path, encoding):
    stem = "000_47fd13a79d78c58a"
    text = _legacy_text(stem, encoding)
    graphs = []
    for name, codec in (("utf8", "utf-8"), ("legacy", encoding)):
        folder = tmp_path / name
        folder.mkdir()
        path = folder / f"{stem}.txt"
        path.write_bytes(text.encode(codec))
        source = read_document(path)
        assert source.text == text
        graphs.append(assessment_graph(extract(source)))
    assert isomorphic(graphs[0], graphs[1])
    # The legacy spelling loses nothing the extractor needs: same size as the original's graph.
    assert len(graphs[1]) == len(_graph_of(EXAMPLES / f"{stem}.txt"))


def test_crlf_line_endings_are_unified():
    source = decode("評価書番号\t評価書名\r\n7\tX\r\n".encode("utf-8"), "crlf.txt")
    assert source.lines[:2] == ["評価書番号\t評価書名", "7\tX"]


def test_undecodable_bytes_name_file_and_offset():
    data = "特定個人情報保護評価書".encode("utf-8") + b"\xff\xfe\xfd\x80\x81"
    with pytest.raises(DecodeError) as raised:
        decode(data, "broken.txt")
    assert raised.value.document == "broken.txt"
    assert raised.value.offset == len("特定個人情報保護評価書".encode("utf-8"))
    assert "broken.txt: byte 33" in str(raised.value)


def test_nul_bytes_without_bom_are_refused():
    with pytest.raises(DecodeError, match="byte 1"):
        decode("A".encode("utf-16-le"), "nul.txt")


def test_text_that_is_not_an_assessment_is_refused(write_doc):
    with pytest.raises(NotAnAssessmentError, match=r"notes.txt:1:"):
        extract(read_document(write_doc("買い物リスト\n牛乳\n", name="notes.txt")))


def test_trig_is_byte_identical_across_processes(tmp_path):
    """Same input, two fresh interpreters with different hash seeds: identical bytes."""
    outputs = []
    for seed in ("1", "2"):
        target = tmp_path / f"out{seed}.trig"
        env = dict(os.environ, PYTHONHASHSEED=seed)
        subprocess.run([sys.executable, "-m", "pdgraph.cli", "build", *map(str, sorted(EXAMPLES.glob("*.txt"))),
                        "-o", str(target)], check=True, env=env, capture_output=True)
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0].count(b"/id/graph/") == 4


def test_reingest_is_idempotent_and_a_revision_adds_a_version(tmp_path, seed_paths):
    result = ingest(seed_paths)
    size = len(result.dataset)
    graphs = [g.identifier for g in assessment_graphs(result.dataset)]
    ingest(seed_paths, dataset=result.dataset)
    assert len(result.dataset) == size
    assert [g.identifier for g in assessment_graphs(result.dataset)] == graphs
    # A revised text of the same assessment (same 評価実施機関 and 評価書番号) is another version: both
    # are kept (issue 14), and a catalogue graph lists them.
    text = seed_paths[0].read_text(encoding="utf-8").replace("住民票への記載", "住民票への記載(改訂)")
    revised = tmp_path / seed_paths[0].name
    revised.write_text(text, encoding="utf-8")
    ingest([revised], dataset=result.dataset)
    after = [g.identifier for g in assessment_graphs(result.dataset)]
    assert len(after) == len(graphs) + 1 and set(graphs) < set(after)
    assert "住民票への記載(改訂)" in trig(result.dataset)
    assert "住民票への記載\"" in trig(result.dataset)
    assert any(str(g.identifier).endswith("/versions") for g in result.dataset.graphs())


def test_every_flow_system_file_and_statement_has_provenance(seed_ingested):
    from rdflib.namespace import RDF

    from pdgraph.graph.vocab import PDG

    for graph in assessment_graphs(seed_ingested.dataset):
        for class_ in (PDG.Flow, PDG.System, PDG.PersonalInformationFile, PDG.LegalBasisStatement, PDG.Change):
            for node in graph.subjects(RDF.type, class_):
                if (node, PDG.sourceDocument, None) not in graph and class_ == PDG.System:
                    continue  # systems named only inside another system's その他 list
                assert (node, PDG.sourceLine, None) in graph, node
                document = graph.value(node, PDG.sourceDocument)
                assert graph.value(document, PDG.fileName) is not None


def test_no_blank_nodes(seed_ingested):
    from rdflib import BNode

    for graph in assessment_graphs(seed_ingested.dataset):
        assert not any(isinstance(term, BNode) for triple in graph for term in triple)


@pytest.mark.skipif(not (SHARED / "eval" / "score.py").exists(), reason="../shared/eval is not beside the repo")
@pytest.mark.parametrize("folder, pattern", [("examples", "*.txt"), ("variants/pdf", "*.pdf"),
                                             ("variants/text-lines", "*.txt"), ("variants/text-pages", "*.txt")])
def test_facts_score_against_the_answer_key(tmp_path, folder, pattern):
    """The examples, and the same assessments as published PDFs (../shared/variants/pdf)."""
    from click.testing import CliRunner

    from pdgraph.cli import main

    sources = sorted((EXAMPLES if folder == "examples" else SHARED / folder).glob(pattern))
    if not sources:
        pytest.skip(f"no {folder} beside the repo")
    out = tmp_path / "facts"
    runner = CliRunner()
    result = runner.invoke(main, ["facts", *map(str, sources), "-o", str(out)])
    assert result.exit_code == 0, result.output
    score = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), "--facts", str(out),
                            "--gold", str(SHARED / "gold"), "--json"], capture_output=True, text=True)
    if score.returncode != 0 and "PyYAML" in score.stderr + score.stdout:
        pytest.skip("score.py needs PyYAML")
    overall = json.loads(score.stdout)["overall"]
    assert overall["f1"] >= 0.95 and overall["macro_f1"] >= 0.95, overall
