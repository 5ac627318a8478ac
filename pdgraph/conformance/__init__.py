"""Stage 6, validate: legal-basis conformance of each assessment graph with SHACL (the public API).

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
  pdgsh:messageQuery) and the document:line it was read from (document:place,
  e.g. file.pdf:p12:L7, when the document is a PDF or has page-long lines).
- The library returns objects; only the CLI prints and chooses exit codes.

This module holds the entry points (`validate_paths`, `validate_dataset`,
`validate_graphs`, `compare_engines`), the parallel run, and locating and
explaining engine results. The rest lives in modules of its own and is
re-exported here, so ``from pdgraph.conformance import ...`` keeps working:

    pdgraph.conformance.records   Severity, Location, Finding, AssessmentResult, Report
    pdgraph.conformance.shapes    Shapes, ShapeInfo, load_shapes (shapes/*.ttl)
    pdgraph.conformance.engines   PyshaclEngine, PyrudofEngine, the engine registry
    pdgraph.conformance.report    render: text | json | ttl | html
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import re
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from ..files import shown_path
from ..graph.ingest import Problem, assessment_graphs
from ..graph.stores import StoreError
from ..graph.stream import Finished, GraphData, GraphStream, Outcome, Progress, each_graph
from ..graph.versions import SameVersion, versions_by_assessment
from .engines import (DEFAULT_ENGINE, ENGINES, EngineError, PyrudofEngine, PyshaclEngine, RawResult,
                                 available_engines, cached_engine, can_fork, default_engine, engine_class,
                                 graph_triples, graph_turtle, make_engine, results_from_report)
from .records import (PDGSH, SH, AssessmentResult, Finding, Location, Report, Severity, local_name,
                                 prefixed_graph)
from .report import (FORMATS, REPORT_NS, render, render_html, render_json, render_text, render_ttl,
                                report_graph, report_json)
from .shapes import SHAPES_DIR, ShapeInfo, Shapes, ShapesError, load_shapes, shape_files, shape_nodes
from ..graph.vocab import FIELD_PLACES, PDG, PREFIXES

__all__ = [
    # records (pdgraph.conformance.records)
    "SH", "PDGSH", "Severity", "Location", "Finding", "AssessmentResult", "Report", "local_name", "prefixed_graph",
    # shapes (pdgraph.conformance.shapes)
    "SHAPES_DIR", "ShapesError", "ShapeInfo", "Shapes", "load_shapes", "shape_files", "shape_nodes",
    # engines (pdgraph.conformance.engines)
    "EngineError", "RawResult", "PyshaclEngine", "PyrudofEngine", "ENGINES", "DEFAULT_ENGINE", "available_engines",
    "default_engine", "engine_class", "make_engine", "cached_engine", "graph_triples", "graph_turtle",
    "results_from_report",
    # report (pdgraph.conformance.report)
    "FORMATS", "REPORT_NS", "render", "render_text", "render_json", "render_ttl", "render_html", "report_json",
    "report_graph",
    # this module: locate and explain, run
    "locate", "fill_message", "explain", "assessment_result",
    "validate_one", "validate_graphs", "validate_dataset", "validate_paths", "validate_store", "compare_engines",
]


# --------------------------------------------------------------------------- locate and explain

# Links from a node up to the node that owns it (walked when a focus node has no line).
_OWNERS_INVERSE = (PDG.legalBasisStatement, PDG.numberUseBasis, PDG.linkageProvisionBasis, PDG.linkageInquiryBasis,
                   PDG.hasFlow, PDG.hasReentrustment, PDG.hasFile, PDG.hasAnnex, PDG.hasChange, PDG.usesSystem,
                   PDG.cites)
_OWNERS_FORWARD = (PDG.breakdownOf, PDG.file)


Spot = tuple[int, str | None]  # (line of the text as read, place in the source file or None)


def _spot_of(graph: Graph, node) -> Spot | None:
    """The line and place of a node with pdg:sourceLine (its first, should it have several)."""
    lines = [v.toPython() for v in graph.objects(node, PDG.sourceLine) if isinstance(v, Literal)]
    lines = [v for v in lines if isinstance(v, int) and not isinstance(v, bool)]
    if not lines:
        return None
    places = sorted(str(v) for v in graph.objects(node, PDG.sourcePlace))
    return min(lines), (places[0] if len(lines) == 1 and places else None)


def _first_spot(graph: Graph, focus, predicate: URIRef) -> Spot | None:
    """The first line (with its place) that ``predicate`` leads to from the focus: a located node,
    or an integer field line such as pdg:reentrustmentLine (its place from `FIELD_PLACES`)."""
    spots = []
    for value in graph.objects(focus, predicate):
        if isinstance(value, Literal):
            line = value.toPython()
            if isinstance(line, int) and not isinstance(line, bool):
                place = graph.value(focus, FIELD_PLACES[predicate]) if predicate in FIELD_PLACES else None
                spots.append((line, None if place is None else str(place)))
        else:
            spot = _spot_of(graph, value)
            if spot is not None:
                spots.append(spot)
    return min(spots, key=lambda s: s[0]) if spots else None


def _walk_up(graph: Graph, focus, depth: int = 5) -> Spot | None:
    frontier, seen = [focus], {focus}
    for _ in range(depth):
        parents = []
        for node in frontier:
            parents += [o for p in _OWNERS_FORWARD for o in graph.objects(node, p)]
            parents += [s for p in _OWNERS_INVERSE for s in graph.subjects(p, node)]
        parents = [p for p in parents if p not in seen]
        for parent in sorted(parents, key=str):
            spot = _spot_of(graph, parent)
            if spot is not None:
                return spot
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
    """The document, line and place to cite for a result.

    In order: the shape's pdgsh:locatedBy property from the focus (a node with
    pdg:sourceLine, or an integer line such as pdg:reentrustmentLine); the node
    the result path leads to; the focus node's own line; the line of the
    nearest owner (pdg:breakdownOf, the statement's flow, the flow's file, …).
    The place (pdg:sourcePlace, or the field's place property) comes with the line
    it belongs to: "p12:L7" in a PDF, None in text read line by line.
    """
    spot = None
    for predicate in info.located_by if info else ():  # a located node, or an integer line (pdg:reentrustmentLine)
        spot = _first_spot(graph, focus, URIRef(predicate))
        if spot is not None:
            break
    if spot is None and path is not None:  # only a node the path leads to, never a literal value
        spots = [s for s in (_spot_of(graph, v) for v in graph.objects(focus, path) if not isinstance(v, Literal))
                 if s is not None]
        spot = min(spots, key=lambda s: s[0]) if spots else None
    if spot is None:
        spot = _spot_of(graph, focus)
    if spot is None:
        spot = _walk_up(graph, focus)
    line, place = spot if spot is not None else (None, None)
    return Location(_document_of(graph, focus), line, place)


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
        ja = en = f"{local_name(raw.shape)}: {local_name(raw.component or '')} ({_display(raw.value)})"
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


# --------------------------------------------------------------------------- run

# Worker state: set in the parent before forking, read by the children.
_JOB: dict = {}


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
    chosen = engine_class(name)  # fail early: unknown or missing engine
    jobs = max(1, jobs if jobs is not None else (os.cpu_count() or 1))
    parallel = jobs > 1 and len(graphs) >= 2 * jobs and can_fork(chosen)
    size = chosen.batch_size if chosen.batch_size > 1 else 4
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


def validate_one(graph: Graph, shapes: Shapes, engine: str | None = None) -> AssessmentResult:
    """Validate one assessment graph (an rdflib ``Graph`` or a `TripleGraph`) with this process's engine."""
    raws = cached_engine(engine, shapes).validate([graph])[0]
    return assessment_result(graph, raws, shapes)


def _validation_step(shapes: Shapes, engine: str) -> Callable[[GraphData], AssessmentResult | None]:
    """The per-graph work of a streaming validation (runs in the worker processes)."""

    def step(data: GraphData) -> AssessmentResult | None:
        return validate_one(data.store_graph, shapes, engine) if data.has_assessment else None

    return step


def _stream_jobs(engine: str, jobs: int | None) -> int | None:
    """Workers may fork unless this process already runs pyrudof (its Rust runtime does not survive fork)."""
    return jobs if can_fork(engine_class(engine)) else 1


def validate_paths(paths: Iterable[str | Path], shapes: Shapes | None = None, engine: str | None = None,
                   jobs: int | None = None, progress: Progress | None = None) -> Report:
    """Validate every assessment of documents and RDF files, one at a time in worker processes.

    Each document is read, mapped and validated in a worker (`pdgraph.graph.stream`): no dataset
    holds the batch, so memory stays flat at any size. A source that cannot be read, or an RDF
    file that holds no assessment, is a `Problem` of the report (it never stops the others); when
    two sources hold the same graph (the same text twice), one is validated, the same whatever the
order (`pdgraph.graph.versions.SameVersion`); every version of an assessment is validated, and a
note names the versions of one assessment.
    ``progress(phase, done, total)`` is called after each source.
    """
    paths = [str(p) for p in paths]
    shapes = shapes or load_shapes()
    name = default_engine() if engine in (None, "auto") else engine
    stream = GraphStream(step=_validation_step(shapes, name))
    started = time.perf_counter()
    problems, notes = [], []
    results: dict[str, AssessmentResult] = {}
    same_version = SameVersion()  # two documents of one version: one kept, whatever the order
    seen: dict[str, int] = {}  # source -> graphs holding an assessment
    failed: set[str] = set()
    for event in each_graph(stream, paths, None, _stream_jobs(name, jobs), progress, "validating"):
        if isinstance(event, Problem):
            problems.append(event)
            failed.add(event.path)
        elif isinstance(event, Finished):
            if event.source not in seen and event.source not in failed:
                reason = ("holds no assessment graph (no pdg:Assessment)" if event.graphs
                          else "holds no graph (empty)")
                problems.append(Problem(event.source, f"{event.source}: {reason}"))
            seen.pop(event.source, None)
        elif event.extra is not None:
            seen[event.source] = seen.get(event.source, 0) + 1
            digest = event.summary.text_sha256 if event.summary is not None else None
            if same_version.keep(event.name, event.source, digest):
                event.extra.source = shown_path(event.source)  # printable: a name that is not UTF-8 as \xNN
                results[event.name] = event.extra
    for graph, others in sorted(same_version.set_aside.items()):
        kept = same_version.source_of(graph)
        notes.append(shown_path(f"{', '.join(sorted(others))} and {kept} hold the same version of one assessment "
                                f"(the same text): only {kept} was validated"))
    for versions in versions_by_assessment(results).values():
        if len(versions) > 1:
            documents = ", ".join(results[v.name].document or v.name for v in versions)
            notes.append(shown_path(f"{documents} are {len(versions)} versions of the same assessment "
                                    f"(評価実施機関 + 評価書番号), oldest first: each is validated"))
    ordered = sorted(results.values(), key=lambda r: (r.document or "", r.graph))
    return Report(ordered, name, problems, time.perf_counter() - started, notes)


def validate_store(path: str | Path, shapes: Shapes | None = None, engine: str | None = None,
                   jobs: int | None = None, progress: Progress | None = None) -> Report:
    """Validate every assessment graph of a persistent Oxigraph store, one graph per worker task.

    The store is opened read-only; each graph travels to a worker as N-Triples, so no process
    holds more than a few assessments. ``progress(phase, done, total)`` is called after each graph.
    """
    shapes = shapes or load_shapes()
    name = default_engine() if engine in (None, "auto") else engine
    stream = GraphStream(step=_validation_step(shapes, name))
    started = time.perf_counter()
    results = []
    for event in each_graph(stream, None, path, _stream_jobs(name, jobs), progress, "validating"):
        if isinstance(event, Problem):
            raise StoreError(event.message)
        if isinstance(event, Outcome) and event.extra is not None:
            results.append(event.extra)
    ordered = sorted(results, key=lambda r: (r.document or "", r.graph))
    return Report(ordered, name, [], time.perf_counter() - started, [])


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
