"""Deterministic TriG: the same documents give byte-identical output.

rdflib's own serialisers are correct but neither guaranteed stable nor fast at
scale (see guides/engines.md: 95 s for 1,000 assessments), so TriG is written
here: graphs sorted by IRI, subjects and predicate/object pairs sorted, terms
written in N-Triples form with the project prefixes.

A file is `header()` followed by one `graph_block` per graph in IRI order and a
final newline; a block depends on its graph's triples only, so blocks can be made
in worker processes and put in order afterwards (`pdgraph.graph.stream`).

The other formats of ``pdgraph build -o`` are laid out the same way (`DATASET_FORMATS`):
N-Quads, Turtle of the union with each triple's graph recorded (`turtle_block`) and
JSON-LD with the package context inline (`jsonld_block`); docs/outputs.md, "RDF formats".
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import NamespaceManager

from ..errors import PdgraphError
from .vocab import PDG, PREFIXES


class UnknownFormat(PdgraphError):
    """An output file whose suffix (or --format) names no RDF format pdgraph writes."""

_ORDERED_PREFIXES = sorted(PREFIXES.items(), key=lambda item: len(str(item[1])), reverse=True)
_NAMESPACES = NamespaceManager(Graph(bind_namespaces="none"))
for _prefix, _namespace in PREFIXES.items():
    _NAMESPACES.bind(_prefix, _namespace, override=True)


# IRIs repeat (predicates, classes, concepts, laws): each is written once per process.
_IRI_CACHE: dict[URIRef, str] = {}
_IRI_CACHE_LIMIT = 200_000


def term(node) -> str:
    """A term in Turtle syntax, using a prefix where the local name is safe."""
    if isinstance(node, URIRef):
        text = _IRI_CACHE.get(node)
        if text is None:
            if len(_IRI_CACHE) >= _IRI_CACHE_LIMIT:
                _IRI_CACHE.clear()
            text = _IRI_CACHE[node] = _iri(node)
        return text
    if isinstance(node, Literal):
        return node.n3(_NAMESPACES)
    raise TypeError(f"blank nodes are not written: {node!r}")


def _iri(node: URIRef) -> str:
    text = str(node)
    for prefix, namespace in _ORDERED_PREFIXES:
        ns = str(namespace)
        if text.startswith(ns):
            local = text[len(ns):]
            if local and local.replace("_", "a").isalnum() and local.isascii() and not local[0].isdigit():
                return f"{prefix}:{local}"
    return node.n3()


def graph_body(graph: Iterable[tuple]) -> list[str]:
    """Sorted Turtle statements of one graph (a ``Graph`` or any iterable of triples)."""
    by_subject: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for s, p, o in graph:
        by_subject[term(s)].append((term(p), term(o)))
    lines: list[str] = []
    for subject in sorted(by_subject):
        pairs = sorted(set(by_subject[subject]))
        parts = [f"{p} {o}" for p, o in pairs]
        lines.append(f"  {subject} " + " ;\n    ".join(parts) + " .")
    return lines


def header() -> str:
    """The prefix lines a TriG file starts with (no final newline)."""
    return "\n".join(f"@prefix {prefix}: <{namespace}> ." for prefix, namespace in sorted(PREFIXES.items()))


def graph_block(identifier: URIRef, triples: Iterable[tuple]) -> str:
    """One named graph as it follows the header or the previous block (starts with a blank line)."""
    return f"\n\n{term(identifier)} {{" + "".join("\n" + line for line in graph_body(triples)) + "\n}"


def trig(dataset: Dataset, graphs: Iterable[Graph] | None = None) -> str:
    """The named graphs of a dataset as deterministic TriG text."""
    chosen = graphs if graphs is not None else [g for g in dataset.graphs() if len(g)]
    blocks = [graph_block(graph.identifier, graph) for graph in sorted(chosen, key=lambda g: str(g.identifier))]
    return header() + "".join(blocks) + "\n"


def nquads_block(identifier: URIRef, triples: Iterable[tuple]) -> str:
    """One named graph as sorted N-Quads lines (each ends with a newline)."""
    from .triples import ntriples

    lines = ntriples(triples, identifier).split("\n")[:-1]  # not splitlines: U+2028 may stand in a literal
    return "".join(line + "\n" for line in sorted(lines))


# --------------------------------------------------------------------------- the dataset formats of `pdgraph build -o`
#
# Every format is written the same way: a head, one block per graph in graph-IRI order (made
# from that graph's triples alone, so in a worker process), a separator between blocks and a
# tail. A file never needs the whole dataset in memory (pdgraph.graph.stream.SortedGraphFile).

def turtle_block(identifier: URIRef, triples: Iterable[tuple]) -> str:
    """One named graph in the Turtle of the union: its statements, then one reified statement per
    triple naming the graph (``[] rdf:subject s ; rdf:predicate p ; rdf:object o ; pdg:inGraph g``).

    Turtle has no named graphs, and a node may be described differently in two graphs (an
    organisation that is a 提供先 in one assessment and an 入手元 in another), so the graph of
    each triple is recorded, not the graph of each node: nothing is lost, and pdgraph reads the
    file back into the same named graphs (`ingest.split_recorded_graphs`).
    """
    triples = list(triples)
    graph, in_graph = term(identifier), term(PDG.inGraph)
    records = sorted(f"  [] rdf:subject {term(s)} ; rdf:predicate {term(p)} ; rdf:object {term(o)} ; "
                     f"{in_graph} {graph} ." for s, p, o in triples)
    return (f"\n\n# {graph}" + "".join("\n" + line for line in graph_body(triples))
            + "".join("\n" + line for line in records))


def jsonld_context() -> dict:
    """The JSON-LD context of pdgraph's output: the project prefixes (pdgraph/data/context.jsonld)."""
    import json
    from importlib import resources

    text = resources.files("pdgraph").joinpath("data/context.jsonld").read_text(encoding="utf-8")
    return json.loads(text)["@context"]


