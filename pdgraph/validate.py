"""Stage 6, validate: legal-basis conformance of each assessment graph with SHACL.

    assessment graph --(shapes/*.ttl, pyshacl or pyrudof)--> results
                     --(locate, explain)--> `Finding` records --> `Report`
                     --> text | json | ttl | html

Design (see docs/validation.md):
- The shapes are local to one assessment, so every assessment graph is
  validated on its own: cost grows linearly and batches spread over processes.
- pyshacl is the reference engine (run on an Oxigraph store per assessment:
  its SPARQL constraints are then ~40x faster than on rdflib's memory store).
  pyrudof (Rust) runs the same shapes files; it validates a small batch of
  assessments in one call after giving each its own IRIs (so no node is
  shared between them), which is the same as validating them one by one.
  tests/test_validate_engines.py proves both engines give identical results;
  pyrudof is slower on these shapes, so pyshacl stays the default.
- A result becomes a typed `Finding`: severity enum, focus, path, value,
  shape, message in Japanese and English (from the shape's sh:message, its
  {?var} placeholders filled from the result and the shape's
  pdgsh:messageQuery) and the document:line it was read from.
- The library returns objects; only the CLI prints and chooses exit codes.
"""
from __future__ import annotations

import gc
import html
import json
import multiprocessing
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from .errors import PdgraphError
from .pipeline import Problem, assessment_graphs, ingest, is_rdf
from .rdfmap import digest
from .vocab import ID, PDG, PREFIXES

SH = Namespace("http://www.w3.org/ns/shacl#")
PDGSH = Namespace("https://w3id.org/pdgraph/shapes#")
SHAPES_DIR = Path(__file__).resolve().parent.parent / "shapes"
REPORT_NS = Namespace(f"{ID}validation/")


class ShapesError(PdgraphError):
    """The SHACL shapes files cannot be read."""


class EngineError(PdgraphError):
    """The requested SHACL engine is not installed or failed."""


# --------------------------------------------------------------------------- records


class Severity(str, Enum):
    """sh:Violation > sh:Warning > sh:Info."""

    VIOLATION = "Violation"
    WARNING = "Warning"
    INFO = "Info"

    @property
    def iri(self) -> URIRef:
        return SH[self.value]

    @property
    def rank(self) -> int:
        """0 for the most severe (sort key)."""
        return list(Severity).index(self)

    @classmethod
    def parse(cls, value: object) -> "Severity":
        """From sh:Violation (IRI), "Violation" or "violation"."""
        text = str(value).rsplit("#", 1)[-1].rsplit("/", 1)[-1].lower()
        for severity in cls:
            if severity.value.lower() == text:
                return severity
        raise ValueError(f"not a SHACL severity: {value}")


@dataclass(frozen=True)
class Location:
    """Where a finding was read: document name and 1-based line (either may be unknown)."""

    document: str | None
    line: int | None

    def __str__(self) -> str:
        return f"{self.document or '?'}:{self.line if self.line is not None else '?'}"


@dataclass(frozen=True)
class Finding:
    """One SHACL result, located and explained."""

    severity: Severity
    shape: str
    focus: str
    path: str | None
    value: str | int | float | bool | None
    message_ja: str
    message_en: str
    source: Location
    component: str | None = None
    value_is_iri: bool = False

    def message(self, lang: str = "both") -> str:
        """The message in "ja", "en" or "both" (Japanese / English)."""
        if lang == "ja":
            return self.message_ja
        if lang == "en":
            return self.message_en
        return f"{self.message_ja} / {self.message_en}"

    @property
    def shape_name(self) -> str:
        return _local_name(self.shape)

    def sort_key(self) -> tuple:
        return (self.source.line if self.source.line is not None else 10**9, self.severity.rank, self.shape,
                self.focus, str(self.path), str(self.value))

    def to_json(self, lang: str = "both") -> dict:
        return {"severity": self.severity.value, "message": self.message(lang),
                "messages": {"ja": self.message_ja, "en": self.message_en},
                "focus": self.focus, "path": self.path, "value": self.value, "shape": self.shape,
                "component": self.component,
                "source": {"document": self.source.document, "line": self.source.line}}


@dataclass
class AssessmentResult:
    """The findings of one assessment graph, with what identifies the assessment to a reader."""

    graph: str
    assessment: str | None = None
    document: str | None = None
    document_node: str | None = None
    organization: str | None = None
    kind: str | None = None
    number: str | None = None
    title: str | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        """True when there is no Violation (Warnings and Infos allowed)."""
        return not any(f.severity is Severity.VIOLATION for f in self.findings)

    def counts(self) -> dict[str, int]:
        counter = Counter(f.severity for f in self.findings)
        return {s.value: counter.get(s, 0) for s in Severity}

    @property
    def heading(self) -> str:
        parts = [self.organization or "?", self.kind or "評価書"]
        if self.number:
            parts.append(f"No.{self.number}")
        return " ".join(parts)

    def to_json(self) -> dict:
        return {"graph": self.graph, "assessment": self.assessment, "document": self.document,
                "organization": self.organization, "kind": self.kind, "number": self.number,
                "title": self.title, "conforms": self.conforms, "counts": self.counts()}


