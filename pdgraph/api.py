"""The public Python API: what a notebook user imports (``import pdgraph``).

    result = pdgraph.ingest(["examples/003_f2d2f4201ce28b38.txt"])   # documents and RDF files
    pdgraph.facts(result)                                           # facts JSON of each assessment
    pdgraph.validate(result)                                        # SHACL conformance report
    pdgraph.run_query("recipients-of", result, organization="練馬区長")  # a catalogue question
    pdgraph.flow_map(result)                                        # self-contained HTML flow map
    pdgraph.table("flows", result)                                  # an answer as a table for people
    pdgraph.write_tables(pdgraph.ropa(result), "ropa.xlsx")         # the record of processing activities
    pdgraph.report(result)                                          # the corpus report page (charts)

docs/api.md documents each function with examples that the tests run.

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
from .graph.serialize import trig as _trig
from .graph.stores import QueryStore, RdflibStore, Solutions
from .map import MapOptions, build_map, render_html
from .outputs.report import build_report, render_report
from .outputs.ropa import ropa_tables
from .outputs.tables import Table, table_from_solutions
from .outputs.tables import write_tables as _write_tables
from .query.analysis import Analysis, analyse
from .query.catalogue import find_query
from .query.catalogue import run_query as _run_query
from .conformance import Report, validate_dataset

__all__ = ["Assessment", "Ingested", "Report", "Solutions", "MapOptions", "Table", "Analysis",
           "read_assessment", "ingest", "trig", "facts", "validate", "run_query", "table", "analyze",
           "flow_map", "ropa", "report", "write_tables"]

Source = Ingested | QueryStore  # what the questions are asked of: an ingested batch or a store


def _store(source: Source, all_versions: bool = False) -> QueryStore:
    """The store to ask: an ingested batch's dataset, or the store given; the current version of
    each assessment only, unless ``all_versions``."""
    store = RdflibStore(source.dataset) if isinstance(source, Ingested) else source
    if not all_versions and hasattr(store, "current_versions_only"):
        store.current_versions_only()
    return store


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


def trig(result: Ingested) -> str:
    """The knowledge graph as deterministic TriG, one named graph per assessment (``pdgraph build``)."""
    return _trig(result.dataset)


def run_query(name: str, source: Source, *, all_versions: bool = False, **params: str) -> Solutions:
    """Run a catalogue question (``queries/*.rq``, by name or path) with its parameters bound as
    RDF terms; ``.variables`` and ``.rows`` (rdflib terms), ``.records()`` as dicts. ``source`` is
    an ingested batch or a store (`pdgraph.graph.stores`). It answers on the current version of
    each assessment, or on every version with ``all_versions=True``."""
    return _run_query(find_query(name), _store(source, all_versions), params)


def table(name: str, source: Source, **params: str) -> Table:
    """A catalogue question's answer as a table for people: plain typed values, headings
    日本語 / English (``.rows``, ``.records()``; write it with `write_tables`)."""
    query = find_query(name)
    return table_from_solutions(_run_query(query, _store(source), params), query.name, query.headings())


def write_tables(tables: Table | list[Table], path: str | Path, fmt: str | None = None) -> Path:
    """Write tables as Excel-ready CSV (UTF-8 with BOM), TSV or an .xlsx workbook (one sheet per
    table), the format named by ``fmt`` or by the file's suffix."""
    return _write_tables([tables] if isinstance(tables, Table) else tables, path, fmt)


def analyze(source: Source, starts: Iterable[str] = (), top: int = 10) -> Analysis:
    """Network analysis with networkx (``pdgraph analyze``): hubs, vendor concentration and the
    reach of each body in ``starts``."""
    return analyse(_store(source), tuple(starts), top)


def ropa(source: Source) -> list[Table]:
    """The record of processing activities: an overview table, then one table per assessment
    (``pdgraph export ropa``; columns in docs/outputs.md)."""
    return ropa_tables(_store(source))


def report(source: Source, validation: Report | None = None, title: str | None = None) -> str:
    """The corpus report (``pdgraph report``) as one self-contained HTML page. The validation
    findings per body come from ``validation``, or are computed for an ingested batch."""
    if validation is None and isinstance(source, Ingested):
        validation = validate(source)
    return render_report(build_report(_store(source), validation, title))


def flow_map(result: Ingested, options: MapOptions | None = None, aggregate: bool | None = None) -> str:
    """The interactive flow map as one self-contained HTML page (write it to a ``.html`` file)."""
    return render_html(build_map(result.dataset, options or MapOptions()), aggregate)
