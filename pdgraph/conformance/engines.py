"""Stage 6, validate — the engine adaptors: one assessment graph (or a small batch) in, `RawResult`s out.

    assessment graph --(PyshaclEngine: Oxigraph store per assessment)--> RawResult*
    assessment graphs --(PyrudofEngine: a batch, IRIs renamed apart)--> RawResult* per graph

Both engines run the same `Shapes` and give identical results
(tests/test_validate_engines.py); pyshacl is the reference and the default.
Also here: the engine registry (`ENGINES`, `default_engine`, `make_engine`,
`cached_engine`), fast access to a graph's triples, and the shims that
depend on library internals: `_memory_store_triples` (rdflib 7.6.0's Memory
store index), `_memoise_pyshacl_sparql_check` (a run-time patch of pyshacl
0.40.1) and `_reuse_harvested_shapes` (an attribute of pyshacl's Validator),
each with its fallback (tests/test_validate_compat.py).
"""
from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from ..errors import PdgraphError
from .records import SH, Severity
from .shapes import Shapes
from ..graph.triples import ntriples
from ..graph.vocab import PDG


class EngineError(PdgraphError):
    """The requested SHACL engine is not installed or failed."""


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


def _memory_store_triples(graph: Graph) -> set | None:
    """The triples of ``graph`` read from rdflib's private per-graph index, or None (then iterate publicly).

    Why: rdflib's public iteration over a graph of a Dataset works out every
    triple's set of contexts (~7 µs a triple), which dominated the set-up of a
    validation run; the Memory store already keeps one set of triples per
    graph.

    Written against rdflib 7.6.0, `rdflib.plugins.stores.memory.Memory`: the
    name-mangled attribute ``_Memory__contextTriples`` is a dict from
    ``"<identifier class>:<identifier>"`` (``Memory.__ctx_to_str``) to a set of
    triples.

    Fallback: None when the store is not a Memory store (or rdflib renamed or
    reshaped the index), the graph's identifier is not an IRI or blank node,
    or the index holds no entry for it; `graph_triples` then iterates the graph
    the public way: the same triples, only slower.
    """
    index = getattr(getattr(graph, "store", None), "_Memory__contextTriples", None)
    if isinstance(index, dict) and isinstance(graph.identifier, (URIRef, BNode)):
        return index.get(f"{graph.identifier.__class__.__name__}:{graph.identifier}")
    return None


def graph_triples(graph: Graph) -> list[tuple]:
    """All triples of a graph, fast: from the Memory store's own index when possible (`_memory_store_triples`)."""
    triples = _memory_store_triples(graph)
    return list(triples) if triples is not None else list(graph)


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


# None: not tried yet in this process; True: the memoised check is installed; False: fallback (pyshacl unchanged).
_PYSHACL_CHECK_PATCHED: bool | None = None


def _memoise_pyshacl_sparql_check() -> bool:
    """Memoise pyshacl's per-focus-node regex checks of SPARQL constraint text (a run-time patch).

    Why: pyshacl re-checks the (constant) query text of a SPARQL constraint
    with several regexes for every focus node; that was half of its run time
    here. The check depends only on the text and on which variables may be
    pre-bound, so caching it changes nothing but speed (a query that fails the
    check still raises every time, as failures are not cached).

    Written against pyshacl 0.40.1: it replaces the method
    ``pyshacl.helper.sparql_query_helper.SPARQLQueryHelper.check_invalid_sparql(
    self, sparql_text, valuenode=None, extravars=None)``; the original stays
    reachable as ``__wrapped__`` of the replacement. Done once per process.

    Fallback: when that class or method is not there (another pyshacl
    version), nothing is patched and pyshacl runs unchanged: same results,
    slower. Returns True when the memoised check is installed, else False.
    """
    global _PYSHACL_CHECK_PATCHED
    if _PYSHACL_CHECK_PATCHED is not None:
        return _PYSHACL_CHECK_PATCHED
    try:
        from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper
        original = SPARQLQueryHelper.check_invalid_sparql
    except (ImportError, AttributeError):  # another pyshacl version: run it unchanged
        _PYSHACL_CHECK_PATCHED = False
        return False
    checked: set[tuple] = set()

    def check_invalid_sparql(self, sparql_text, valuenode=None, extravars=None):
        key = (sparql_text, valuenode is None, frozenset(extravars or ()))
        if key not in checked:
            original(self, sparql_text, valuenode=valuenode, extravars=extravars)
            checked.add(key)
        return True

    check_invalid_sparql.__wrapped__ = original  # type: ignore[attr-defined]
    SPARQLQueryHelper.check_invalid_sparql = check_invalid_sparql
    _PYSHACL_CHECK_PATCHED = True
    return True