@dataclass
class Report:
    """A validation run: per-assessment results, the inputs that could not be read, the engine used."""

    results: list[AssessmentResult]
    engine: str
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return all(r.conforms for r in self.results)

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.results for f in r.findings]

    def counts(self) -> dict[str, int]:
        counter = Counter(f.severity for f in self.findings)
        return {s.value: counter.get(s, 0) for s in Severity}


# --------------------------------------------------------------------------- shapes


@dataclass(frozen=True)
class ShapeInfo:
    """What the report needs to know about a shape (read from the shapes graph)."""

    iri: str
    severity: Severity
    label_ja: str
    label_en: str
    comment: str
    message_ja: str
    message_en: str
    located_by: tuple[str, ...] = ()
    message_query: str | None = None


@dataclass
class Shapes:
    """The shapes graph (for pyshacl), its Turtle text (for pyrudof) and per-shape information."""

    graph: Graph
    turtle: str
    info: dict[str, ShapeInfo]
    files: tuple[str, ...]


def _lang_literal(graph: Graph, node, predicate, lang: str) -> str:
    values = list(graph.objects(node, predicate))
    for value in values:
        if isinstance(value, Literal) and value.language == lang:
            return str(value)
    plain = [str(v) for v in values if isinstance(v, Literal) and not v.language]
    return plain[0] if plain else ""


def _shape_info(graph: Graph, node: URIRef) -> ShapeInfo:
    severity = graph.value(node, SH.severity)
    located = tuple(sorted(str(p) for p in graph.objects(node, PDGSH.locatedBy)))
    query = graph.value(node, PDGSH.messageQuery)
    return ShapeInfo(
        iri=str(node), severity=Severity.parse(severity) if severity is not None else Severity.VIOLATION,
        label_ja=_lang_literal(graph, node, RDFS.label, "ja"), label_en=_lang_literal(graph, node, RDFS.label, "en"),
        comment=_lang_literal(graph, node, RDFS.comment, "en") or _lang_literal(graph, node, RDFS.comment, "ja"),
        message_ja=_lang_literal(graph, node, SH.message, "ja"), message_en=_lang_literal(graph, node, SH.message, "en"),
        located_by=located,
        message_query=str(query) if query is not None else None)


def shape_nodes(graph: Graph) -> list[URIRef]:
    """The named shapes of a shapes graph (node shapes and top-level property shapes)."""
    nodes = set(graph.subjects(RDF.type, SH.NodeShape)) | set(graph.subjects(RDF.type, SH.PropertyShape))
    return sorted(n for n in nodes if isinstance(n, URIRef))


def shape_files(paths: Iterable[str | Path] | None = None) -> tuple[Path, ...]:
    """The shapes files to use: the given files / directories, else shapes/*.ttl of the project."""
    chosen = [Path(p) for p in paths] if paths else [SHAPES_DIR]
    files: list[Path] = []
    for path in chosen:
        files.extend(sorted(path.glob("*.ttl")) if path.is_dir() else [path])
    if not files:
        raise ShapesError(f"no shapes (*.ttl) found in {', '.join(str(p) for p in chosen)}")
    return tuple(files)


def load_shapes(paths: Iterable[str | Path] | None = None) -> Shapes:
    """Parse the shapes files (cached per file set and modification time)."""
    files = shape_files(paths)
    return _load_shapes(tuple(str(f) for f in files), tuple(f.stat().st_mtime_ns if f.exists() else 0 for f in files))


@lru_cache(maxsize=8)
def _load_shapes(files: tuple[str, ...], _mtimes: tuple[int, ...]) -> Shapes:
    graph = Graph()
    for prefix, namespace in {**PREFIXES, "sh": SH, "pdgsh": PDGSH}.items():
        graph.bind(prefix, namespace, override=True)
    for name in files:
        try:
            graph.parse(name, format="turtle")
        except Exception as error:  # rdflib raises parser-specific types
            raise ShapesError(f"{name}: cannot parse the shapes: {error}") from None
    info = {str(node): _shape_info(graph, node) for node in shape_nodes(graph)}
    return Shapes(graph, graph.serialize(format="turtle"), info, files)


# --------------------------------------------------------------------------- engines


@dataclass(frozen=True)
class RawResult:
    """An engine's result before it is located and explained (terms as rdflib terms)."""

    shape: str
    severity: Severity
    focus: URIRef | BNode | Literal
    path: URIRef | None
    value: URIRef | BNode | Literal | None
    component: str | None

    def key(self) -> tuple:
        """Engine-neutral identity (for comparing engines)."""
        value = None if self.value is None else (type(self.value).__name__, str(self.value))
        return (self.shape, self.severity.value, str(self.focus), None if self.path is None else str(self.path),
                value, self.component)


def graph_triples(graph: Graph) -> list[tuple]:
    """All triples of a graph, fast.

    rdflib's public iteration over a graph of a Dataset works out every
    triple's set of contexts (~7 µs a triple); the Memory store keeps a set of
    triples per context, which is read directly when the store is a Memory
    store. Any other store is iterated the public way.
    """
    index = getattr(graph.store, "_Memory__contextTriples", None)
    if isinstance(index, dict) and isinstance(graph.identifier, (URIRef, BNode)):
        triples = index.get(f"{graph.identifier.__class__.__name__}:{graph.identifier}")
        if triples is not None:
            return list(triples)
    return list(graph)


