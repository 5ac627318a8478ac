"""Hostile inputs generated from the examples (issue 13), each with its exit code and message.

Every case is built at test time from examples/003 (the Nerima 重点項目評価書) and run through
the CLI (click's CliRunner): encodings, truncation at many points, structure, injection in the
fields of the form, SPARQL parameters, file-system conditions, RDF inputs and sizes. A failure
must be one ``error: PATH[:place]: reason`` line on stderr with exit 2 (1 only for SHACL
findings), never a traceback, never a hang, never output written over an input.
"""
from __future__ import annotations

import codecs
import importlib
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Literal

from pdgraph.cli import main
from pdgraph.extract.synthetic import with_annex_rows

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "003_f2d2f4201ce28b38.txt"
TEXT = EXAMPLE.read_text(encoding="utf-8")
DATA = TEXT.encode("utf-8")
VARIANTS = Path("/work/shared/variants") if Path("/work/shared/variants").is_dir() else ROOT.parent / "shared" / "variants"


def cli(*args, env: dict | None = None):
    """Run the CLI in this process; no exception may escape as a traceback."""
    result = CliRunner().invoke(main, [a if isinstance(a, (str, bytes)) else str(a) for a in args], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output
    return result


@dataclass
class Case:
    """One hostile input: how to make it (files under tmp, the CLI arguments), what must happen."""

    id: str
    make: Callable[[Path], list]
    code: int
    stderr: str | None = None  # a regex that must match stderr ({tmp} is the case's directory)
    stdout: str | None = None  # a regex that must match stdout
    check: Callable[[Path], None] | None = None  # more checks of the outputs
    env: dict = field(default_factory=dict)


def _doc(tmp: Path, data: bytes | str, name: str = "doc.txt") -> Path:
    path = tmp / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def build(data: bytes | str, name: str = "doc.txt") -> Callable[[Path], list]:
    return lambda tmp: ["build", _doc(tmp, data, name), "-o", tmp / "o.trig", "-q", "-j", "1"]


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


# --------------------------------------------------------------------------- encodings

def _ok() -> str:
    return r"1 assessment graph\(s\), \d+ triples"


ENCODINGS = [
    Case("utf-8-bom", build(codecs.BOM_UTF8 + DATA), 0, stdout=_ok()),
    Case("utf-16-le-bom", build(TEXT.encode("utf-16")), 0, stdout=_ok()),
    Case("utf-16-be-bom", build(codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be")), 0, stdout=_ok()),
    Case("cp932", build(TEXT.encode("cp932", errors="replace")), 0, stdout=_ok()),
    Case("euc-jp", build(TEXT.encode("euc_jp", errors="replace")), 0, stdout=_ok()),
    Case("crlf", build(TEXT.replace("\n", "\r\n")), 0, stdout=_ok()),
    Case("cr-only", build(TEXT.replace("\n", "\r")), 0, stdout=_ok()),
    Case("utf-16-without-bom", build(TEXT.encode("utf-16-le")), 2,
         stderr=r"error: {tmp}/doc\.txt: byte 1: NUL byte in a text without a UTF-16 byte-order mark"),
    Case("utf-16-odd-length", build(TEXT.encode("utf-16") + b"\x00"), 2,
         stderr=r"error: {tmp}/doc\.txt: byte \d+: invalid utf-16 byte sequence"),
    Case("overlong-utf-8", build(DATA[:5000] + b"\xc0\xaf" + DATA[5000:]), 2,
         stderr=r"error: {tmp}/doc\.txt: byte \d+: line \d+: invalid .* byte sequence"),
    Case("utf-8-surrogate", build(DATA[:9000] + b"\xed\xa0\x80" + DATA[9000:]), 2,
         stderr=r"error: {tmp}/doc\.txt: byte \d+: line \d+: invalid .* byte sequence"),
    Case("binary-png", build(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))), 2,
         stderr=r"error: {tmp}/doc\.txt: byte 8: NUL byte"),
]


# --------------------------------------------------------------------------- truncation

_LINES = DATA.split(b"\n")


def _truncated_lines(fraction: float) -> Case:
    kept = int(len(_LINES) * fraction)
    data = b"\n".join(_LINES[:kept])
    if kept == 0:
        return Case(f"lines-{fraction}", build(data), 2,
                    stderr=r"error: {tmp}/doc\.txt:1: no item of the 特定個人情報保護評価書 form was recognised")
    # a partial assessment is kept as far as it goes; the summary says how little was recognised
    summary = (r".* — only 1 part\(s\) of the form recognised" if kept < 25  # the title and header only
               else r"練馬区長 重点項目評価書 No\.7: \d+ file\(s\)")
    return Case(f"lines-{fraction}", build(data), 0, stdout=rf"  {{tmp}}/doc\.txt: {summary}")


def _cut_inside_a_character(fraction: float) -> Case:
    offset = int(len(DATA) * fraction)
    while DATA[offset] & 0xF0 != 0xE0:  # the lead byte of a 3-byte (kana, kanji) character
        offset += 1
    data = DATA[:offset + 1]
    return Case(f"cut-in-character-{fraction}", build(data), 2,
                stderr=rf"error: {{tmp}}/doc\.txt: byte {offset}: line {_line_of(data, offset)}: invalid UTF-8 byte sequence")


TRUNCATION = ([_truncated_lines(f) for f in (0, 0.01, 0.05, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 0.99)]
              + [_cut_inside_a_character(f) for f in (0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95)])


# --------------------------------------------------------------------------- structure

def _concatenated(layout: str, first: int, second: int) -> Callable[[Path], list]:
    def make(tmp: Path) -> list:
        files = sorted((VARIANTS / layout).glob("*.txt"))
        if len(files) < 4:
            pytest.skip(f"needs {VARIANTS}/{layout}")
        return build(files[first].read_bytes() + b"\n" + files[second].read_bytes())(tmp)
    return make


SECOND = r"error: {tmp}/doc\.txt:[\w:]+: a second assessment starts here"
STRUCTURE = [
    Case("empty", build(b""), 2, stderr=r"error: {tmp}/doc\.txt:1: no item of the 特定個人情報保護評価書 form"),
    Case("blank-lines", build("\n" * 10000 + " \t\n" * 100), 2, stderr=r"error: {tmp}/doc\.txt:1: no item of the"),
    Case("prose-only", build("吾輩は猫である。名前はまだ無い。\n" * 2000), 2, stderr=r"error: {tmp}/doc\.txt:1: no item of the"),
    Case("one-megabyte-line", build("あ" * 350_000), 2, stderr=r"error: {tmp}/doc\.txt:1: no item of the"),
    Case("blank-lines-before-the-form", build("\n" * 100_000 + TEXT), 0, stdout=_ok()),
    Case("the-same-assessment-twice", build(TEXT + "\n" + TEXT), 2, stderr=SECOND),
    Case("text-lines-concatenated", _concatenated("text-lines", 0, 3), 2, stderr=SECOND),
    Case("text-lines-concatenated-reversed", _concatenated("text-lines", 3, 1), 2, stderr=SECOND),
    Case("text-pages-concatenated", _concatenated("text-pages", 0, 3), 2, stderr=SECOND),
    Case("text-pages-concatenated-reversed", _concatenated("text-pages", 2, 0), 2, stderr=SECOND),
    Case("pdf-header-then-junk", build(b"%PDF-1.7\n" + b"junk " * 200, "doc.pdf"), 2,
         stderr=r"error: {tmp}/doc\.pdf: cannot open PDF"),
    Case("text-named-pdf", build(DATA, "doc.pdf"), 0, stdout=_ok()),
]


# --------------------------------------------------------------------------- injection in the fields

PAYLOADS = {  # kind -> (payload, a part of it that must reach the graph as text: tags are not kept)
    "script": ("<script>alert(1)</script>", "alert(1)"),
    "turtle": ('"""> . <urn:x> <urn:y> "injected" . #', '"injected" . #'),
    "template": (r"{?value} {$this} \1 \g<0>", r"{?value} {$this} \1"),
    "sparql": ('" } ; DROP ALL ; #', '" } ; DROP ALL ; #'),
}
FIELDS = {  # a passage of the example -> the field it is the value of
    "title": "7\t介護保険事務 重点項目評価書",
    "file-name": "1. 特定個人情報ファイル名\t\n介護保険情報ファイル\t",
    "contractor": "株式会社両備システムズ",
    "legal-basis": "①法令上の根拠\t\t番号法第19条第7号別表第二",
    "purpose": "②提供先における用途\t\t番号法第19条第7号別表第二で規定された事務",
    "system": "①システムの名称\tサービス検索・電子申請機能",
}


def _injected(field_name: str, payload: str) -> Callable[[Path], list]:
    passage = FIELDS[field_name]
    assert passage in TEXT, passage
    value = passage.rstrip("\t")
    text = TEXT.replace(passage, value + " " + payload + passage[len(value):], 1)
    return lambda tmp: ["run", _doc(tmp, text), "-o", tmp / "out", "-q", "-j", "1"]


def _inert(kept: str) -> Callable[[Path], None]:
    def check(tmp: Path) -> None:
        out = tmp / "out"
        for page in ("map.html", "validation.html"):
            assert "<script>alert(1)" not in (out / page).read_text(encoding="utf-8")
        dataset = Dataset()
        dataset.parse(out / "graph.trig", format="trig")
        literals = {str(o) for _, _, o, _ in dataset.quads() if isinstance(o, Literal)}
        assert any(kept in value or unicodedata.normalize("NFKC", kept) in value for value in literals)
        assert not any(str(s) == "urn:x" for s, _, _, _ in dataset.quads())  # nothing injected as a triple
        [facts] = (out / "facts").glob("*.json")
        json.loads(facts.read_text(encoding="utf-8"))
    return check


INJECTION = [Case(f"inject-{kind}-in-{name}", _injected(name, payload), 0, stdout=r"1 assessment\(s\)",
                  check=_inert(kept))
             for name in FIELDS for kind, (payload, kept) in PAYLOADS.items()]


# --------------------------------------------------------------------------- SPARQL parameters

def _query(*params: str) -> Callable[[Path], list]:
    return lambda tmp: ["query", "recipients-of", EXAMPLE, "-f", "csv", *[x for p in params for x in ("--param", p)]]


SPARQL = [
    Case("param-closes-the-literal", _query('organization=練馬区長" } } DELETE WHERE { ?s ?p ?o } #'), 0,
         stdout=r"^[^\n]*\n?$"),
    Case("param-iri-break", _query("organization=> <urn:x> ?p ?o"), 0, stdout=r"^[^\n]*\n?$"),
    Case("param-variable", _query("organization=?organization"), 0, stdout=r"^[^\n]*\n?$"),
    Case("param-newline", _query("organization=練馬区長\n} #"), 0, stdout=r"^[^\n]*\n?$"),
    Case("param-unknown-name", _query("nonsense=1"), 2, stderr=r"unknown parameter\(s\) nonsense"),
    Case("param-without-value", _query("organization"), 2, stderr=r"NAME=VALUE"),
    Case("query-file-missing", lambda tmp: ["query", tmp / "none.rq", EXAMPLE], 2, stderr=r"none\.rq"),
]


# --------------------------------------------------------------------------- file-system conditions

def _copy(tmp: Path, name: str = "doc.txt") -> Path:
    return _doc(tmp, DATA, name)


def _untouched(name: str = "doc.txt") -> Callable[[Path], None]:
    def check(tmp: Path) -> None:
        assert (tmp / name).read_bytes() == DATA
        assert not list(tmp.rglob("*.partial"))
    return check


def _nothing_written(*names: str) -> Callable[[Path], None]:
    def check(tmp: Path) -> None:
        for name in names:
            assert not (tmp / name).exists(), name
        assert not list(tmp.rglob("*.partial"))
    return check


def _symlinked(tmp: Path) -> list:
    doc = _copy(tmp)
    (tmp / "link.txt").symlink_to(doc)
    return ["build", tmp / "link.txt", "-o", doc, "-q"]


def _hard_linked(tmp: Path) -> list:
    doc = _copy(tmp)
    os.link(doc, tmp / "other.txt")
    return ["build", doc, "-o", tmp / "other.txt", "-q"]


def _listed(tmp: Path) -> list:
    _copy(tmp)
    (tmp / "list.txt").write_text(f"{tmp / 'doc.txt'}\n", encoding="utf-8")
    return ["build", f"@{tmp / 'list.txt'}", "-o", tmp / "doc.txt", "-q"]


def _relative(tmp: Path) -> list:
    _copy(tmp)
    os.chdir(tmp)
    return ["build", "./doc.txt", "-o", os.path.join(str(tmp), ".", "doc.txt"), "-q"]


def _fifo(tmp: Path) -> list:
    os.mkfifo(tmp / "fifo.txt")
    return ["build", tmp / "fifo.txt", _copy(tmp), "-o", tmp / "o.trig", "-q", "-j", "1"]


def _non_utf8_name(tmp: Path) -> list:
    directory = os.fsencode(tmp / "names")
    os.makedirs(directory)
    with open(directory + b"/\xff\xfe.txt", "wb") as handle:
        handle.write(DATA)
    return ["run", os.fsdecode(directory), "-o", tmp / "out", "-q", "-j", "1"]


def _non_utf8_twice(tmp: Path) -> list:
    """The same assessment under two names that are not UTF-8: reports, notes and json stay writable."""
    _non_utf8_name(tmp)
    directory = os.fsencode(tmp / "names")
    with open(directory + b"/\xfd.txt", "wb") as handle:
        handle.write(DATA)
    return ["validate", os.fsdecode(directory), "-f", "json", "-o", tmp / "r.json", "-q", "-j", "1"]


def _non_utf8_report(tmp: Path) -> None:
    report = json.loads((tmp / "r.json").read_text(encoding="utf-8"))
    # one version under two names: the note names both and the one validated, which the report shows
    kept = [a["source"].rsplit("/", 1)[-1] for a in report["assessments"]]
    assert kept == ["\\xfd.txt"]
    assert "\\xff\\xfe.txt and" in report["notes"][0] and report["notes"][0].endswith(f"only {report['assessments'][0]['source']} was validated")


def _non_utf8_written(tmp: Path) -> None:
    trig = (tmp / "out" / "graph.trig").read_text(encoding="utf-8")
    assert "\\\\xff\\\\xfe.txt" in trig or "\\xff\\xfe.txt" in trig


def _duplicate_names(tmp: Path) -> list:
    _doc(tmp, DATA, "a/doc.txt")
    _doc(tmp, b"\x00", "b/doc.txt")
    return ["build", tmp / "a" / "doc.txt", tmp / "b" / "doc.txt", "-o", tmp / "o.trig", "-q", "-j", "1"]


def _missing_in_batch(tmp: Path) -> list:
    return ["build", tmp / "missing.txt", _copy(tmp), "-o", tmp / "o.trig", "-q", "-j", "1"]


def _glob_in_batch(tmp: Path) -> list:
    return ["build", str(tmp / "nothing-*.txt"), _copy(tmp), "-o", tmp / "o.trig", "-q", "-j", "1"]


def _bad_list_line(tmp: Path) -> list:
    (tmp / "list.txt").write_text(f"{_copy(tmp)}\n{tmp / 'gone.txt'}\n", encoding="utf-8")
    return ["build", f"@{tmp / 'list.txt'}", "-o", tmp / "o.trig", "-q", "-j", "1"]


def _directory_as_file(tmp: Path) -> list:
    (tmp / "o.trig").mkdir()
    return ["build", _copy(tmp), "-o", tmp / "o.trig", "-q"]


def _file_as_directory(tmp: Path) -> list:
    return ["build", _copy(tmp), "-o", tmp / "doc.txt" / "o.trig", "-q"]


def _facts_over_input(tmp: Path) -> list:
    doc = _copy(tmp, "out/doc.json")  # a document whose facts file would be itself
    return ["facts", doc, "-o", tmp / "out", "-q", "-j", "1"]


def _run_over_input(tmp: Path) -> list:
    _copy(tmp)
    (tmp / "out").mkdir()
    first = cli("build", tmp / "doc.txt", "-o", tmp / "out" / "graph.trig", "-q")
    assert first.exit_code == 0
    return ["run", tmp / "out" / "graph.trig", "-o", tmp / "out", "-q", "-j", "1"]


def _graph_untouched(tmp: Path) -> None:
    assert b"pdg:Assessment" in (tmp / "out" / "graph.trig").read_bytes()


FILES = [
    Case("output-under-proc", lambda tmp: ["build", _copy(tmp), "-o", "/proc/x.trig"], 2,
         stderr=r"^error: /proc/x\.trig: cannot write: .+\n$"),
    Case("output-in-missing-directory", lambda tmp: ["build", _copy(tmp), "-o", tmp / "missing/dir/o.trig"], 2,
         stderr=r"^error: {tmp}/missing/dir/o\.trig: cannot write: no such directory: {tmp}/missing/dir\n$"),
    Case("output-under-a-file", _file_as_directory, 2,
         stderr=r"^error: {tmp}/doc\.txt/o\.trig: cannot write: not a directory: {tmp}/doc\.txt\n$", check=_untouched()),
    Case("output-is-a-directory", _directory_as_file, 2, stderr=r"{tmp}/o\.trig' is a directory"),
    Case("facts-under-proc", lambda tmp: ["facts", _copy(tmp), "-o", "/proc/f"], 2,
         stderr=r"^error: /proc/f: cannot create the directory: .+\n$"),
    Case("validate-html-under-proc", lambda tmp: ["validate", "--format", "html", "-o", "/proc/r.html", _copy(tmp)], 2,
         stderr=r"^error: /proc/r\.html: cannot write: .+\n$"),
    Case("run-under-proc", lambda tmp: ["run", _copy(tmp), "-o", "/proc/r"], 2,
         stderr=r"^error: /proc/r: cannot create the directory: .+\n$"),
    Case("map-under-proc", lambda tmp: ["map", _copy(tmp), "-o", "/proc/m.html"], 2,
         stderr=r"^error: /proc/m\.html: cannot write: .+\n$"),
    Case("build-over-its-input", lambda tmp: ["build", _copy(tmp), "-o", tmp / "doc.txt"], 2,
         stderr=r"error: {tmp}/doc\.txt: refused: it is an input of this command", check=_untouched()),
    Case("build-over-an-input-of-a-directory", lambda tmp: ["build", tmp, "-o", _copy(tmp)], 2,
         stderr=r"error: {tmp}/doc\.txt: refused: it is an input", check=_untouched()),
    Case("build-over-an-input-of-a-list", _listed, 2, stderr=r"refused: it is an input", check=_untouched()),
    Case("build-over-an-input-through-a-symlink", _symlinked, 2,
         stderr=r"error: {tmp}/doc\.txt: refused: it is an input of this command \({tmp}/link\.txt\)",
         check=_untouched()),
    Case("build-over-an-input-through-a-hard-link", _hard_linked, 2, stderr=r"refused: it is an input",
         check=_untouched()),
    Case("build-over-an-input-by-another-path", _relative, 2, stderr=r"refused: it is an input of this command \(\./doc\.txt\)",
         check=_untouched()),
    Case("map-over-its-input", lambda tmp: ["map", _copy(tmp), "-o", tmp / "doc.txt"], 2,
         stderr=r"refused: it is an input", check=_untouched()),
    Case("validate-over-its-input", lambda tmp: ["validate", _copy(tmp), "-o", tmp / "doc.txt"], 2,
         stderr=r"refused: it is an input", check=_untouched()),
    Case("run-over-its-input-graph", _run_over_input, 2,
         stderr=r"error: {tmp}/out/graph\.trig: refused: it is an input", check=_graph_untouched),
    Case("facts-directory-is-a-file", lambda tmp: ["facts", _copy(tmp), "-o", tmp / "doc.txt" / "f"], 2,
         stderr=r"error: {tmp}/doc\.txt/f: cannot create the directory", check=_untouched()),
    Case("dev-zero", lambda tmp: ["build", "/dev/zero", "-o", tmp / "o.trig", "-q"], 2,
         stderr=r"error: /dev/zero: refused: a character device, not a regular file"),
    Case("dev-zero-as-rdf", lambda tmp: ["validate", "/dev/zero"], 2, stderr=r"error: /dev/zero: refused: a character"),
    Case("query-file-is-a-device", lambda tmp: ((tmp / "z.rq").symlink_to("/dev/zero"), ["query", tmp / "z.rq", EXAMPLE])[1],
         2, stderr=r"{tmp}/z\.rq: refused: a character device, not a regular file"),
    Case("query-file-is-a-fifo", lambda tmp: (os.mkfifo(tmp / "q.rq"), ["query", tmp / "q.rq", EXAMPLE])[1], 2,
         stderr=r"{tmp}/q\.rq: refused: a FIFO \(named pipe\), not a regular file"),
    Case("shapes-file-is-a-fifo", lambda tmp: (os.mkfifo(tmp / "s.ttl"), ["validate", "--shapes", tmp / "s.ttl",
                                                                          _copy(tmp)])[1], 2,
         stderr=r"^error: {tmp}/s\.ttl: refused: a FIFO \(named pipe\), not a regular file\n$"),
    Case("list-file-is-a-device", lambda tmp: ["build", "@/dev/zero", _copy(tmp), "-o", tmp / "o.trig", "-q", "-j", "1"],
         2, stderr=r"error: @/dev/zero: cannot read the list of paths: refused: a character device",
         stdout=r"1 assessment graph\(s\)"),
    Case("fifo-in-a-batch", _fifo, 2, stderr=r"error: {tmp}/fifo\.txt: refused: a FIFO \(named pipe\), not a regular file",
         stdout=r"1 assessment graph\(s\)"),
    Case("missing-file-in-a-batch", _missing_in_batch, 2, stderr=r"^error: {tmp}/missing\.txt: no such file or directory\n$",
         stdout=r"1 assessment graph\(s\)"),
    Case("glob-matching-nothing-in-a-batch", _glob_in_batch, 2, stderr=r"no file matches the pattern",
         stdout=r"1 assessment graph\(s\)"),
    Case("list-line-naming-nothing", _bad_list_line, 2, stderr=r"list\.txt:2: {tmp}/gone\.txt: no such file or directory",
         stdout=r"1 assessment graph\(s\)"),
    Case("duplicate-file-names", _duplicate_names, 2, stderr=r"^error: {tmp}/b/doc\.txt: byte 0: NUL byte",
         stdout=r"  {tmp}/a/doc\.txt: 練馬区長"),
    Case("file-name-not-utf-8", _non_utf8_name, 0, stdout=r"1 assessment\(s\)", check=_non_utf8_written),
    Case("file-names-not-utf-8-in-a-json-report", _non_utf8_twice, 0, stderr=r"note: .*\\xff\\xfe\.txt and .*\\xfd\.txt hold the same version .*: only .*\\xfd\.txt was validated",
         check=_non_utf8_report),
    Case("facts-over-its-input", _facts_over_input, 2, stderr=r"error: {tmp}/out/doc\.json: refused: it is an input",
         check=_untouched("out/doc.json")),
]


# --------------------------------------------------------------------------- RDF inputs

def _rdf(name: str, text: str, command: str = "build") -> Callable[[Path], list]:
    def make(tmp: Path) -> list:
        path = _doc(tmp, text, name)
        return [command, path, "-o", tmp / "o.trig", "-q"] if command == "build" else [command, path]
    return make


RDF = [
    Case("trig-broken", _rdf("g.trig", "this is not trig {"), 2, stderr=r"error: {tmp}/g\.trig: cannot parse as trig"),
    Case("trig-empty", _rdf("g.trig", ""), 0, stdout=r"0 assessment graph\(s\)"),
    Case("turtle-without-assessment", _rdf("g.ttl", "<urn:a> <urn:b> <urn:c> .\n", "validate"), 2,
         stderr=r"{tmp}/g\.ttl: .*no assessment"),
    Case("nquads-garbage", _rdf("g.nq", "<urn:a> <urn:b> .\n"), 2, stderr=r"error: {tmp}/g\.nq: cannot parse as nquads"),
    Case("json-ld-not-json", _rdf("g.jsonld", "{not json"), 2, stderr=r"error: {tmp}/g\.jsonld: cannot parse as json-ld"),
    Case("rdf-xml-not-xml", _rdf("g.rdf", "<rdf:RDF"), 2, stderr=r"error: {tmp}/g\.rdf: cannot parse as xml"),
    Case("rdf-xml-external-dtd", _rdf("g.rdf", '<?xml version="1.0"?>\n<!DOCTYPE r SYSTEM "http://127.0.0.1:9/x.dtd">\n'
                                               '<r/>'), 2, stderr=r"error: {tmp}/g\.rdf: refused: the DOCTYPE names an external DTD"),
    Case("validate-text-errors-on-stderr", _rdf("g.trig", "broken {", "validate"), 2,
         stderr=r"^error: {tmp}/g\.trig: cannot parse as trig.*\n$", stdout=r"^(?!.*error)"),
]


# --------------------------------------------------------------------------- sizes

def _sparse(tmp: Path, size: int, name: str = "big.txt") -> Path:
    path = tmp / name
    with open(path, "wb") as handle:
        handle.truncate(size)
    return path


SIZES = [
    Case("over-the-default-limit", lambda tmp: ["build", _sparse(tmp, 60 * 1024 ** 2), "-o", tmp / "o.trig", "-q"], 2,
         stderr=r"error: {tmp}/big\.txt: refused: 60\.0 MB, above the size limit of 50\.0 MB "
                r"\(raise it with --max-size or PDGRAPH_MAX_SIZE\)"),
    Case("pdf-over-the-default-limit", lambda tmp: ["build", _sparse(tmp, 51 * 1024 ** 2, "big.pdf"), "-o", tmp / "o.trig"],
         2, stderr=r"error: {tmp}/big\.pdf: refused: 51\.0 MB, above the size limit"),
    Case("over-max-size-option", lambda tmp: ["--max-size", "10K", "build", _copy(tmp), "-o", tmp / "o.trig", "-q"], 2,
         stderr=r"error: {tmp}/doc\.txt: refused: \d+\.\d KB, above the size limit of 10\.0 KB"),
    Case("over-max-size-env", lambda tmp: ["build", _copy(tmp), "-o", tmp / "o.trig", "-q"], 2,
         stderr=r"error: {tmp}/doc\.txt: refused: .* above the size limit of 20\.0 KB", env={"PDGRAPH_MAX_SIZE": "20k"}),
    Case("max-size-zero-is-no-limit", lambda tmp: ["--max-size", "0", "build", _copy(tmp), "-o", tmp / "o.trig", "-q"],
         0, stdout=_ok()),
    Case("max-size-not-a-size", lambda tmp: ["--max-size", "lots", "build", _copy(tmp), "-o", tmp / "o.trig"], 2,
         stderr=r"Invalid value for '--max-size': 'lots' is not a size"),
    Case("annex-of-400-rows", lambda tmp: ["validate", _doc(tmp, _annex_rows(400)), "-q", "-j", "1"], 0,
         stdout=r"1 assessment\(s\) validated"),
]


def _annex_rows(count: int) -> str:
    return with_annex_rows(TEXT, count)


CASES = ENCODINGS + TRUNCATION + STRUCTURE + INJECTION + SPARQL + FILES + RDF + SIZES


def test_there_are_well_over_80_cases():
    assert len(CASES) >= 100
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hostile_input(tmp_path, case, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = case.make(tmp_path)
    result = cli(*args, env=case.env or None)
    where = re.escape(str(tmp_path))
    assert result.exit_code == case.code, (result.stdout, result.stderr)
    if case.stderr is not None:
        assert re.search(case.stderr.replace("{tmp}", where), result.stderr, re.M | re.S), result.stderr
    if case.stdout is not None:
        assert re.search(case.stdout.replace("{tmp}", where), result.stdout, re.M), result.stdout
    if case.code == 2:
        assert all(line.startswith(("error: ", "note: ", "Usage:", "Try ", "Error:", ""))
                   for line in result.stderr.splitlines())
    if case.check is not None:
        case.check(tmp_path)


# --------------------------------------------------------------------------- reports name what they could not read

def _batch_with_a_missing_input(tmp: Path) -> tuple[Path, Path]:
    return _copy(tmp), tmp / "gone.txt"


def test_run_report_lists_every_input_it_could_not_read(tmp_path):
    doc, gone = _batch_with_a_missing_input(tmp_path)
    binary = _doc(tmp_path, b"\x00\x01", "binary.txt")
    result = cli("run", doc, gone, binary, "-o", tmp_path / "out", "-q", "-j", "1")
    assert result.exit_code == 2
    assert f"error: {gone}: no such file or directory" in result.stderr
    assert f"error: {binary}: byte 0: NUL byte" in result.stderr
    assert "2 input(s) could not be read" in result.stdout
    for name in ("validation.txt", "validation.html"):
        page = (tmp_path / "out" / name).read_text(encoding="utf-8")
        assert str(gone) in page and str(binary) in page, name
    assert "2 input(s) could not be read" in (tmp_path / "out" / "validation.txt").read_text(encoding="utf-8")
    assert "2 件の入力を読み込めませんでした" in (tmp_path / "out" / "validation.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["text", "json", "ttl", "html"])
def test_validate_report_lists_every_input_it_could_not_read(tmp_path, fmt):
    doc, gone = _batch_with_a_missing_input(tmp_path)
    out = tmp_path / f"report.{fmt}"
    result = cli("validate", doc, gone, "-f", fmt, "-o", out, "-q", "-j", "1")
    assert result.exit_code == 2
    assert f"error: {gone}: no such file or directory" in result.stderr
    report = out.read_text(encoding="utf-8")
    assert f"{gone}: no such file or directory" in report
    if fmt == "json":
        assert json.loads(report)["errors"] == [{"source": str(gone), "message": f"{gone}: no such file or directory"}]


def test_validate_text_on_stdout_has_no_error_lines(tmp_path):
    doc, gone = _batch_with_a_missing_input(tmp_path)
    result = cli("validate", doc, gone, "-q", "-j", "1")
    assert result.exit_code == 2
    assert "error" not in result.stdout
    assert "1 input(s) could not be read" in result.stdout
    assert result.stderr == f"error: {gone}: no such file or directory\n"


# --------------------------------------------------------------------------- no traceback unless --debug

def _broken_build(monkeypatch):
    build_command = importlib.import_module("pdgraph.cli.build")  # the module, not the click command

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(build_command, "build_corpus", boom)


def test_an_unexpected_error_is_one_line_without_debug(tmp_path, monkeypatch):
    _broken_build(monkeypatch)
    result = cli("build", _copy(tmp_path), "-o", tmp_path / "o.trig")
    assert result.exit_code == 2
    assert result.stderr == ("error: internal error (RuntimeError: boom); run again with --debug for the traceback "
                             "and please report it\n")


def test_debug_shows_the_traceback(tmp_path, monkeypatch):
    _broken_build(monkeypatch)
    result = CliRunner().invoke(main, ["--debug", "build", str(_copy(tmp_path)), "-o", str(tmp_path / "o.trig")])
    assert isinstance(result.exception, RuntimeError)


def test_a_library_error_reaching_the_group_is_one_line(tmp_path, monkeypatch):
    from pdgraph.errors import PdgraphError
    build_command = importlib.import_module("pdgraph.cli.build")  # the module, not the click command

    def refuse(*args, **kwargs):
        raise PdgraphError("somewhere: a reason")

    monkeypatch.setattr(build_command, "OutputFiles", refuse)
    result = cli("build", _copy(tmp_path), "-o", tmp_path / "o.trig")
    assert (result.exit_code, result.stderr) == (2, "error: somewhere: a reason\n")


# --------------------------------------------------------------------------- large sizes (slow)

@pytest.mark.slow
def test_a_10_mb_document_is_built_in_memory_proportional_to_it(tmp_path):
    """A 10 MB document (the example's 別紙1 rows copied), under the default size limit, is built;
    the peak memory of the process stays within 200 bytes per byte of document (measured ~100:
    docs/scale.md, benchmarks/bench_hostile.py)."""
    import subprocess
    import sys

    per_row = (len(_annex_rows(240).encode()) - len(_annex_rows(0).encode())) / 240
    doc = _doc(tmp_path, _annex_rows(int(10 * 1024 ** 2 / per_row)))
    assert 9.5 * 1024 ** 2 < doc.stat().st_size < 11 * 1024 ** 2
    child = ("import resource, subprocess, sys; code = subprocess.run(sys.argv[1:], capture_output=True).returncode; "
             "print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    command = [sys.executable, "-c", child, sys.executable, "-m", "pdgraph", "build", str(doc),
               "-o", str(tmp_path / "o.trig"), "-q", "-j", "1"]
    code, peak_kb = subprocess.run(command, capture_output=True, text=True, timeout=1800).stdout.split()
    assert code == "0"
    assert int(peak_kb) * 1024 < 200 * doc.stat().st_size


# --------------------------------------------------------------------------- two inputs with one file name

def test_two_inputs_with_one_file_name_are_told_apart(tmp_path):
    other = sorted((ROOT / "examples").glob("*.txt"))[0]
    first, second = _doc(tmp_path, DATA, "a/doc.txt"), _doc(tmp_path, other.read_bytes(), "b/doc.txt")
    built = cli("build", first, second, "-o", tmp_path / "o.trig", "-q", "-j", "1")
    assert built.exit_code == 0
    assert f"  {first}: 練馬区長" in built.stdout and f"  {second}: " in built.stdout
    validated = cli("validate", first, second, "-q", "-j", "1")
    assert f"({first}) — " in validated.stdout and f"({second}) — " in validated.stdout
    ran = cli("run", first, second, "-o", tmp_path / "out", "-q", "-j", "1")
    assert ran.exit_code in (0, 1)
    page = (tmp_path / "out" / "validation.html").read_text(encoding="utf-8")
    assert str(first) in page and str(second) in page
    assert len(list((tmp_path / "out" / "facts").glob("*.json"))) == 2  # doc.json and doc-<graph>.json
