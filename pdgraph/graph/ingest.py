"""The pipeline as a named, ordered list of stages, and batch ingestion.

    read -> parse the form -> extract (+ normalise) -> map to RDF

`ingest` runs a batch: one bad document is reported (file, place, reason) and
never stops the others. RDF sources (TriG, Turtle, N-Quads, …) are loaded as
they are, so every command accepts documents and graphs alike.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.namespace import RDF

from ..errors import PdgraphError, RdfInputError
from ..files import check_input, shown_path
from .rdf_guard import check_jsonld, check_xml_prolog
from ..extract.machine import extract
from .iris import graph_iri
from .mapping import add_assessment, bind_prefixes, new_dataset
from .versions import catalogues, pick_same_version
from .vocab import PDG
from ..read.text import read_document
from ..extract.records import Assessment

# The ordered stages, named (markdown-it style); each is a small pure function.
STAGES: tuple[tuple[str, Callable], ...] = (
    ("read", read_document),
    ("extract", extract),  # parses the form (form.parse_rows) and normalises (normalise.*)
)

RDF_FORMATS = {".trig": "trig", ".ttl": "turtle", ".nq": "nquads", ".nt": "nt", ".jsonld": "json-ld",
               ".rdf": "xml", ".owl": "xml"}


def assessment_from_path(path: str | Path) -> Assessment:
    """Run the text stages on one document."""
    value: object = path
    for _, stage in STAGES:
        value = stage(value)
    return value  # type: ignore[return-value]


@dataclass
class Problem:
    """A document that could not be ingested: where and why (printable: a file name that is not
    UTF-8 shows its bytes as ``\\xNN``, see `pdgraph.files.shown_path`)."""

    path: str
    message: str

    def __post_init__(self) -> None:
        self.path, self.message = shown_path(self.path), shown_path(self.message)


@dataclass
class Ingested:
    """Result of a batch: the dataset, the graph name of each good source, the problems."""

    dataset: Dataset
    graphs: dict[str, list[URIRef]] = field(default_factory=dict)
    assessments: dict[str, Assessment] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def is_rdf(path: str | Path) -> bool:
    return Path(path).suffix.lower() in RDF_FORMATS


def guard_rdf(path: Path, fmt: str) -> bytes | None:
    """The bytes of an RDF/XML or JSON-LD file, checked before parsing (see `rdf_guard`)."""
    check_input(path)  # a regular file (no size limit: an RDF source may hold a corpus)
    if fmt not in ("xml", "json-ld"):
        return None
    try:
        data = path.read_bytes()
    except OSError as error:
        raise RdfInputError(f"{shown_path(path)}: cannot read: {error.strerror}") from None
    if fmt == "xml":
        check_xml_prolog(path, data)
    else:
        check_jsonld(path, data)
    return data


def load_rdf(dataset: Dataset, path: str | Path) -> list[URIRef]:
    """Load an RDF file into the dataset; return the names of the assessment graphs it brought."""
    path = Path(path)
    fmt = RDF_FORMATS[path.suffix.lower()]
    before = {g.identifier for g in dataset.graphs()}
    guarded = guard_rdf(path, fmt)
    try:
        if fmt in ("trig", "nquads"):
            dataset.parse(path, format=fmt)
        else:
            graph = dataset.graph(URIRef(path.resolve().as_uri()))
            if guarded is not None:  # the checked bytes, read once; relative IRIs against the file as before
                graph.parse(data=guarded, format=fmt, publicID=path.resolve().as_uri())
            else:
                graph.parse(path, format=fmt)
            split_recorded_graphs(dataset, graph)
    except Exception as error:  # rdflib raises many parser-specific types
        raise RdfInputError(f"{path}: cannot parse as {fmt}: {error}") from None
    return sorted(g.identifier for g in dataset.graphs() if g.identifier not in before and len(g))


def _add_version(result: Ingested, key: str, assessment: Assessment, kept: dict) -> None:
    """Map a document into its version graph. Two documents of one version (the same 公表日) are
    one graph: the one with the smaller text digest is kept, whatever the order of the inputs."""
    name = graph_iri(assessment)
    result.assessments[key] = assessment
    result.graphs[key] = [name]
    candidate = (assessment.text_sha256, key)
    if name in kept and pick_same_version(kept[name], candidate) == kept[name]:
        return
    kept[name] = candidate
    add_assessment(result.dataset, assessment)


def split_recorded_graphs(dataset: Dataset, graph: Graph) -> None:
    """Put the triples of a graph read from a triple format back into the named graphs recorded for
    them (``[] rdf:subject s ; rdf:predicate p ; rdf:object o ; pdg:inGraph g``: the Turtle of the
    union that ``pdgraph build -o FILE.ttl`` writes); the records go, unrecorded triples stay."""
    records = [r for r in set(graph.subjects(PDG.inGraph, None)) if isinstance(r, BNode)]
    if not records:
        return
    for record in records:
        s, p, o = (graph.value(record, term) for term in (RDF.subject, RDF.predicate, RDF.object))
        if s is None or p is None or o is None:
            continue
        for name in graph.objects(record, PDG.inGraph):
            if isinstance(name, URIRef):
                dataset.graph(name).add((s, p, o))
        graph.remove((s, p, o))
        graph.remove((record, None, None))


def ingest(paths: Iterable[str | Path], dataset: Dataset | None = None,
           progress: Callable[[str], None] | None = None) -> Ingested:
    """Ingest documents and RDF files into one dataset; problems are collected, not raised.

    Every version of an assessment is its own graph; at the end each assessment with a version
    gets its catalogue graph (`pdgraph.graph.versions`).
    """
    result = Ingested(dataset if dataset is not None else new_dataset())
    bind_prefixes(result.dataset)
    kept: dict = {}
    for path in paths:
        key = str(path)
        try:
            if is_rdf(path):
                result.graphs[key] = load_rdf(result.dataset, path)
            else:
                _add_version(result, key, assessment_from_path(path), kept)
        except PdgraphError as error:
            result.problems.append(Problem(key, str(error)))
        if progress is not None:
            progress(key)
    add_catalogues(result.dataset)
    return result


def ingest_sources(sources: Iterable, dataset: Dataset | None = None) -> Ingested:
    """Ingest already-decoded `SourceText` documents (e.g. `pdgraph.extract.synthetic.synthetic_sources`)."""
    result = Ingested(dataset if dataset is not None else new_dataset())
    bind_prefixes(result.dataset)
    kept: dict = {}
    for source in sources:
        try:
            assessment = extract(source)
        except PdgraphError as error:
            result.problems.append(Problem(source.name, str(error)))
            continue
        _add_version(result, source.name, assessment, kept)
    add_catalogues(result.dataset)
    return result


def add_catalogues(dataset: Dataset) -> list[URIRef]:
    """(Re)write the catalogue graph of every assessment that has a version graph in the dataset."""
    names = [str(g.identifier) for g in dataset.graphs() if isinstance(g.identifier, URIRef)]
    written = []
    for name, triples in catalogues(names).items():
        graph = dataset.graph(URIRef(name))
        graph.remove((None, None, None))
        graph.addN((s, p, o, graph) for s, p, o in triples)
        written.append(URIRef(name))
    return written


def assessment_graphs(dataset: Dataset) -> list[Graph]:
    """The named graphs that hold an assessment, in IRI order."""
    from .vocab import PDG
    from rdflib.namespace import RDF

    graphs = [g for g in dataset.graphs() if (None, RDF.type, PDG.Assessment) in g]
    return sorted(graphs, key=lambda g: str(g.identifier))