def _n3(term) -> str:
    return f"<{term}>" if isinstance(term, URIRef) else term.n3()


def graph_turtle(graph: Graph, rename: Callable[[URIRef], URIRef] | None = None, bnode_prefix: str = "") -> str:
    """A graph as one-triple-per-line Turtle (no prefixes), IRIs optionally renamed."""
    lines = []
    for triple in graph_triples(graph):
        terms = []
        for term in triple:
            if rename is not None and isinstance(term, URIRef):
                term = rename(term)
            terms.append(f"_:{bnode_prefix}{term}" if isinstance(term, BNode) else _n3(term))
        lines.append(" ".join(terms) + " .")
    return "\n".join(lines)


def results_from_report(report: Graph) -> list[RawResult]:
    """The sh:ValidationResult nodes of a SHACL report graph as `RawResult`s."""
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        shape = report.value(node, SH.sourceShape)
        path = report.value(node, SH.resultPath)
        component = report.value(node, SH.sourceConstraintComponent)
        results.append(RawResult(
            shape=str(shape), severity=Severity.parse(report.value(node, SH.resultSeverity)),
            focus=report.value(node, SH.focusNode), path=path if isinstance(path, URIRef) else None,
            value=report.value(node, SH.value), component=str(component) if component is not None else None))
    return results


_PYSHACL_PATCHED = False


def _speed_up_pyshacl() -> None:
    """Memoise pyshacl's per-focus-node regex checks of SPARQL constraint text.

    pyshacl re-checks the (constant) query text with several regexes for every
    focus node; that was half of its run time here. The check depends only on
    the text and on which variables may be pre-bound, so caching it changes
    nothing but speed (a query that fails the check still raises every time).
    """
    global _PYSHACL_PATCHED
    if _PYSHACL_PATCHED:
        return
    try:
        from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper
        original = SPARQLQueryHelper.check_invalid_sparql
    except (ImportError, AttributeError):  # another pyshacl version: run it unchanged
        _PYSHACL_PATCHED = True
        return
    checked: set[tuple] = set()

    def check_invalid_sparql(self, sparql_text, valuenode=None, extravars=None):
        key = (sparql_text, valuenode is None, frozenset(extravars or ()))
        if key not in checked:
            original(self, sparql_text, valuenode=valuenode, extravars=extravars)
            checked.add(key)
        return True

    SPARQLQueryHelper.check_invalid_sparql = check_invalid_sparql
    _PYSHACL_PATCHED = True


class PyshaclEngine:
    """The reference engine: pyshacl, one assessment graph at a time.

    The graph is copied into an in-memory Oxigraph store when pyoxigraph is
    installed (pyshacl runs SPARQL constraints on it natively), else into a
    standalone rdflib graph.
    """

    name = "pyshacl"
    batch_size = 1
    OPTIONS = {"inference": "none", "inplace": True, "allow_warnings": True, "allow_infos": True,
               "advanced": False}

    def __init__(self, shapes: Shapes):
        try:
            from pyshacl.shapes_graph import ShapesGraph
        except ImportError:
            raise EngineError("the pyshacl engine needs the pyshacl package") from None

        _speed_up_pyshacl()
        self.shapes = shapes
        self.shapes_graph = ShapesGraph(shapes.graph)  # shapes harvested once, reused for every graph
        try:
            import pyoxigraph  # noqa: F401
            self.oxigraph = True
        except ImportError:
            self.oxigraph = False

    def _data(self, graph: Graph):
        if self.oxigraph:
            import pyoxigraph as ox
            store = ox.Store()
            try:
                store.load(graph_turtle(graph).encode("utf-8"), format=ox.RdfFormat.TURTLE)
                return store
            except (SyntaxError, ValueError):  # an IRI Oxigraph rejects: use rdflib
                pass
        data = Graph()
        for triple in graph_triples(graph):
            data.add(triple)
        return data

    def validate(self, graphs: Sequence[Graph]) -> list[list[RawResult]]:
        from pyshacl import Validator
        from pyshacl.errors import ValidationFailure
        from pyshacl.graph_abstraction import DataGraph

        out = []
        for graph in graphs:
            data = self._data(graph)
            wrapped = DataGraph.from_rdflib(data) if isinstance(data, Graph) else DataGraph.from_oxigraph_store(data)
            validator = Validator(wrapped, shacl_graph=self.shapes.graph, options=dict(self.OPTIONS))
            validator.shacl_graph = self.shapes_graph
            try:
                _conforms, report, _text = validator.run()
            except ValidationFailure as error:
                raise EngineError(f"pyshacl cannot run the shapes: {error}") from None
            out.append(results_from_report(report))
        return out


_BATCH_IRI = re.compile(r"^urn:pdgraph-batch:(\d+):")
_VOCABULARY = tuple(str(ns) for ns in (PDG, RDF, RDFS, XSD, SH, DCTERMS)) + (
    "https://w3id.org/dpv", "http://www.w3.org/2004/02/skos/core#", "http://www.w3.org/ns/prov#",
    "http://www.w3.org/2002/07/owl#")


