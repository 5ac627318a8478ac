"""One assessment's triples without a store: N-Triples / N-Quads text and a small read-only graph.

A corpus is processed one assessment at a time in worker processes, so each graph travels as
plain data: the set of rdflib triples the mapping made, N-Triples text between processes (parsed
back by Oxigraph in Rust), and `TripleGraph`, an indexed view of one graph with the part of
rdflib's ``Graph`` API that facts, validation reports and maps read (``objects``, ``subjects``,
``value``, ``in``). Building it costs ~1 µs a triple; an rdflib ``Graph`` in its memory store
costs ~10 µs (three indexes and a context per triple), which was a quarter of validating one
assessment.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from ..errors import PdgraphError
from .stores import from_oxigraph

_XSD_STRING = str(XSD.string)
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def nt_term(node) -> str:
    """A term in N-Triples syntax (IRIs as written; a literal's text escaped as N-Triples requires)."""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        text = str(node).translate(_ESCAPES)
        if node.language:
            return f'"{text}"@{node.language}'
        if node.datatype is not None and str(node.datatype) != _XSD_STRING:
            return f'"{text}"^^<{node.datatype}>'
        return f'"{text}"'
    if isinstance(node, BNode):
        return f"_:{node}"
    raise TypeError(f"not an RDF term: {node!r}")


def ntriples(triples: Iterable[tuple], graph: URIRef | None = None) -> str:
    """Triples as N-Triples lines, or N-Quads lines in ``graph`` (terms converted once each)."""
    cache: dict = {}

    def text(node) -> str:
        value = cache.get(node)
        if value is None:
            value = cache[node] = nt_term(node)
        return value

    tail = f" {nt_term(graph)} .\n" if graph is not None else " .\n"
    return "".join(f"{text(s)} {text(p)} {text(o)}{tail}" for s, p, o in triples)


def parse_ntriples(data: bytes | str) -> list[tuple]:
    """N-Triples text -> rdflib triples (parsed by Oxigraph; each distinct term converted once)."""
    import pyoxigraph as ox

    converted: dict = {}

    def convert(term):
        value = converted.get(term)
        if value is None:
            value = converted[term] = from_oxigraph(term)
        return value

    return [(convert(t.subject), convert(t.predicate), convert(t.object))
            for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]


class TripleGraph:
    """A read-only graph over a set of triples, indexed by subject and by object.

    Values come back sorted (by their N-Triples text), so a reader that takes the first of
    several values gets the same one in every process; rdflib's own order follows string hashes,
    which differ between runs.
    """

    def __init__(self, triples: Iterable[tuple], identifier: URIRef | None = None):
        self.identifier = identifier
        self._triples = set(triples)
        by_subject: dict = {}
        by_object: dict = {}
        for s, p, o in self._triples:
            by_subject.setdefault(s, {}).setdefault(p, []).append(o)
            by_object.setdefault(o, {}).setdefault(p, []).append(s)
        self._by_subject = by_subject
        self._by_object = by_object
        self._rdflib: Graph | None = None
        self._oxigraph = None

    def __len__(self) -> int:
        return len(self._triples)

    def __iter__(self) -> Iterator[tuple]:
        return iter(self._triples)

    def __contains__(self, triple: tuple) -> bool:
        s, p, o = triple
        if s is not None and p is not None and o is not None:
            return (s, p, o) in self._triples
        return next(self.triples(triple), None) is not None

    def triples(self, pattern: tuple) -> Iterator[tuple]:
        s, p, o = pattern
        if s is not None:
            for predicate, objects in self._by_subject.get(s, {}).items():
                if p is None or p == predicate:
                    yield from ((s, predicate, obj) for obj in objects if o is None or o == obj)
        elif o is not None:
            for predicate, subjects in self._by_object.get(o, {}).items():
                if p is None or p == predicate:
                    yield from ((subject, predicate, o) for subject in subjects)
        else:
            yield from (t for t in self._triples if p is None or t[1] == p)

    def objects(self, subject=None, predicate=None) -> Iterator:
        if subject is None:
            return iter(sorted({o for _, _, o in self.triples((None, predicate, None))}, key=nt_term))
        values = self._by_subject.get(subject, {})
        found = values.get(predicate, []) if predicate is not None else [o for v in values.values() for o in v]
        return iter(sorted(found, key=nt_term) if len(found) > 1 else found)

    def subjects(self, predicate=None, object=None) -> Iterator:  # noqa: A002 - rdflib's parameter name
        if object is None:
            return iter(sorted({s for s, _, _ in self.triples((None, predicate, None))}, key=nt_term))
        values = self._by_object.get(object, {})
        found = values.get(predicate, []) if predicate is not None else [s for v in values.values() for s in v]
        return iter(sorted(found, key=nt_term) if len(found) > 1 else found)

    def value(self, subject=None, predicate=None, object=None, default=None, any=True):  # noqa: A002
        """The first (sorted) object of ``subject predicate``, or subject of ``predicate object``."""
        if subject is not None:
            return next(self.objects(subject, predicate), default)
        return next(self.subjects(predicate, object), default)

    def rdflib_graph(self) -> Graph:
        """The same triples as an rdflib ``Graph`` (built once)."""
        if self._rdflib is None:
            graph = Graph(identifier=self.identifier) if self.identifier is not None else Graph()
            graph.addN((s, p, o, graph) for s, p, o in self._triples)
            self._rdflib = graph
        return self._rdflib

    def oxigraph(self):
        """The same triples in an in-memory Oxigraph store (built once; what pyshacl validates, and
        where `query` runs). Raises SyntaxError / ValueError for a term Oxigraph rejects."""
        if self._oxigraph is None:
            import pyoxigraph as ox

            store = ox.Store()
            store.load(ntriples(self._triples).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
            self._oxigraph = store
        return self._oxigraph

    def query(self, text: str, initBindings: dict | None = None) -> list[Row]:  # noqa: N803 - rdflib's name
        """The rows of a SELECT query over this graph, variables pre-bound by ``initBindings``.

        Runs on Oxigraph (rdflib's engine took ~50 ms to build and query one assessment graph);
        falls back to rdflib for a graph or query Oxigraph cannot take.
        """
        import pyoxigraph as ox

        from .stores import to_oxigraph

        try:
            substitutions = {ox.Variable(str(name)): to_oxigraph(value) for name, value in (initBindings or {}).items()}
            solutions = self.oxigraph().query(text, substitutions=substitutions)
            names = [v.value for v in solutions.variables]
            return [Row({name: from_oxigraph(value) for name, value in zip(names, solution) if value is not None})
                    for solution in solutions]
        except (SyntaxError, ValueError, TypeError, OSError, RuntimeError, PdgraphError):
            return [Row({str(k): v for k, v in row.asdict().items()})
                    for row in self.rdflib_graph().query(text, initBindings=initBindings)]


class Row:
    """One solution of `TripleGraph.query`: ``asdict()`` gives the bound variables (as rdflib's rows do)."""

    def __init__(self, values: dict):
        self._values = values

    def asdict(self) -> dict:
        return dict(self._values)