# None: not tried yet in this process; True: the batched evaluation is installed; False: pyshacl unchanged.
_PYSHACL_BATCH_PATCHED: bool | None = None
_WHERE_OPEN = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_PROJECTS_THIS = re.compile(r"\bSELECT\s+(?:DISTINCT\s+|REDUCED\s+)?[^{]*?[?$]this\b", re.IGNORECASE)


def _values_query(sparql_text: str, focus_nodes: Sequence[URIRef]) -> str | None:
    """The constraint's query for all ``focus_nodes`` at once: ``VALUES $this {…}`` opening its WHERE group.

    None when the text does not have the one shape this is proven for: a SELECT that projects
    ``$this`` and reports no ``?failure`` (then each focus node is queried on its own, as pyshacl does).
    """
    where = _WHERE_OPEN.search(sparql_text)
    if where is None or not _PROJECTS_THIS.search(sparql_text[:where.start() + 1]) or "failure" in sparql_text:
        return None
    values = " ".join(f"<{node}>" for node in focus_nodes)
    return f"{sparql_text[:where.end()]}\n  VALUES $this {{ {values} }}\n{sparql_text[where.end():]}"


def _batch_pyshacl_sparql_constraints() -> bool:
    """Evaluate each SPARQL constraint once per assessment graph, not once per focus node (a run-time patch).

    Why: Oxigraph parses and plans the query text on every call, ~0.3-0.5 ms for the shapes'
    longer constraints whatever the data; pyshacl calls it once per focus node (every flow,
    statement, annex row), so that fixed cost was most of the validation time and made an
    annex of N rows cost N plans. Here the constraint's query runs once with the focus nodes in
    a ``VALUES $this`` block opening its WHERE group, and its rows are handed back to pyshacl per
    focus node, so pyshacl builds the very same results. Used only when every focus node is an
    IRI and ``$this`` is the only pre-bound variable; otherwise pyshacl's own per-node path runs.
    tests/test_validate_compat.py checks the findings against the unpatched path.

    Written against pyshacl 0.40.1: it wraps
    ``pyshacl.constraints.sparql.sparql_based_constraints.SPARQLBasedConstraint.
    _evaluate_sparql_constraint(self, sparql_constraint, target_graph, f_v_dict)``, which calls
    ``self._validate_sparql_query(query, init_binds, target_graph)`` per focus node (the
    original stays reachable as ``__wrapped__``). Fallback: when that class or either method is
    not there, nothing is patched: same results, slower. Returns True when installed.
    """
    global _PYSHACL_BATCH_PATCHED
    if _PYSHACL_BATCH_PATCHED is not None:
        return _PYSHACL_BATCH_PATCHED
    try:
        from pyshacl.constraints.sparql.sparql_based_constraints import SPARQLBasedConstraint as Component
        original = Component._evaluate_sparql_constraint
        per_node = Component._validate_sparql_query
    except (ImportError, AttributeError):
        _PYSHACL_BATCH_PATCHED = False
        return False

    def evaluate(self, sparql_constraint, target_graph, f_v_dict):
        focus = list(f_v_dict)
        batched: dict = {}
        if len(focus) > 1 and all(isinstance(node, URIRef) for node in focus):
            binds, text = sparql_constraint.pre_bind_variables(focus[0])
            query = _values_query(sparql_constraint.apply_prefixes(text), focus) if set(binds) == {"this"} else None
            if query is not None:
                batched = {node: [] for node in focus}
                for row in per_node(self, query, {}, target_graph):
                    batched[row[0]].append(row)  # row = (this, path, value, other bindings)
        if not batched:
            return original(self, sparql_constraint, target_graph, f_v_dict)

        def rows_of(query, init_binds, graph):
            return batched[init_binds["this"]]

        self._validate_sparql_query = rows_of  # the instance's, for this call only
        try:
            return original(self, sparql_constraint, target_graph, f_v_dict)
        finally:
            del self._validate_sparql_query

    evaluate.__wrapped__ = original  # type: ignore[attr-defined]
    Component._evaluate_sparql_constraint = evaluate
    _PYSHACL_BATCH_PATCHED = True
    return True