def _batch_renamer(index: int) -> Callable[[URIRef], URIRef]:
    """Give every non-vocabulary IRI of assessment ``index`` its own name inside a batch."""
    prefix = f"urn:pdgraph-batch:{index}:"

    def rename(term: URIRef) -> URIRef:
        text = str(term)
        return term if text.startswith(_VOCABULARY) else URIRef(prefix + text)

    return rename


def _unbatch(term):
    """(index, original term) of a renamed term; (None, term) for vocabulary and literals."""
    if isinstance(term, URIRef):
        match = _BATCH_IRI.match(str(term))
        if match:
            return int(match.group(1)), URIRef(str(term)[match.end():])
    if isinstance(term, BNode):
        match = re.match(r"^g(\d+)x", str(term))
        if match:
            return int(match.group(1)), BNode(str(term)[match.end():])
    return None, term


class PyrudofEngine:
    """pyrudof (Rust SHACL), the same shapes files, a batch of assessments per call.

    pyrudof pays ~40 ms per data load however small the data, so assessments
    are validated in small batches (its SPARQL constraints slow down as the
    data grows, so a batch stays small); inside a batch every IRI outside the vocabularies
    is prefixed with the assessment's position, so no node is shared between
    assessments and each is validated exactly as if it were alone.
    """

    name = "pyrudof"
    batch_size = 4
    # Rust runtimes do not survive fork(): once a process has used pyrudof it never
    # forks workers again (validate_graphs then runs sequentially).
    used_in: set[int] = set()

    def __init__(self, shapes: Shapes):
        try:
            import pyrudof
        except ImportError:
            raise EngineError("the pyrudof engine needs the pyrudof package (pip install pyrudof)") from None
        self.pyrudof = pyrudof
        self.shapes = shapes
        PyrudofEngine.used_in.add(os.getpid())
        self.rudof = pyrudof.Rudof(pyrudof.RudofConfig())
        self.rudof.read_shacl(shapes.turtle, format=pyrudof.ShaclFormat.Turtle)

    def validate(self, graphs: Sequence[Graph]) -> list[list[RawResult]]:
        pr = self.pyrudof
        text = "\n".join(graph_turtle(g, _batch_renamer(i), f"g{i}x") for i, g in enumerate(graphs))
        self.rudof.reset_data()
        self.rudof.read_data(text or "<urn:pdgraph:empty> <urn:pdgraph:empty> <urn:pdgraph:empty> .",
                             format=pr.RDFFormat.Turtle, reader_mode=pr.ReaderMode.Strict)
        report = self.rudof.validate_shacl()
        out: list[list[RawResult]] = [[] for _ in graphs]
        if report.conforms:
            return out
        triples = self.rudof.serialize_shacl_validation_results(format=pr.ResultShaclValidationFormat.NTriples)
        for raw in results_from_report(Graph().parse(data=triples, format="nt")):
            index, focus = _unbatch(raw.focus)
            _, value = _unbatch(raw.value)
            if index is None:
                raise EngineError(f"pyrudof reported a result on a shared node: {raw.focus}")
            out[index].append(RawResult(raw.shape, raw.severity, focus, raw.path, value, raw.component))
        return out


ENGINES: dict[str, type] = {"pyshacl": PyshaclEngine, "pyrudof": PyrudofEngine}


def available_engines() -> list[str]:
    names = []
    for name, module in (("pyshacl", "pyshacl"), ("pyrudof", "pyrudof")):
        try:
            __import__(module)
            names.append(name)
        except ImportError:
            pass
    return names


DEFAULT_ENGINE = "pyshacl"


def default_engine() -> str:
    """The engine used unless one is named: pyshacl, the reference.

    pyrudof gives identical results (tests/test_validate_engines.py) but is
    slower on these SPARQL-heavy shapes (benchmarks/bench_validate.py), so it
    is not the default; it is used only when pyshacl is missing.
    """
    installed = available_engines()
    return DEFAULT_ENGINE if DEFAULT_ENGINE in installed or not installed else installed[0]


def _engine_class(name: str | None) -> type:
    name = default_engine() if name in (None, "auto") else name
    if name not in ENGINES:
        raise EngineError(f"unknown SHACL engine {name!r} (choose from {', '.join(ENGINES)})")
    if name not in available_engines():
        raise EngineError(f"the {name} engine is not installed (pip install {name})")
    return ENGINES[name]


def make_engine(name: str | None, shapes: Shapes):
    return _engine_class(name)(shapes)


def _can_fork(engine_class: type) -> bool:
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    return not (engine_class is PyrudofEngine and os.getpid() in PyrudofEngine.used_in)


# --------------------------------------------------------------------------- locate and explain

# Links from a node up to the node that owns it (walked when a focus node has no line).
_OWNERS_INVERSE = (PDG.legalBasisStatement, PDG.numberUseBasis, PDG.linkageProvisionBasis, PDG.linkageInquiryBasis,
                   PDG.hasFlow, PDG.hasReentrustment, PDG.hasFile, PDG.hasAnnex, PDG.hasChange, PDG.usesSystem,
                   PDG.cites)
