"""Hostile and broken input (issue 13): no crash, no hang, no silent loss, no network.

Each case is built from the examples at test time and run through the CLI
(click's CliRunner); it states the exit code and the message expected on
stderr. Every failure must be one ``error: PATH[:place]: reason`` line, never a
traceback.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from pdgraph.cli import main
from pdgraph.conformance.engines import available_engines

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "003_f2d2f4201ce28b38.txt"


def run_cli(*args: str):
    """Run the CLI; no exception may escape as a traceback."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output + result.stderr
    return result


def edited(tmp_path: Path, old: str, new: str, name: str = "doc.txt") -> Path:
    """The example with one passage replaced (the passage must be there)."""
    text = EXAMPLE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("engine", available_engines())
def test_backslash_in_a_legal_basis_is_text(tmp_path, engine):
    """A value with a backslash fills a message as written (pyshacl read it as a regex group)."""
    doc = edited(tmp_path, "①法令上の根拠\t\t番号法第19条第7号別表第二", "①法令上の根拠\t\t手数料条例 別表(\\1,000円)")
    result = run_cli("validate", "--engine", engine, doc)
    assert result.exit_code == 1
    assert "「手数料条例 別表(\\1,000円)」" in result.output


def _facts(path: Path) -> dict:
    from pdgraph import api
    [data] = api.facts(api.ingest([path]))
    data.pop("source", None)
    return data


@pytest.mark.parametrize("char", ["\u200b", "\u202e", "\ufeff", "\u2060", "\u00ad"])
def test_invisible_characters_change_no_fact(tmp_path, char):
    """Zero-width and bidi controls inside a name, a citation and a label are not read."""
    text = EXAMPLE.read_text(encoding="utf-8")
    poisoned = (text.replace("練馬区長", f"練{char}馬区長", 1)
                .replace("番号法第9条第2項", f"番号法第{char}9条第2項", 1)
                .replace("①法令上の根拠", f"①法令上{char}の根拠", 1))
    assert poisoned != text
    clean_doc, bad_doc = tmp_path / "clean.txt", tmp_path / "bad.txt"
    clean_doc.write_text(text, encoding="utf-8")
    bad_doc.write_text(poisoned, encoding="utf-8")
    assert _facts(bad_doc) == _facts(clean_doc)


@pytest.fixture
def listening_server():
    """A real HTTP server on loopback that records every request it gets (none may come)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            requests.append(self.path)
            body = b'{"@context": {"name": "http://example.org/name"}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/ld+json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requests
    server.shutdown()


@pytest.mark.parametrize("where", ["top", "list", "nested", "import"])
def test_jsonld_remote_context_is_never_fetched(tmp_path, listening_server, where):
    url, requests = listening_server
    context = {"top": f'"{url}/ctx"', "list": f'["{url}/ctx", {{"x": "http://e.org/x"}}]',
               "nested": f'{{"name": {{"@id": "http://e.org/n", "@context": "{url}/ctx"}}}}',
               "import": f'{{"@import": "{url}/ctx"}}'}[where]
    doc = tmp_path / "remote.jsonld"
    doc.write_text(f'{{"@context": {context}, "@id": "http://e.org/s", "name": "x"}}', encoding="utf-8")
    result = run_cli("build", doc, "-o", tmp_path / "o.trig")
    assert result.exit_code == 2
    assert f"error: {doc}: refused: @context '{url}/ctx'" in result.stderr
    assert requests == []


def test_relative_iris_of_a_checked_file_resolve_against_the_file(tmp_path):
    from rdflib import Dataset, URIRef

    from pdgraph.graph.ingest import load_rdf

    doc = tmp_path / "rel.jsonld"
    doc.write_text('{"@context": {"name": "http://e.org/name"}, "@id": "#me", "name": "x"}', encoding="utf-8")
    dataset = Dataset()
    load_rdf(dataset, doc)
    subjects = {s for graph in dataset.graphs() for s, _, _ in graph}
    assert subjects == {URIRef(doc.resolve().as_uri() + "#me")}


def test_jsonld_with_an_inline_context_is_read(tmp_path):
    doc = tmp_path / "inline.jsonld"
    doc.write_text('{"@context": {"name": "http://e.org/name"}, "@id": "http://e.org/s", "name": "x"}',
                   encoding="utf-8")
    result = run_cli("build", doc, "-o", tmp_path / "o.trig")
    assert result.exit_code == 0, result.stderr


LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://e.org/">
<rdf:Description rdf:about="http://e.org/s"><ex:p>&e;</ex:p></rdf:Description>
</rdf:RDF>
"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://e.org/">
<rdf:Description rdf:about="http://e.org/s"><ex:p>&x;</ex:p></rdf:Description>
</rdf:RDF>
"""


@pytest.mark.parametrize("text", [LAUGHS, EXTERNAL], ids=["nested-entities", "external-entity"])
def test_rdfxml_entity_declarations_are_refused(tmp_path, text):
    doc = tmp_path / "laughs.rdf"
    doc.write_text(text, encoding="utf-8")
    result = run_cli("build", doc, "-o", tmp_path / "o.trig")
    assert result.exit_code == 2
    assert f"error: {doc}: refused: the DTD declares entities" in result.stderr