def _reuse_harvested_shapes(validator, shapes_graph) -> bool:
    """Give a pyshacl ``Validator`` the `ShapesGraph` already harvested for the engine (an attribute assignment).

    Why: a new ``Validator`` wraps the shapes in a new ``ShapesGraph`` whose
    shapes are harvested again on its first run; harvesting once per engine
    and reusing it for every assessment graph saves that per assessment.

    Written against pyshacl 0.40.1, where ``Validator.shacl_graph`` is the
    (annotated, undocumented) attribute holding that ``ShapesGraph`` and is
    read only by ``Validator.run()``.

    Fallback: when the validator has no ``shacl_graph`` of the same type
    (another pyshacl version), it is left alone and harvests the shapes
    itself: same results, slower. Returns True when the shapes were reused.
    """
    if not isinstance(getattr(validator, "shacl_graph", None), type(shapes_graph)):
        return False
    validator.shacl_graph = shapes_graph
    return True


def without_messages(shapes_graph: Graph) -> Graph:
    """The shapes graph without its sh:message templates, for the engine.

    Why: pdgraph fills the message templates itself (`conformance.fill_message`,
    literal replacement). pyshacl fills them with ``re.sub(pattern, value, …)``,
    which reads a backslash in a value as a group reference: a legal-basis text
    such as ``別表(\\1,000円)`` made it raise ``re.error`` mid-validation.
    """
    graph = Graph()
    for prefix, namespace in shapes_graph.namespaces():
        graph.bind(prefix, namespace)
    for triple in shapes_graph:
        if triple[1] != SH.message:
            graph.add(triple)
    return graph


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

        _memoise_pyshacl_sparql_check()
        _batch_pyshacl_sparql_constraints()
        self.shapes = shapes
        self.engine_graph = without_messages(shapes.graph)
        self.shapes_graph = ShapesGraph(self.engine_graph)  # shapes harvested once, reused for every graph
        try:
            import pyoxigraph  # noqa: F401
            self.oxigraph = True
        except ImportError:
            self.oxigraph = False

    def _data(self, graph: Graph):
        if self.oxigraph and hasattr(graph, "oxigraph"):  # a TripleGraph: its store, kept for its queries
            try:
                return graph.oxigraph()
            except (SyntaxError, ValueError):  # an IRI Oxigraph rejects: use rdflib
                pass
        elif self.oxigraph:
            import pyoxigraph as ox
            store = ox.Store()
            try:
                store.load(ntriples(graph_triples(graph)).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
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
            validator = Validator(wrapped, shacl_graph=self.engine_graph, options=dict(self.OPTIONS))
            _reuse_harvested_shapes(validator, self.shapes_graph)
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


def engine_class(name: str | None) -> type:
    """The engine class named (None or "auto": the default); `EngineError` when unknown or not installed."""
    name = default_engine() if name in (None, "auto") else name
    if name not in ENGINES:
        raise EngineError(f"unknown SHACL engine {name!r} (choose from {', '.join(ENGINES)})")
    if name not in available_engines():
        raise EngineError(f"the {name} engine is not installed (pip install {name})")
    return ENGINES[name]


def make_engine(name: str | None, shapes: Shapes):
    return engine_class(name)(shapes)


_ENGINES: dict[tuple, object] = {}


def cached_engine(name: str | None, shapes: Shapes):
    """One engine per (engine, shapes, process): pyshacl harvests the shapes once, pyrudof loads them once."""
    key = (default_engine() if name in (None, "auto") else name, id(shapes), os.getpid())
    if key not in _ENGINES:
        _ENGINES[key] = make_engine(key[0], shapes)
    return _ENGINES[key]


def can_fork(chosen: type) -> bool:
    """Whether worker processes may be forked for this engine class in this process."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    return not (chosen is PyrudofEngine and os.getpid() in PyrudofEngine.used_in)