_OWNERS_FORWARD = (PDG.breakdownOf, PDG.file)


def _line_of(graph: Graph, node) -> int | None:
    if isinstance(node, Literal):
        value = node.toPython()
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    lines = [v.toPython() for v in graph.objects(node, PDG.sourceLine) if isinstance(v, Literal)]
    lines = [v for v in lines if isinstance(v, int)]
    return min(lines) if lines else None


def _first_line(graph: Graph, values: Iterable) -> int | None:
    lines = [line for line in (_line_of(graph, v) for v in values) if line is not None]
    return min(lines) if lines else None


def _walk_up(graph: Graph, focus, depth: int = 5) -> int | None:
    frontier, seen = [focus], {focus}
    for _ in range(depth):
        parents = []
        for node in frontier:
            parents += [o for p in _OWNERS_FORWARD for o in graph.objects(node, p)]
            parents += [s for p in _OWNERS_INVERSE for s in graph.subjects(p, node)]
        parents = [p for p in parents if p not in seen]
        for parent in sorted(parents, key=str):
            line = _line_of(graph, parent)
            if line is not None:
                return line
        seen.update(parents)
        frontier = parents
    return None


def _document_of(graph: Graph, focus) -> str | None:
    document = graph.value(focus, PDG.sourceDocument)
    if document is None:
        document = next(iter(sorted(graph.subjects(RDF.type, PDG.SourceDocument), key=str)), None)
    name = graph.value(document, PDG.fileName) if document is not None else None
    return str(name) if name is not None else None


def locate(graph: Graph, focus, path: URIRef | None, info: ShapeInfo | None) -> Location:
    """The document and line to cite for a result.

    In order: the shape's pdgsh:locatedBy property from the focus (a node with
    pdg:sourceLine, or an integer line such as pdg:reentrustmentLine); the node
    the result path leads to; the focus node's own line; the line of the
    nearest owner (pdg:breakdownOf, the statement's flow, the flow's file, …).
    """
    line = None
    for predicate in info.located_by if info else ():  # a located node, or an integer line (pdg:reentrustmentLine)
        line = _first_line(graph, graph.objects(focus, URIRef(predicate)))
        if line is not None:
            break
    if line is None and path is not None:  # only a node the path leads to, never a literal value
        line = _first_line(graph, (v for v in graph.objects(focus, path) if not isinstance(v, Literal)))
    if line is None:
        line = _line_of(graph, focus)
    if line is None:
        line = _walk_up(graph, focus)
    return Location(_document_of(graph, focus), line)


_PLACEHOLDER = re.compile(r"\{[?$](\w+)\}")


def _display(term) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        for prefix, namespace in PREFIXES.items():
            if str(term).startswith(str(namespace)) and prefix != "pid":
                return f"{prefix}:{str(term)[len(str(namespace)):]}"
    return str(term)


def _message_bindings(graph: Graph, raw: RawResult, info: ShapeInfo | None) -> dict[str, str]:
    bindings = {"this": _display(raw.focus), "focusNode": _display(raw.focus),
                "path": _display(raw.path), "value": _display(raw.value)}
    if info and info.message_query:
        init = {"this": raw.focus}
        if raw.path is not None:
            init["path"] = raw.path
        if raw.value is not None:
            init["value"] = raw.value
        try:
            rows = list(graph.query(info.message_query, initBindings=init))
        except Exception:  # a broken message query must not hide the finding
            rows = []
        if rows:
            for name, value in rows[0].asdict().items():
                if name not in ("this", "path", "value"):
                    bindings[name] = _display(value)
    return bindings


def fill_message(template: str, bindings: dict[str, str]) -> str:
    """Replace {?var} / {$var} placeholders (SHACL-SPARQL message syntax)."""
    return _PLACEHOLDER.sub(lambda m: bindings.get(m.group(1), m.group(0)), template)


def _python_value(term):
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return value if isinstance(value, (str, int, float, bool)) else str(term)
    return str(term)


def explain(graph: Graph, raw: RawResult, shapes: Shapes) -> Finding:
    """A located, bilingual `Finding` from an engine result."""
    info = shapes.info.get(raw.shape)
    bindings = _message_bindings(graph, raw, info)
    ja = fill_message(info.message_ja, bindings) if info and info.message_ja else ""
    en = fill_message(info.message_en, bindings) if info and info.message_en else ""
    if not (ja or en):  # a shape without sh:message (not ours): say at least what failed
        ja = en = f"{_local_name(raw.shape)}: {_local_name(raw.component or '')} ({_display(raw.value)})"
    return Finding(severity=raw.severity, shape=raw.shape, focus=str(raw.focus),
                   path=str(raw.path) if raw.path is not None else None, value=_python_value(raw.value),
                   message_ja=ja, message_en=en, source=locate(graph, raw.focus, raw.path, info),
                   component=raw.component, value_is_iri=isinstance(raw.value, URIRef))


