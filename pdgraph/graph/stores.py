"""Store backends for the query catalogue: rdflib in memory, or Oxigraph in memory or on disk.

Both answer SPARQL SELECT queries over the same dataset (one named graph per
assessment) and return the same `Solutions`: variable names and rows of rdflib
terms. The default graph of a query is the union of the named graphs in both
(rdflib ``default_union``, Oxigraph ``use_default_graph_as_union``), but the two
count a triple held by several graphs differently (rdflib once, Oxigraph once
per graph), so catalogue queries scope their patterns with ``GRAPH ?g { … }``
or use DISTINCT / property paths (see docs/queries.md).

Oxigraph is the store for scale: guides/engines.md measured it 10–250× faster
than rdflib's SPARQL engine; ``oxigraph:PATH`` keeps the store in a directory,
so a corpus is loaded once and queried many times.
"""
from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier, Node

from ..errors import PdgraphError
from .versions import old_versions
from .ingest import RDF_FORMATS, Ingested, Problem, ingest

STORE_KINDS = ("rdflib", "oxigraph")


class StoreError(PdgraphError):
    """A store cannot be opened, loaded or queried."""


@dataclass
class Solutions:
    """The answer of a SELECT query: variable names and rows (None = unbound)."""

    variables: list[str]
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)

    def column(self, name: str) -> list[Node | None]:
        index = self.variables.index(name)
        return [row[index] for row in self.rows]

    def records(self) -> list[dict[str, Node | None]]:
        return [dict(zip(self.variables, row)) for row in self.rows]


class QueryStore(Protocol):
    """What the query runner needs from a store."""

    name: str

    def select(self, text: str) -> Solutions: ...

    def add_dataset(self, dataset: Dataset) -> int: ...

    def graph_count(self) -> int: ...


def _plain(term: Node | None) -> Node | None:
    """RDF 1.1: a literal typed xsd:string is the simple literal (rdflib writes no datatype)."""
    if isinstance(term, Literal) and term.datatype == XSD.string and term.language is None:
        return Literal(str(term))
    return term


# --------------------------------------------------------------------------- rdflib

def _no_graph_loading() -> None:
    """FROM / FROM NAMED name graphs of the store: rdflib would otherwise fetch them over HTTP."""
    import rdflib.plugins.sparql

    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False


class RdflibStore:
    """rdflib's in-memory `Dataset` and SPARQL engine (fine for a handful of assessments)."""

    name = "rdflib"

    def __init__(self, dataset: Dataset | None = None):
        self.dataset = dataset if dataset is not None else Dataset()

    def add_dataset(self, dataset: Dataset) -> int:
        """Add (replace) the named graphs of another dataset; returns the number of quads added."""
        if dataset is self.dataset:
            return 0
        added = 0
        for graph in dataset.graphs():
            if not len(graph):
                continue
            target = self.dataset.graph(graph.identifier)
            target.remove((None, None, None))
            for triple in graph:
                target.add(triple)
                added += 1
        return added

    def graph_count(self) -> int:
        return sum(1 for g in self.dataset.graphs() if len(g))

    def is_empty(self) -> bool:
        return not self.graph_count()

    def graph_names(self) -> list[str]:
        return sorted(str(g.identifier) for g in self.dataset.graphs() if len(g) and isinstance(g.identifier, URIRef))

    def current_versions_only(self) -> int:
        """Answer on the current version of each assessment (`pdgraph.graph.versions`); returns the
        number of older versions hidden. With none (one version each), the dataset is queried as it is."""
        hidden = old_versions(self.graph_names())
        self._view = None
        if hidden:
            self._view = Dataset()
            for graph in self.dataset.graphs():
                if len(graph) and str(graph.identifier) not in hidden:
                    target = self._view.graph(graph.identifier)
                    target.addN((s, p, o, target) for s, p, o in graph)
        return len(hidden)

    def select(self, text: str) -> Solutions:
        _no_graph_loading()
        dataset = getattr(self, "_view", None) or self.dataset
        previous = dataset.default_union
        dataset.default_union = True
        try:
            result = dataset.query(text)
            variables = [str(v) for v in (result.vars or [])]
            rows = [tuple(_plain(value) for value in row) for row in result]
        except PdgraphError:
            raise
        except Exception as error:  # rdflib raises parser- and evaluation-specific types
            raise StoreError(f"rdflib cannot run the query: {error}") from None
        finally:
            dataset.default_union = previous
        return Solutions(variables, rows)


# --------------------------------------------------------------------------- Oxigraph

def _ox():
    try:
        import pyoxigraph
    except ImportError:  # pragma: no cover - a declared dependency
        raise StoreError("the oxigraph store needs the pyoxigraph package (pip install pyoxigraph)") from None
    return pyoxigraph


def to_oxigraph(term: Node):
    """An rdflib term as a pyoxigraph term."""
    ox = _ox()
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise StoreError(f"cannot store term {term!r}")