def test_plain_rdfxml_is_read(tmp_path):
    doc = tmp_path / "plain.rdf"
    doc.write_text(LAUGHS.split("]>\n", 1)[1].replace("&e;", "x"), encoding="utf-8")
    result = run_cli("build", doc, "-o", tmp_path / "o.trig")
    assert result.exit_code == 0, result.stderr


SERVICE_QUERY = """# title: federated
# ja: 外部
# en: remote
SELECT ?s WHERE {{ SERVICE {target} {{ ?s ?p ?o }} }}
"""


@pytest.mark.parametrize("target", ["<{url}/sparql>", "SILENT <{url}/sparql>"])
def test_a_service_clause_reaches_no_network(tmp_path, listening_server, target):
    url, requests = listening_server
    rq = tmp_path / "remote.rq"
    rq.write_text(SERVICE_QUERY.format(target=target.format(url=url)), encoding="utf-8")
    result = run_cli("query", rq, EXAMPLE)
    assert result.exit_code == 2
    assert f"error: {rq}: SERVICE <{url}/sparql> would reach the network" in result.stderr
    assert requests == []


def test_from_names_a_graph_it_is_never_fetched(tmp_path, listening_server):
    url, requests = listening_server
    rq = tmp_path / "from.rq"
    rq.write_text(f"# title: t\n# ja: t\n# en: t\nSELECT ?s FROM <{url}/g.ttl> WHERE {{ ?s ?p ?o }}\n",
                  encoding="utf-8")
    result = run_cli("query", rq, EXAMPLE, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.output.strip() == "s"  # no such graph in the store: no rows
    assert requests == []


def test_a_malformed_query_names_its_file(tmp_path):
    rq = tmp_path / "broken.rq"
    rq.write_text("# title: t\n# ja: t\n# en: t\nSELECT ?s WHERE { ?s ?p }\n", encoding="utf-8")
    result = run_cli("query", rq, EXAMPLE)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {rq}: ")


def _cp932_example() -> bytes:
    text = EXAMPLE.read_text(encoding="utf-8")
    return text.encode("cp932", errors="replace")


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9])
def test_a_bad_cp932_byte_is_reported_where_it_is(tmp_path, fraction):
    data = _cp932_example()
    offset = data.index(b"\n", int(len(data) * fraction)) + 1
    doc = tmp_path / "sjis.txt"
    doc.write_bytes(data[:offset] + b"\x85\x40" + data[offset:])  # 0x8540: unassigned in CP932
    line = data.count(b"\n", 0, offset) + 1
    result = run_cli("facts", doc, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert f"error: {doc}: byte {offset}: line {line}: invalid Shift_JIS/CP932 byte sequence" in result.stderr


def test_euc_jp_with_nec_special_characters_is_read(tmp_path):
    """`nkf -e` writes ① as 0xADA1 (NEC row 13), which plain EUC-JP does not have."""
    text = EXAMPLE.read_text(encoding="utf-8")
    data = text.encode("euc_jis_2004", errors="replace")
    assert b"\xad\xa1" in data  # ①
    doc, reference = tmp_path / "euc.txt", tmp_path / "utf8.txt"
    doc.write_bytes(data)
    reference.write_text(data.decode("euc_jis_2004"), encoding="utf-8")
    assert _facts(doc) == _facts(reference)


EXAMPLES = sorted((ROOT / "examples").glob("*.txt"))


def test_two_assessments_in_one_file_are_never_merged(tmp_path):
    first, second = EXAMPLES[0].read_text(encoding="utf-8"), EXAMPLES[3].read_text(encoding="utf-8")
    doc = tmp_path / "two.txt"
    doc.write_text(first + "\n" + second, encoding="utf-8")
    line = first.count("\n") + 1 + second[: second.index("特定個人情報保護評価書(")].count("\n") + 1
    result = run_cli("build", doc, EXAMPLES[1], "-o", tmp_path / "o.trig")
    assert result.exit_code == 2
    assert f"error: {doc}:{line}: a second assessment starts here" in result.stderr
    assert "1 assessment graph(s)" in result.output  # the other document of the batch is kept


def test_two_assessments_in_one_pdf_are_never_merged(tmp_path):
    pdfunite = __import__("shutil").which("pdfunite")
    variants = ROOT.parent / "shared" / "variants" / "pdf"
    pdfs = sorted(variants.glob("*.pdf"))
    if not pdfunite or len(pdfs) < 2:
        pytest.skip("needs pdfunite (poppler-utils) and ../shared/variants/pdf")
    import subprocess

    doc = tmp_path / "two.pdf"
    subprocess.run([pdfunite, str(pdfs[0]), str(pdfs[3]), str(doc)], check=True)
    result = run_cli("build", doc, "-o", tmp_path / "o.trig")
    assert result.exit_code == 2
    assert re.search(rf"error: {re.escape(str(doc))}:p\d+:L\d+: a second assessment starts here", result.stderr)