def assessment_result(graph: Graph, raws: Iterable[RawResult], shapes: Shapes) -> AssessmentResult:
    """Explain the results of one assessment graph and describe the assessment."""
    node = next(iter(sorted(graph.subjects(RDF.type, PDG.Assessment), key=str)), None)

    def text(predicate) -> str | None:
        value = graph.value(node, predicate) if node is not None else None
        return str(value) if value is not None else None

    findings = sorted({explain(graph, raw, shapes) for raw in raws}, key=Finding.sort_key)
    document = graph.value(node, PDG.sourceDocument) if node is not None else None
    return AssessmentResult(graph=str(graph.identifier), assessment=str(node) if node is not None else None,
                            document=_document_of(graph, node) if node is not None else None,
                            document_node=str(document) if document is not None else None,
                            organization=text(PDG.organizationName), kind=text(PDG.assessmentKind),
                            number=text(PDG.assessmentNumber), title=text(DCTERMS.title), findings=findings)


def _local_name(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1] if iri else ""


# --------------------------------------------------------------------------- run

# Worker state: set in the parent before forking, read by the children.
_JOB: dict = {}


_ENGINES: dict[tuple, object] = {}


def cached_engine(name: str | None, shapes: Shapes):
    """One engine per (engine, shapes, process): pyshacl harvests the shapes once, pyrudof loads them once."""
    key = (default_engine() if name in (None, "auto") else name, id(shapes), os.getpid())
    if key not in _ENGINES:
        _ENGINES[key] = make_engine(key[0], shapes)
    return _ENGINES[key]


def _worker_engine():
    return cached_engine(_JOB["engine_name"], _JOB["shapes"])


def _validate_chunk(indices: Sequence[int]) -> list[AssessmentResult]:
    graphs = [_JOB["graphs"][i] for i in indices]
    engine = _worker_engine()
    raws = engine.validate(graphs)
    return [assessment_result(g, r, _JOB["shapes"]) for g, r in zip(graphs, raws)]


def _chunks(count: int, size: int) -> list[list[int]]:
    return [list(range(start, min(start + size, count))) for start in range(0, count, size)]


def validate_graphs(graphs: Sequence[Graph], shapes: Shapes | None = None, engine: str | None = None,
                    jobs: int | None = None) -> list[AssessmentResult]:
    """Validate each assessment graph on its own; spread batches over ``jobs`` processes.

    ``jobs`` defaults to the number of CPUs; processes are forked (POSIX) so
    the graphs are shared, not copied; elsewhere the run is sequential.
    """
    shapes = shapes or load_shapes()
    name = default_engine() if engine in (None, "auto") else engine
    engine_class = _engine_class(name)  # fail early: unknown or missing engine
    jobs = max(1, jobs if jobs is not None else (os.cpu_count() or 1))
    parallel = jobs > 1 and len(graphs) >= 2 * jobs and _can_fork(engine_class)
    size = engine_class.batch_size if engine_class.batch_size > 1 else 4
    chunks = _chunks(len(graphs), size)
    _JOB.clear()
    _JOB.update(graphs=list(graphs), shapes=shapes, engine_name=name)
    try:
        if parallel:
            gc.freeze()  # children would otherwise walk (and so copy) every inherited object at their first GC
            try:
                with multiprocessing.get_context("fork").Pool(jobs) as pool:
                    parts = pool.map(_validate_chunk, chunks, chunksize=1)
            finally:
                gc.unfreeze()
        else:
            parts = [_validate_chunk(chunk) for chunk in chunks]
    finally:
        _JOB.clear()
    return [result for part in parts for result in part]


def validate_dataset(dataset: Dataset, shapes: Shapes | None = None, engine: str | None = None,
                     jobs: int | None = None) -> Report:
    """Validate every assessment graph of a dataset."""
    started = time.perf_counter()
    name = default_engine() if engine in (None, "auto") else engine
    results = validate_graphs(assessment_graphs(dataset), shapes, name, jobs)
    return Report(results, name, seconds=time.perf_counter() - started)


def validate_paths(paths: Iterable[str | Path], shapes: Shapes | None = None, engine: str | None = None,
                   jobs: int | None = None, progress: Callable[[str], None] | None = None) -> Report:
    """Ingest documents and RDF files, then validate every assessment they hold.

    A source that cannot be read, or an RDF file that holds no assessment, is
    a `Problem` of the report (it never stops the others).
    """
    shapes = shapes or load_shapes()
    ingested = ingest(list(paths), progress=progress)
    problems, notes = list(ingested.problems), []
    sources: dict[URIRef, str] = {}
    for key, graph_names in ingested.graphs.items():
        holding = [n for n in graph_names if (None, RDF.type, PDG.Assessment) in ingested.dataset.graph(n)]
        if not holding:
            reason = ("holds no assessment graph (no pdg:Assessment)" if graph_names or not is_rdf(key)
                      else "adds no assessment graph (empty, or only graphs already loaded)")
            problems.append(Problem(key, f"{key}: {reason}"))
        for graph_name in holding:
            if graph_name in sources:
                notes.append(f"{sources[graph_name]} and {key} are the same assessment (評価実施機関 + 評価書番号): "
                             f"only {key} was validated")
            sources[graph_name] = key
    started = time.perf_counter()
    name = default_engine() if engine in (None, "auto") else engine
    graphs = [ingested.dataset.graph(n) for n in sorted(sources, key=str)]
    results = sorted(validate_graphs(graphs, shapes, name, jobs), key=lambda r: (r.document or "", r.graph))
    return Report(results, name, problems, time.perf_counter() - started, notes)


