"""One assessment's triples without a dataset: N-Triples / N-Quads text and small read-only graphs.

A corpus is processed one assessment at a time in worker processes, so each graph travels as
plain data: the set of rdflib triples the mapping made, or N-Triples text between processes
(parsed back by Oxigraph in Rust). Two read-only views give the part of rdflib's ``Graph`` API
that facts, validation reports and maps read (``objects``, ``subjects``, ``value``, ``in``,
``query``):

- `TripleGraph` indexes rdflib triples by subject and object (~1 µs a triple; an rdflib
  ``Graph`` in its memory store costs ~10 µs: three indexes and a context per triple). Best for
  many look-ups (facts).
- `StoreGraph` reads an in-memory Oxigraph store (the one pyshacl validates), converting only
  the terms a look-up returns. Best for few look-ups (locating a finding): a graph that came as
  N-Triples is never converted into Python terms as a whole.

Both return several values sorted by their N-Triples text, so a reader that takes the first
gets the same one in every process (rdflib's order follows string hashes, which differ
between runs).
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

    def __init__(self, triples: Iterable[tuple], identifier: URIRef | None = None, text: bytes | None = None):
        """``text``: the same triples as N-Triples, when at hand (loaded into Oxigraph as they are)."""
        self.identifier = identifier
        self._text = text
        self._triples = set(triples)
        by_subject: dict = {}
        by_object: dict = {}
        for s, p, o in self._triples:
            by_subject.setdefault(s, {}).setdefault(p, []).append(o)
            by_object.setdefault(o, {}).setdefault(p, []).append(s)
        self._by_subject = by_subject
        self._by_object = by_object
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

    def oxigraph(self):
        """The same triples in an in-memory Oxigraph store (built once; what pyshacl validates, and
        where `query` runs). Raises SyntaxError / ValueError for a term Oxigraph rejects."""
        if self._oxigraph is None:
            import pyoxigraph as ox

            store = ox.Store()
            text = self._text if self._text is not None else ntriples(self._triples).encode("utf-8")
            store.load(text, format=ox.RdfFormat.N_TRIPLES)
            self._oxigraph = store
        return self._oxigraph

    def query(self, text: str, initBindings: dict | None = None) -> list[Row]:  # noqa: N803 - rdflib's name
        """The rows of a SELECT query over this graph, variables pre-bound by ``initBindings``.

        Runs on Oxigraph (rdflib's engine took ~50 ms to build and query one assessment graph);
        falls back to rdflib for a graph or query Oxigraph cannot take.
        """
        try:
            return _select(self.oxigraph(), text, initBindings)
        except (SyntaxError, ValueError, TypeError, OSError, RuntimeError, PdgraphError):
            return _rdflib_select(self._triples, text, initBindings)


class StoreGraph:
    """A read-only graph over an in-memory Oxigraph store holding one assessment (its default graph)."""

    def __init__(self, store, identifier: URIRef | None = None):
        self._store = store
        self.identifier = identifier
        self._converted: dict = {}

    @classmethod
    def from_text(cls, text: bytes, identifier: URIRef | None = None) -> StoreGraph:
        """Load N-Triples (SyntaxError / ValueError when Oxigraph refuses them)."""
        import pyoxigraph as ox

        store = ox.Store()
        store.load(text, format=ox.RdfFormat.N_TRIPLES)
        return cls(store, identifier)

    def oxigraph(self):
        return self._store

    def _rdf(self, term):
        value = self._converted.get(term)
        if value is None:
            value = self._converted[term] = from_oxigraph(term)
        return value

    @staticmethod
    def _ox(term):
        if term is None:
            return None
        from .stores import StoreError, to_oxigraph

        try:
            return to_oxigraph(term)
        except (StoreError, ValueError, TypeError):
            return False  # a term Oxigraph cannot hold matches nothing

    def triples(self, pattern: tuple) -> Iterator[tuple]:
        terms = [self._ox(t) for t in pattern]
        if any(t is False for t in terms):
            return
        for quad in self._store.quads_for_pattern(*terms, None):
            yield self._rdf(quad.subject), self._rdf(quad.predicate), self._rdf(quad.object)

    def __iter__(self) -> Iterator[tuple]:
        return self.triples((None, None, None))

    def __len__(self) -> int:
        return len(self._store)

    def __contains__(self, triple: tuple) -> bool:
        return next(self.triples(triple), None) is not None

    def objects(self, subject=None, predicate=None) -> Iterator:
        found = {o for _, _, o in self.triples((subject, predicate, None))}
        return iter(sorted(found, key=nt_term))

    def subjects(self, predicate=None, object=None) -> Iterator:  # noqa: A002 - rdflib's parameter name
        found = {s for s, _, _ in self.triples((None, predicate, object))}
        return iter(sorted(found, key=nt_term))

    def value(self, subject=None, predicate=None, object=None, default=None, any=True):  # noqa: A002
        if subject is not None:
            return next(self.objects(subject, predicate), default)
        return next(self.subjects(predicate, object), default)

    def query(self, text: str, initBindings: dict | None = None) -> list[Row]:  # noqa: N803 - rdflib's name
        """The rows of a SELECT query over this graph, variables pre-bound by ``initBindings``
        (rdflib's engine for a query Oxigraph cannot run)."""
        try:
            return _select(self._store, text, initBindings)
        except (SyntaxError, ValueError, TypeError, OSError, RuntimeError, PdgraphError):
            return _rdflib_select(self, text, initBindings)


def _select(store, text: str, bindings: dict | None) -> list[Row]:
    """A SELECT on an Oxigraph store with variables pre-bound, as rdflib's ``initBindings`` do: a
    ``VALUES`` row joined first inside the WHERE group (Oxigraph's own ``substitutions`` only
    bind variables that the query projects)."""
    if bindings:
        if any(isinstance(v, BNode) for v in bindings.values()):
            raise ValueError("a blank node cannot be bound in VALUES")
        names = " ".join(f"?{name}" for name in bindings)
        row = " ".join(nt_term(value) for value in bindings.values())
        brace = text.index("{")  # the WHERE group: PREFIX IRIs cannot hold a brace
        text = f"{text[:brace + 1]} VALUES ({names}) {{ ({row}) }} {text[brace + 1:]}"
    solutions = store.query(text)
    names = [v.value for v in solutions.variables]
    return [Row({name: from_oxigraph(value) for name, value in zip(names, solution) if value is not None})
            for solution in solutions]


def _rdflib_select(triples: Iterable[tuple], text: str, bindings: dict | None) -> list[Row]:
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return [Row({str(k): v for k, v in row.asdict().items()}) for row in graph.query(text, initBindings=bindings)]


class Row:
    """One solution of `TripleGraph.query`: ``asdict()`` gives the bound variables (as rdflib's rows do)."""

    def __init__(self, values: dict):
        self._values = values

    def asdict(self) -> dict:
        return dict(self._values)
