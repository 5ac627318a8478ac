"""Stage 6, validate — the shapes: reading shapes/*.ttl into what the engines and reports need.

    shapes/*.ttl --(rdflib)--> `Shapes`: the shapes graph (for pyshacl), its
    Turtle text (for pyrudof) and one `ShapeInfo` per named shape (severity,
    labels, sh:message in Japanese and English, pdgsh:locatedBy,
    pdgsh:messageQuery) for locating and explaining results.

Parsing is cached per file set and modification time.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from ..errors import PdgraphError
from ..files import check_input
from ..resources import resource_dir
from .records import PDGSH, SH, Severity, prefixed_graph

SHAPES_DIR = resource_dir("shapes")


class ShapesError(PdgraphError):
    """The SHACL shapes files cannot be read."""


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
    graph = prefixed_graph()
    for name in files:
        try:
            check_input(name)  # a regular file: never a device or FIFO
            graph.parse(name, format="turtle")
        except PdgraphError:
            raise
        except Exception as error:  # rdflib raises parser-specific types
            raise ShapesError(f"{name}: cannot parse the shapes: {error}") from None
    info = {str(node): _shape_info(graph, node) for node in shape_nodes(graph)}
    return Shapes(graph, graph.serialize(format="turtle"), info, files)