def compare_engines(graphs: Sequence[Graph], shapes: Shapes | None = None) -> list[tuple[str, set, set]]:
    """Per graph: (graph, results only pyshacl gave, results only pyrudof gave); empty sets mean identical."""
    shapes = shapes or load_shapes()
    reference = PyshaclEngine(shapes).validate(graphs)
    rudof = PyrudofEngine(shapes)
    other = [r for chunk in _chunks(len(graphs), rudof.batch_size)
             for r in rudof.validate([graphs[i] for i in chunk])]
    out = []
    for graph, a, b in zip(graphs, reference, other):
        keys_a, keys_b = {r.key() for r in a}, {r.key() for r in b}
        out.append((str(graph.identifier), keys_a - keys_b, keys_b - keys_a))
    return out


# --------------------------------------------------------------------------- render

FORMATS = ("text", "json", "ttl", "html")


def render(report: Report, fmt: str = "text", lang: str = "both", shapes: Shapes | None = None) -> str:
    """The report in one of `FORMATS`."""
    if fmt == "text":
        return render_text(report, lang)
    if fmt == "json":
        return render_json(report, lang)
    if fmt == "ttl":
        return render_ttl(report)
    if fmt == "html":
        return render_html(report, lang, shapes or load_shapes())
    raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")


def _count_text(counts: dict[str, int]) -> str:
    names = {"Violation": "violation", "Warning": "warning", "Info": "info"}
    return ", ".join(f"{counts[k]} {v}{'' if counts[k] == 1 else 's'}" for k, v in names.items())


def render_text(report: Report, lang: str = "both") -> str:
    """Plain text, grouped by assessment: severity, document:line, message, value."""
    out = []
    for result in report.results:
        state = "conforms" if result.conforms else "DOES NOT CONFORM"
        out.append(f"{result.heading} ({result.document or result.graph}) — {state}; {_count_text(result.counts())}")
        for finding in result.findings:
            out.append(f"  {finding.severity.value:<9} {finding.source}  [{finding.shape_name}]")
            for language in (("ja", "en") if lang == "both" else (lang,)):
                out.append(f"      {finding.message(language)}")
            if finding.value not in (None, ""):
                out.append(f"      value: {finding.value}")
        out.append("")
    for problem in report.problems:
        out.append(f"error: {problem.message}")
    total = report.counts()
    state = "conforms" if report.conforms else "does not conform"
    out.append(f"{len(report.results)} assessment(s) validated with {report.engine}: {_count_text(total)} — {state}")
    return "\n".join(out) + "\n"


def report_json(report: Report, lang: str = "both") -> dict:
    return {"conforms": report.conforms, "engine": report.engine, "counts": report.counts(),
            "assessments": [r.to_json() for r in report.results],
            "results": [dict(f.to_json(lang), assessment=r.assessment, graph=r.graph)
                        for r in report.results for f in r.findings],
            "errors": [{"source": p.path, "message": p.message} for p in report.problems],
            "notes": list(report.notes)}


def render_json(report: Report, lang: str = "both") -> str:
    return json.dumps(report_json(report, lang), ensure_ascii=False, indent=2) + "\n"


def _value_term(finding: Finding) -> Literal | URIRef | None:
    if finding.value is None:
        return None
    return URIRef(str(finding.value)) if finding.value_is_iri else Literal(finding.value)


def report_graph(report: Report) -> Graph:
    """The SHACL validation report graph of the run, each result with its document and line.

    Node IRIs are derived from the content, so the same run gives the same graph.
    """
    graph = Graph()
    for prefix, namespace in {**PREFIXES, "sh": SH, "pdgsh": PDGSH}.items():
        graph.bind(prefix, namespace, override=True)
    keys = [f"{r.graph} {f.sort_key()}" for r in report.results for f in r.findings]
    node = REPORT_NS[digest(report.engine, *keys, length=16)]
    graph.add((node, RDF.type, SH.ValidationReport))
    graph.add((node, SH.conforms, Literal(report.conforms)))
    for result in report.results:
        for position, finding in enumerate(result.findings, start=1):
            item = URIRef(f"{node}/{digest(result.graph, length=12)}/{position}")
            graph.add((node, SH.result, item))
            graph.add((item, RDF.type, SH.ValidationResult))
            graph.add((item, SH.resultSeverity, finding.severity.iri))
            graph.add((item, SH.focusNode, URIRef(finding.focus)))
            graph.add((item, SH.sourceShape, URIRef(finding.shape)))
            if finding.component:
                graph.add((item, SH.sourceConstraintComponent, URIRef(finding.component)))
            if finding.path:
                graph.add((item, SH.resultPath, URIRef(finding.path)))
            value = _value_term(finding)
            if value is not None:
                graph.add((item, SH.value, value))
            graph.add((item, SH.resultMessage, Literal(finding.message_ja, lang="ja")))
            graph.add((item, SH.resultMessage, Literal(finding.message_en, lang="en")))
            if result.assessment:
                graph.add((item, DCTERMS.subject, URIRef(result.assessment)))
            if result.document_node:
                graph.add((item, PDG.sourceDocument, URIRef(result.document_node)))
            if finding.source.line is not None:
                graph.add((item, PDG.sourceLine, Literal(finding.source.line)))
    return graph