def _jsonld_iri(node: URIRef) -> str:
    """An IRI as a JSON-LD value: a compact IRI where `term` writes one, else the IRI itself."""
    text = term(node)
    if not text.startswith("<"):
        return text
    iri = str(node)
    prefix, _, rest = iri.partition(":")
    if prefix in PREFIXES and not rest.startswith("//"):  # would be read as a compact IRI
        raise PdgraphError(f"<{iri}> cannot be written in JSON-LD: its scheme is the prefix {prefix}:")
    return iri


def _jsonld_value(node) -> dict:
    if isinstance(node, URIRef):
        return {"@id": _jsonld_iri(node)}
    if isinstance(node, Literal):
        value: dict = {"@value": str(node)}
        if node.language:
            value["@language"] = node.language
        elif node.datatype is not None and str(node.datatype) != "http://www.w3.org/2001/XMLSchema#string":
            value["@type"] = _jsonld_iri(node.datatype)
        return value
    raise TypeError(f"blank nodes are not written: {node!r}")


def jsonld_block(identifier: URIRef, triples: Iterable[tuple]) -> str:
    """One named graph as a JSON-LD graph object (``{"@id": graph, "@graph": [nodes]}``), one node
    a line, nodes and values sorted; literals keep their lexical form (``@value`` + ``@type``)."""
    import json

    from rdflib.namespace import RDF

    nodes: dict[str, dict] = {}
    for s, p, o in triples:
        node = nodes.setdefault(_jsonld_iri(s), {"@id": _jsonld_iri(s)})
        if p == RDF.type and isinstance(o, URIRef):
            node.setdefault("@type", []).append(_jsonld_iri(o))
        else:
            node.setdefault(_jsonld_iri(p), []).append(_jsonld_value(o))
    lines = []
    for key in sorted(nodes):
        node = nodes[key]
        for name, values in node.items():
            if isinstance(values, list):
                values.sort(key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
        lines.append("        " + json.dumps(node, ensure_ascii=False, sort_keys=True))
    head = json.dumps(_jsonld_iri(identifier), ensure_ascii=False)
    return ('\n    {\n      "@id": ' + head + ',\n      "@graph": [\n' + ",\n".join(lines) + "\n      ]\n    }")


def _jsonld_head() -> str:
    import json

    context = json.dumps(jsonld_context(), ensure_ascii=False, indent=2).replace("\n", "\n  ")
    return '{\n  "@context": ' + context + ',\n  "@graph": ['


def _turtle_head() -> str:
    return ("# The union of pdgraph's named graphs; each triple's graph is recorded as a reified statement\n"
            "# with pdg:inGraph (pdgraph reads the graphs back; see docs/outputs.md, \"RDF formats\").\n"
            + header())


@dataclass(frozen=True)
class DatasetFormat:
    """How a dataset format is laid out: ``head + block + separator + block … + tail``."""

    name: str
    suffix: str
    label: str
    block: Callable[[URIRef, Iterable[tuple]], str]
    head: Callable[[], str]
    separator: str = ""
    tail: str = ""


DATASET_FORMATS: dict[str, DatasetFormat] = {
    "trig": DatasetFormat("trig", ".trig", "TriG", graph_block, header, tail="\n"),
    "nquads": DatasetFormat("nquads", ".nq", "N-Quads", nquads_block, lambda: ""),
    "turtle": DatasetFormat("turtle", ".ttl", "Turtle of the union, each triple's graph recorded",
                            turtle_block, _turtle_head, tail="\n"),
    "json-ld": DatasetFormat("json-ld", ".jsonld", "JSON-LD, context inline", jsonld_block, _jsonld_head,
                             separator=",", tail="\n  ]\n}\n"),
}


def format_names() -> str:
    """``trig (.trig), nquads (.nq), …``: for messages and help."""
    return ", ".join(f"{f.name} ({f.suffix})" for f in DATASET_FORMATS.values())


def dataset_format(path: str | Path | None = None, name: str | None = None) -> DatasetFormat:
    """The format named (``name``) or else the one the file suffix names; `UnknownFormat` otherwise."""
    if name is not None:
        if name not in DATASET_FORMATS:
            raise UnknownFormat(f"unknown RDF format {name!r}: use one of {format_names()}")
        return DATASET_FORMATS[name]
    suffix = Path(path).suffix.lower() if path is not None else ""
    for fmt in DATASET_FORMATS.values():
        if fmt.suffix == suffix:
            return fmt
    raise UnknownFormat(f"{path}: the suffix {suffix or '(none)'!r} names no RDF format pdgraph writes: "
                        f"use one of {format_names()}, or say which with --format")


def write_dataset(out: BinaryIO, fmt: DatasetFormat, blocks: Iterable[bytes]) -> None:
    """Head, blocks (in the order given) with separators, tail."""
    out.write(fmt.head().encode("utf-8"))
    for index, block in enumerate(blocks):
        if index and fmt.separator:
            out.write(fmt.separator.encode("utf-8"))
        out.write(block)
    out.write(fmt.tail.encode("utf-8"))


def serialize_dataset(dataset: Dataset, fmt: DatasetFormat | str = "trig") -> str:
    """The named graphs of a dataset in a dataset format (`trig` for TriG)."""
    import io

    fmt = DATASET_FORMATS[fmt] if isinstance(fmt, str) else fmt
    chosen = sorted((g for g in dataset.graphs() if len(g)), key=lambda g: str(g.identifier))
    buffer = io.BytesIO()
    write_dataset(buffer, fmt, (fmt.block(g.identifier, g).encode("utf-8") for g in chosen))
    return buffer.getvalue().decode("utf-8")