def from_oxigraph(term) -> Identifier | None:
    """A pyoxigraph term as an rdflib term (xsd:string literals become simple literals)."""
    if term is None:
        return None
    ox = _ox()
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise StoreError(f"unexpected term from Oxigraph: {term!r}")


_XSD_STRING = str(XSD.string)


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while an answer is made: its terms and rows are many small
    objects without cycles, and a collection triggered among them walks the whole heap (with a
    5 GB rdflib dataset in the same process, by-legal-basis took 59 ms instead of 50)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _converter() -> Callable:
    """`from_oxigraph` with a cache: labels, kinds and citations repeat down a column, and pyoxigraph
    terms hash in Rust, so each distinct term is converted once per answer."""
    converted: dict = {None: None}
    get = converted.get

    def convert(term):
        value = get(term, converted)
        if value is converted:
            value = converted[term] = from_oxigraph(term)
        return value

    return convert


class OxigraphStore:
    """A pyoxigraph `Store`, in memory or persistent in a directory (``oxigraph:PATH``)."""

    name = "oxigraph"

    def __init__(self, path: str | Path | None = None, read_only: bool = False):
        ox = _ox()
        self.path = Path(path) if path else None
        self.read_only = read_only and self.path is not None
        try:
            if self.read_only:
                if not self.path.is_dir():
                    raise StoreError(f"{self.path}: no such store directory")
                if not (self.path / "CURRENT").exists():  # RocksDB's marker of a database
                    raise StoreError(f"{self.path}: not an Oxigraph store directory (make one with pdgraph build "
                                     f"DOCS --store {self.path})")
                self.store = ox.Store.read_only(str(self.path))
            else:
                self.store = ox.Store(str(self.path)) if self.path else ox.Store()
        except OSError as error:
            raise StoreError(f"{self.path}: cannot open an Oxigraph store: {error}") from None

    # -- one graph at a time (a corpus store: pdgraph.graph.stream)
    def graph_names(self) -> list[str]:
        """The IRIs of the named graphs, sorted (reads the graph list, not the quads)."""
        ox = _ox()
        return sorted(n.value for n in self.store.named_graphs() if isinstance(n, ox.NamedNode))

    def is_empty(self) -> bool:
        """Whether the store holds no named graph (looks at the first entry only)."""
        return next(iter(self.store.named_graphs()), None) is None

    def graph_ntriples(self, name: str) -> bytes:
        """One named graph as N-Triples."""
        ox = _ox()
        return self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name))

    def remove_graph_named(self, name: str) -> None:
        """Remove a named graph and its quads, if the store has it."""
        node = _ox().NamedNode(name)
        if self.store.contains_named_graph(node):
            self.store.remove_graph(node)

    def bulk_load_nquads(self, data) -> None:
        """Add N-Quads (bytes or a binary stream) with Oxigraph's bulk loader (no transaction: much
        cheaper for many graphs)."""
        try:
            self.store.bulk_load(data, format=_ox().RdfFormat.N_QUADS)
        except (SyntaxError, OSError, ValueError) as error:
            raise StoreError(f"{self.path or 'store'}: cannot load: {error}") from None

    def _quads(self, dataset: Dataset, names: set) -> Iterator:
        ox = _ox()
        for graph in dataset.graphs():
            if graph.identifier not in names:
                continue
            name = to_oxigraph(graph.identifier)
            for s, p, o in graph:
                yield ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), name)

    def add_dataset(self, dataset: Dataset, optimize: bool = True) -> int:
        """Add the named graphs of an rdflib dataset, replacing graphs of the same name
        (then compact the store, unless the caller loads more and compacts once at the end)."""
        names = {g.identifier for g in dataset.graphs() if len(g)}
        for name in names:
            if self.store.contains_named_graph(to_oxigraph(name)):
                self.store.remove_graph(to_oxigraph(name))
        before = len(self.store)
        self.store.bulk_extend(self._quads(dataset, names))
        if optimize:
            self.optimize()
        return len(self.store) - before

    def load_file(self, path: str | Path, optimize: bool = True) -> list[URIRef]:
        """Load a TriG / N-Quads file straight into the store (no rdflib parsing): fast at scale."""
        ox = _ox()
        path = Path(path)
        formats = {"trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS}
        fmt = formats.get(RDF_FORMATS.get(path.suffix.lower(), ""))
        if fmt is None:
            raise StoreError(f"{path}: only TriG and N-Quads load directly into Oxigraph")
        try:
            names = {q.graph_name for q in ox.parse(path=str(path), format=fmt)
                     if isinstance(q.graph_name, ox.NamedNode)}
            for name in names:
                if self.store.contains_named_graph(name):
                    self.store.remove_graph(name)
            self.store.bulk_load(path=str(path), format=fmt)
            if optimize:
                self.optimize()
        except (SyntaxError, OSError, ValueError) as error:
            raise StoreError(f"{path}: cannot load into Oxigraph: {error}") from None
        return sorted(URIRef(n.value) for n in names)

    def graph_count(self) -> int:
        return sum(1 for _ in self.store.named_graphs())

    def flush(self) -> None:
        if self.path and not self.read_only:
            self.store.flush()

    def optimize(self) -> None:
        """Compact an on-disk store after a bulk load (nothing to do in memory).

        Why: bulk loads leave many small RocksDB files; compacting them made every catalogue
        query 10–35 % faster at 1,000 assessments (flows 2.1 s → 1.8 s) for ~2 s of work once."""
        if self.path and not self.read_only:
            self.store.optimize()

    def current_versions_only(self) -> int:
        """Answer on the current version of each assessment (`pdgraph.graph.versions`): the older
        versions are left out of the query's named graphs (``GRAPH ?g``); returns their number. With
        none, the store is queried as it is."""
        hidden = old_versions(self.graph_names())
        self._graphs = None
        if hidden:
            ox = _ox()
            self._graphs = [ox.NamedNode(n) for n in self.graph_names() if n not in hidden]
        return len(hidden)

    def select(self, text: str) -> Solutions:
        convert = _converter()
        graphs = getattr(self, "_graphs", None)
        # The older versions leave the named graphs (what GRAPH ?g ranges over, where every catalogue
        # query reads an assessment's facts); the default graph stays the union of all graphs, for the
        # labels of shared nodes. Measured: naming the default graph as a list of graphs instead made
        # by-legal-basis 10x slower at 120 assessments (benchmarks/bench_versions.py).
        scope = {"use_default_graph_as_union": True}
        if graphs is not None:
            scope["named_graphs"] = graphs
        try:
            result = self.store.query(text, **scope)
            variables = [v.value for v in result.variables]
            with gc_paused():
                rows = [tuple([convert(term) for term in solution]) for solution in result]
        except (SyntaxError, OSError, RuntimeError, ValueError) as error:
            raise StoreError(f"Oxigraph cannot run the query: {error}") from None
        return Solutions(variables, rows)


# --------------------------------------------------------------------------- opening and loading

@dataclass(frozen=True)
class StoreSpec:
    """A parsed ``--store`` value: ``rdflib``, ``oxigraph``, ``oxigraph:PATH``, or a store directory.

    A plain directory (one that exists, or any value with a path separator) is ``oxigraph:DIR``.
    """

    kind: str
    path: Path | None = None

    @classmethod
    def parse(cls, text: str) -> StoreSpec:
        kind, _, path = text.partition(":")
        if kind not in STORE_KINDS and (Path(text).is_dir() or "/" in text or os.sep in text):
            return cls("oxigraph", Path(text))
        if kind not in STORE_KINDS:
            raise StoreError(f"unknown store {text!r}: use rdflib, oxigraph, oxigraph:PATH or a store directory")
        if kind == "rdflib" and path:
            raise StoreError("the rdflib store lives in memory only: use oxigraph:PATH for a directory")
        return cls(kind, Path(path) if path else None)


def open_store(spec: StoreSpec | str, read_only: bool = False) -> RdflibStore | OxigraphStore:
    """A new (or, for ``oxigraph:PATH``, reopened) store; ``read_only`` for a directory only read."""
    spec = StoreSpec.parse(spec) if isinstance(spec, str) else spec
    if spec.kind == "oxigraph":
        return OxigraphStore(spec.path, read_only=read_only)
    return RdflibStore()


def load_sources(store: RdflibStore | OxigraphStore, sources: Iterable[str | Path],
                 progress=None) -> Ingested:
    """Ingest documents and RDF files into a store; problems are collected, never raised.

    On Oxigraph, TriG / N-Quads files load directly (no rdflib round trip); everything
    else goes through `pipeline.ingest` and is copied in.
    """
    sources = list(sources)
    direct = [s for s in sources if isinstance(store, OxigraphStore)
              and RDF_FORMATS.get(Path(s).suffix.lower()) in ("trig", "nquads")]
    rest = [s for s in sources if s not in direct]
    if isinstance(store, RdflibStore) and not len(store.dataset):
        result = ingest(rest, dataset=store.dataset, progress=progress)
    else:
        result = ingest(rest, progress=progress)
        if isinstance(store, OxigraphStore):
            store.add_dataset(result.dataset, optimize=False)  # compacted once, below
        else:
            store.add_dataset(result.dataset)
    for path in direct:
        try:
            result.graphs[str(path)] = store.load_file(path, optimize=False)  # type: ignore[union-attr]
        except StoreError as error:
            result.problems.append(Problem(str(path), str(error)))
        if progress is not None:
            progress(str(path))
    if isinstance(store, OxigraphStore):
        store.optimize()
        store.flush()
    return result


def stores_for(dataset: Dataset) -> tuple[RdflibStore, OxigraphStore]:
    """The same dataset in both stores (tests and benchmarks compare their answers)."""
    oxigraph = OxigraphStore()
    oxigraph.add_dataset(dataset)
    return RdflibStore(dataset), oxigraph


__all__ = ["OxigraphStore", "QueryStore", "RdflibStore", "Solutions", "StoreError", "StoreSpec", "load_sources",
           "open_store", "stores_for"]