def render_ttl(report: Report) -> str:
    return report_graph(report).serialize(format="turtle")


_CSS = """
body{font-family:"Hiragino Sans","Noto Sans CJK JP","Yu Gothic",sans-serif;margin:2em;color:#222;line-height:1.5}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #888}
table{border-collapse:collapse;width:100%;margin:.5em 0 1em}th,td{border:1px solid #bbb;padding:.3em .5em;
vertical-align:top;text-align:left}th{background:#eee}.sev{font-weight:bold;white-space:nowrap}
.Violation{color:#a00}.Warning{color:#a60}.Info{color:#036}.ok{color:#060;font-weight:bold}
.bad{color:#a00;font-weight:bold}.en{color:#555}.mono{font-family:monospace;font-size:.9em;word-break:break-all}
.small{font-size:.85em;color:#555}.line{white-space:nowrap;text-align:right}@media print{body{margin:0}h2{page-break-before:auto}tr{page-break-inside:avoid}}
"""


def _e(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def render_html(report: Report, lang: str = "both", shapes: Shapes | None = None) -> str:
    """A self-contained page (no scripts, no external resources); all document text escaped."""
    total = report.counts()
    state = ('<span class="ok">適合 / conforms</span>' if report.conforms
             else '<span class="bad">不適合 / does not conform</span>')
    parts = ['<!DOCTYPE html>', '<html lang="ja"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             '<title>特定個人情報保護評価書 適合性レポート / Conformance report</title>',
             f'<style>{_CSS}</style></head><body>',
             '<h1>特定個人情報保護評価書 法令上の根拠 適合性レポート<br>'
             '<span class="en">Legal-basis conformance report</span></h1>',
             f'<p>{state} — {len(report.results)} 評価書 / assessment(s); '
             f'{_e(_count_text(total))}; engine: {_e(report.engine)}</p>',
             '<table><tr><th>評価書 / Assessment</th><th>文書 / Document</th><th>結果 / Result</th></tr>']
    for index, result in enumerate(report.results, start=1):
        verdict = "適合 / conforms" if result.conforms else "不適合 / does not conform"
        parts.append(f'<tr><td><a href="#a{index}">{_e(result.heading)}</a><br><span class="small">'
                     f'{_e(result.title)}</span></td><td class="mono">{_e(result.document)}</td>'
                     f'<td class="{"ok" if result.conforms else "bad"}">{verdict}<br>'
                     f'<span class="small">{_e(_count_text(result.counts()))}</span></td></tr>')
    parts.append('</table>')
    if report.problems:
        parts.append('<h2>読み込めなかった入力 / Inputs that could not be read</h2><ul>')
        parts.extend(f'<li class="mono">{_e(p.message)}</li>' for p in report.problems)
        parts.append('</ul>')
    for index, result in enumerate(report.results, start=1):
        parts.append(f'<h2 id="a{index}">{_e(result.heading)} — {_e(result.title)}</h2>')
        parts.append(f'<p class="small">{_e(result.document)} · <span class="mono">{_e(result.assessment)}</span></p>')
        if not result.findings:
            parts.append('<p class="ok">指摘事項なし / No findings.</p>')
            continue
        parts.append('<table><tr><th>重要度<br>Severity</th><th>行<br>Line</th><th>内容 / Finding</th>'
                     '<th>値 / Value</th></tr>')
        for f in result.findings:
            messages = []
            if lang in ("ja", "both"):
                messages.append(f'<div>{_e(f.message_ja)}</div>')
            if lang in ("en", "both"):
                messages.append(f'<div class="en">{_e(f.message_en)}</div>')
            parts.append(f'<tr><td class="sev {f.severity.value}">{f.severity.value}</td>'
                         f'<td class="mono line" title="{_e(f.source)}">{_e(f.source.line)}</td><td>{"".join(messages)}'
                         f'<div class="small mono">{_e(f.shape_name)} · {_e(f.focus)}</div></td>'
                         f'<td>{_e(f.value)}</td></tr>')
        parts.append('</table>')
    if shapes is not None:
        parts.append('<h2>検査した規則 / Rules checked</h2><table><tr><th>規則 / Rule</th><th>重要度</th>'
                     '<th>根拠 / What it encodes</th></tr>')
        for info in sorted(shapes.info.values(), key=lambda i: (i.severity.rank, i.iri)):
            parts.append(f'<tr><td>{_e(info.label_ja)}<br><span class="en">{_e(info.label_en)}</span>'
                         f'<div class="small mono">{_e(_local_name(info.iri))}</div></td>'
                         f'<td class="sev {info.severity.value}">{info.severity.value}</td>'
                         f'<td class="small">{_e(info.comment)}</td></tr>')
        parts.append('</table>')
    parts.append('</body></html>')
    return "\n".join(parts) + "\n"
