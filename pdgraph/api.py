"""The public Python API: what a notebook user imports (``import pdgraph``).

    result = pdgraph.ingest(["examples/003_f2d2f4201ce28b38.txt"])   # documents and RDF files
    pdgraph.facts(result)                                           # facts JSON of each assessment
    pdgraph.conformance(result)                                        # SHACL conformance report
    pdgraph.run_query("recipients-of", result, organization="練馬区長")  # a catalogue question
    pdgraph.flow_map(result)                                        # self-contained HTML flow map

Each function is a thin wrapper over the stage that does the work (graph.ingest, graph.facts,
validate, query.catalogue, map); the CLI calls the same stages. Bad input never raises here:
`ingest` collects it in ``result.problems`` (file, place, reason), as the CLI reports it.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .extract.records import Assessment
from .graph.facts import facts_from_graph, validate_facts
from .graph.ingest import Ingested, assessment_from_path, assessment_graphs
from .graph.ingest import ingest as _ingest
from .graph.stores import RdflibStore, Solutions
from .map import MapOptions, build_map, render_html
from .query.catalogue import find_query
from .query.catalogue import run_query as _run_query
from .conformance import Report, validate_dataset

__all__ = ["Assessment", "Ingested", "Report", "Solutions", "MapOptions",
           "read_assessment", "ingest", "facts", "validate", "run_query", "flow_map"]


def read_assessment(path: str | Path) -> Assessment:
    """Read one document (read -> parse the form -> extract) into its typed records.

    Raises `pdgraph.errors.PdgraphError` (with file and place) when it cannot be read.
    """
    return assessment_from_path(path)


def ingest(sources: Iterable[str | Path]) -> Ingested:
    """Documents and RDF files -> one dataset, one named graph per assessment.

    ``result.dataset`` is the rdflib Dataset, ``result.assessments`` the records of each document,
    ``result.problems`` the sources that could not be read (the others are still ingested).
    """
    return _ingest(sources)


def facts(result: Ingested, sources: bool = False) -> list[dict]:
    """The facts of each assessment (the contract of ``pdgraph facts``), read back out of its graph,
    in graph-name order; each is checked against the JSON Schema. With ``sources``, each object also
    says where it was read (``source``: document, line, place), as ``pdgraph facts`` writes it."""
    out = []
    for graph in assessment_graphs(result.dataset):
        data = facts_from_graph(graph, sources=sources)
        validate_facts(data)
        out.append(data)
    return out


def validate(result: Ingested, engine: str | None = None) -> Report:
    """SHACL conformance of every assessment (``report.conforms``, ``report.findings``); the sources
    that could not be read are listed in ``report.problems``."""
    report = validate_dataset(result.dataset, engine=engine)
    report.problems = list(result.problems)
    return report


def run_query(name: str, result: Ingested, *, all_versions: bool = False, **params: str) -> Solutions:
    """Run a catalogue question (``queries/*.rq``, by name or path) with its parameters bound as
    RDF terms; ``.variables`` and ``.rows`` (rdflib terms), ``.records()`` as dicts. It answers on
    the current version of each assessment, or on every version with ``all_versions=True``."""
    store = RdflibStore(result.dataset)
    if not all_versions:
        store.current_versions_only()
    return _run_query(find_query(name), store, params)


def flow_map(result: Ingested, options: MapOptions | None = None, aggregate: bool | None = None) -> str:
    """The interactive flow map as one self-contained HTML page (write it to a ``.html`` file)."""
    return render_html(build_map(result.dataset, options or MapOptions()), aggregate)
