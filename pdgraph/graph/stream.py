"""Streaming ingest: a corpus, one assessment at a time, over worker processes, into files or a store.

    paths --(workers: read, extract, map, serialise, + the caller's per-graph step)-->
          events in input order --(this process)--> TriG / N-Quads / Turtle / JSON-LD file, Oxigraph store, reports

No dataset ever holds the corpus: a worker turns one document (or one graph of an RDF file)
into its triples, makes what the caller asked for (a block of the output format, N-Quads, N-Triples, a
summary, and the result of the caller's own step such as validating it), and sends that back
as text or small records. This process only appends blocks to a spill file, hands N-Quads to
a loading thread (`StoreLoader`) and collects small results, so memory stays flat whatever the
number of documents.

Determinism: events come back in input order (`WorkerPool`), an output file (any format) is
written in graph-IRI order from the spill file at the end, and a block depends only on its
graph's triples, so the output is byte-identical for any number of workers, and identical to
`serialize.serialize_dataset` of the same graphs. Every version of an assessment is a graph of its own
(`pdgraph.graph.versions`); when two sources give the same graph (the same text twice), the batch
keeps one whatever their order (`versions.SameVersion`), and a graph already in the store is
replaced. `build_corpus` ends by writing the catalogue graph of every assessment with several
versions (from all the versions of the file, or of the store).

RDF sources are parsed by Oxigraph into a scratch store (in memory, or in a temporary
directory when the file is large), and each of their graphs then travels as one item, in its
place in the input order. Triples of a triple format (Turtle, JSON-LD, …) go to the graph named
after the file, except those recorded with ``pdg:inGraph`` (the Turtle of the union that
``build -o FILE.ttl`` writes), which go back to their named graphs.
"""
from __future__ import annotations

import io
import os
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import URIRef
from rdflib.namespace import RDF

from ..errors import PdgraphError, RdfInputError
from ..files import OutputError, OutputFiles
from ..extract.records import Assessment
from .batch import WorkerPool
from .ingest import RDF_FORMATS, Problem, assessment_from_path, guard_rdf, is_rdf
from .mapping import assessment_triples
from .iris import graph_iri, version_key
from .serialize import DATASET_FORMATS, DatasetFormat, dataset_format, graph_block, nquads_block, write_dataset
from .stores import OxigraphStore, StoreError
from .triples import StoreGraph, TripleGraph, ntriples, parse_ntriples
from .versions import SameVersion, catalogues, versions_by_assessment
from .vocab import PDG

# progress(phase, done, total): called after each item of a long batch (total 0: unknown).
Progress = Callable[[str, int, int], None]

# Above this size an RDF source is parsed into a temporary directory instead of memory.
_SCRATCH_ON_DISK = 32 * 1024 * 1024


# --------------------------------------------------------------------------- what a worker sends back

@dataclass(frozen=True)
class DocumentSummary:
    """What ``pdgraph build`` prints about one document."""

    organization: str | None
    kind: str | None
    number: str | None
    files: int
    flows: int
    parts: int
    text_sha256: str = ""  # one graph from two sources: the batch keeps one by this (`versions.SameVersion`)
    version: str = ""  # the version key (公表日 and a digest of the text, `iris.version_key`)

    @classmethod
    def of(cls, a: Assessment) -> DocumentSummary:
        flows = sum(len(f.provisions or []) + len(f.transfers or []) for f in a.files)
        return cls(a.organization, a.kind, a.number, len(a.files), flows, len(a.sections_seen), a.text_sha256,
                   version_key(a))


class GraphData:
    """One graph inside a worker, handed to the caller's step: where it came from, its name, and its
    triples as rdflib terms (``triples``, ``graph``) or in Oxigraph (``store_graph``), each made
    on first use from what the graph came as (mapped triples, or N-Triples text)."""

    def __init__(self, source: str, name: URIRef, triples: set | list | None = None,
                 assessment: Assessment | None = None, text: bytes | None = None):
        self.source, self.name, self.assessment, self.text = source, name, assessment, text
        self._triples = triples
        self._graph: TripleGraph | None = None
        self._store_graph: TripleGraph | StoreGraph | None = None

    @property
    def triples(self) -> set | list:
        if self._triples is None:
            self._triples = parse_ntriples(self.text)
        return self._triples

    @property
    def graph(self) -> TripleGraph:
        """Indexed rdflib terms: for many look-ups (facts)."""
        if self._graph is None:
            self._graph = TripleGraph(self.triples, self.name, self.text)
        return self._graph

    @property
    def store_graph(self) -> TripleGraph | StoreGraph:
        """The graph in an in-memory Oxigraph store (what pyshacl validates), read through the
        rdflib-like API for the few look-ups of a report; the `TripleGraph` when Oxigraph refuses
        a term of it."""
        if self._store_graph is None:
            text = self.text if self.text is not None else ntriples(self.triples).encode("utf-8")
            try:
                self._store_graph = StoreGraph.from_text(text, self.name)
            except (SyntaxError, ValueError):
                self._store_graph = self.graph
        return self._store_graph

    @property
    def size(self) -> int:
        return len(self._triples) if self._triples is not None else len(self.store_graph)

    @property
    def has_assessment(self) -> bool:
        if self.assessment is not None:
            return True
        if self._triples is None:
            return (None, RDF.type, PDG.Assessment) in self.store_graph
        return any(p == RDF.type and o == PDG.Assessment for _, p, o in self._triples)


@dataclass
class Outcome:
    """One graph, done: its name, size, and what was asked for (text or small records)."""

    source: str
    name: str
    triples: int
    has_assessment: bool
    summary: DocumentSummary | None = None
    trig: str | None = None
    nquads: bytes | None = None
    block: str | None = None  # the graph in the stream's output format (`GraphStream.output`)
    ntriples: bytes | None = None
    extra: Any = None


@dataclass(frozen=True)
class Finished:
    """A source is done (after its outcomes or its problem): ``graphs`` graphs came from it."""

    source: str
    graphs: int


@dataclass(frozen=True)
class DirectLoad:
    """A TriG / N-Quads file for the consumer to bulk-load into its store, in its turn."""

    source: str


Event = Outcome | Problem | Finished | DirectLoad


# --------------------------------------------------------------------------- the work of one item

@dataclass
class GraphStream:
    """What to make of every graph of a batch; `process` runs in the workers."""

    trig: bool = False
    nquads: bool = False
    ntriples: bool = False
    output: str | None = None  # a dataset format (serialize.DATASET_FORMATS): each graph's block in it
    step: Callable[[GraphData], Any] | None = None  # the caller's per-graph work (validate, facts …)

    def pool(self, jobs: int | None = None) -> WorkerPool:
        """The worker processes for this stream (enter it before opening an on-disk store)."""
        return WorkerPool(self.process, jobs)

    def process(self, task: tuple) -> list[Event]:
        """The events of one task: ``("document", path)``, ``("graph", source, name, n-triples)`` (one
        graph of an RDF file), ``("end", source, graphs)``, ``("stored", name, name, n-triples)`` (a
        graph of a store), ``("direct", path)`` or ``("problem", source, message)``."""
        kind, source = task[0], task[1]
        if kind == "problem":
            return [Problem(source, task[2]), Finished(source, 0)]
        if kind == "end":
            return [Finished(source, task[2])]
        if kind == "direct":
            return [DirectLoad(source), Finished(source, 0)]
        try:
            if kind == "document":
                assessment = assessment_from_path(source)
                data = GraphData(source, graph_iri(assessment), assessment_triples(assessment), assessment)
                return [self.outcome(data), Finished(source, 1)]
            data = GraphData(source, URIRef(task[2]), text=task[3])
            outcome = [self.outcome(data)]
            return outcome + [Finished(source, 1)] if kind == "stored" else outcome
        except PdgraphError as error:
            return [Problem(source, str(error)), Finished(source, 0)]
        except Exception as error:  # noqa: BLE001 - one document must never stop a corpus
            return [Problem(source, f"{source}: internal error ({type(error).__name__}: {error}); please report it"),
                    Finished(source, 0)]

    def outcome(self, data: GraphData) -> Outcome:
        out = Outcome(data.source, str(data.name), data.size, data.has_assessment)
        if data.assessment is not None:
            out.summary = DocumentSummary.of(data.assessment)
        if self.trig:
            out.trig = graph_block(data.name, data.triples)
        if self.nquads:  # sorted: a set's order changes with the hash seed of each run
            out.nquads = nquads_block(data.name, data.triples).encode("utf-8")
        if self.output is not None:
            out.block = DATASET_FORMATS[self.output].block(data.name, data.triples)
        if self.ntriples:
            out.ntriples = data.text if data.text is not None else ntriples(data.triples).encode("utf-8")
        if self.step is not None:
            out.extra = self.step(data)
        return out

    def events(self, pool: WorkerPool, tasks: Iterable[tuple], total: int, progress: Progress | None = None,
               phase: str = "reading") -> Iterator[Event]:
        """Run the tasks (`source_tasks`, `store_tasks`) and yield their events in order."""
        done = 0
        if progress is not None:
            progress(phase, 0, total)
        for events in pool.map(tasks):
            for event in events:
                yield event
                if isinstance(event, Finished):
                    done += 1
                    if progress is not None:
                        progress(phase, done, total)


# --------------------------------------------------------------------------- items: documents, RDF files, a store

_OX_FORMATS = {"trig": "TRIG", "nquads": "N_QUADS", "turtle": "TURTLE", "nt": "N_TRIPLES", "json-ld": "JSON_LD",
               "xml": "RDF_XML"}
_DATASET_FORMATS = ("trig", "nquads")


_RECORDS = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX pdg: <https://w3id.org/pdgraph/ns#>
{action} WHERE {{ GRAPH {graph} {{
  ?r pdg:inGraph ?g ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o . FILTER(isBlank(?r) && isIRI(?g))
}} }}"""


def _split_recorded_graphs(store, graph) -> None:
    """`ingest.split_recorded_graphs` in Oxigraph: a triple recorded with ``pdg:inGraph`` (the Turtle
    of the union of ``pdgraph build -o FILE.ttl``) moves into its named graph; the records go."""
    ask = f"ASK {{ GRAPH {graph} {{ ?r <{PDG.inGraph}> ?g }} }}"
    if not store.query(ask):
        return
    store.update(_RECORDS.format(action="INSERT { GRAPH ?g { ?s ?p ?o } }", graph=graph))
    store.update(_RECORDS.format(action=f"DELETE {{ GRAPH {graph} {{ ?s ?p ?o . ?r ?rp ?ro }} }}",
                                 graph=graph).replace("FILTER", "?r ?rp ?ro . FILTER"))
    if not store.query(f"ASK {{ GRAPH {graph} {{ ?s ?p ?o }} }}"):
        store.remove_graph(graph)


class _Scratch:
    """An Oxigraph store that holds one RDF source at a time (in memory, or on disk when large)."""

    def __init__(self):
        self._memory = None
        self._disk = None
        self._directory: tempfile.TemporaryDirectory | None = None

    def load(self, path: str) -> tuple[object, list]:
        import pyoxigraph as ox

        fmt = RDF_FORMATS[Path(path).suffix.lower()]
        guarded = guard_rdf(Path(path), fmt)  # a regular file; RDF/XML entities and remote JSON-LD contexts refused
        large = os.path.getsize(path) > _SCRATCH_ON_DISK
        if large and self._disk is None:
            self._directory = tempfile.TemporaryDirectory(prefix="pdgraph-scratch-")
            self._disk = ox.Store(self._directory.name)
        store = self._disk if large else (self._memory if self._memory is not None else ox.Store())
        if not large:
            self._memory = store
        store.clear()
        target = {} if fmt in _DATASET_FORMATS else {"to_graph": ox.NamedNode(Path(path).resolve().as_uri())}
        try:
            if guarded is not None:  # the checked bytes, read once; relative IRIs against the file
                store.load(input=guarded, format=getattr(ox.RdfFormat, _OX_FORMATS[fmt]),
                           base_iri=Path(path).resolve().as_uri(), **target)
            elif large:
                store.bulk_load(path=path, format=getattr(ox.RdfFormat, _OX_FORMATS[fmt]), **target)
            else:
                store.load(path=path, format=getattr(ox.RdfFormat, _OX_FORMATS[fmt]), **target)
            if target:
                _split_recorded_graphs(store, target["to_graph"])
        except (SyntaxError, ValueError, OSError) as error:
            store.clear()
            raise RdfInputError(f"{path}: cannot parse as {fmt}: {error}") from None
        names = sorted((n for n in store.named_graphs() if isinstance(n, ox.NamedNode)), key=lambda n: n.value)
        return store, names

    def close(self) -> None:
        self._memory = self._disk = None
        if self._directory is not None:
            self._directory.cleanup()


def source_tasks(paths: Iterable[str], direct: bool = False) -> Iterator[tuple]:
    """One item per document; one per graph of an RDF source (parsed here), then its end marker.

    With ``direct``, a TriG or N-Quads file is one item that the consumer bulk-loads into its
    store in its turn (`DirectLoad`): no parsing into Python terms on the way.
    """
    import pyoxigraph as ox

    scratch = _Scratch()
    try:
        for path in paths:
            path = str(path)
            if not is_rdf(path):
                yield ("document", path)
                continue
            if direct and RDF_FORMATS[Path(path).suffix.lower()] in _DATASET_FORMATS:
                yield ("direct", path)
                continue
            try:
                store, names = scratch.load(path)
            except PdgraphError as error:  # not a regular file, refused, or cannot be parsed
                yield ("problem", path, str(error))
                continue
            for name in names:
                yield ("graph", path, name.value, store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=name))
            yield ("end", path, len(names))
    finally:
        scratch.close()


def store_tasks(store: OxigraphStore, names: Iterable[str] | None = None) -> Iterator[tuple]:
    """One item per named graph of a store (all of them, in IRI order, unless ``names`` are given)."""
    for name in (names if names is not None else store.graph_names()):
        yield ("stored", name, name, store.graph_ntriples(name))


# --------------------------------------------------------------------------- destinations

class Spill:
    """Blocks of bytes by graph name in a temporary file, read back in name order (a later block replaces)."""

    def __init__(self, directory: str | Path | None = None):
        self._file = tempfile.TemporaryFile(dir=directory)
        self._index: dict[str, tuple[int, int]] = {}
        self._end = 0

    def add(self, name: str, block: str | bytes) -> None:
        data = block.encode("utf-8") if isinstance(block, str) else block
        self._file.seek(self._end)
        self._file.write(data)
        self._index[name] = (self._end, len(data))
        self._end += len(data)

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, name: str) -> bool:
        return name in self._index

    def names(self) -> list[str]:
        """The graph names held, in name order (without reading a block)."""
        return sorted(self._index)

    def items(self) -> Iterator[tuple[str, bytes]]:
        """(name, block) in name order."""
        for name in sorted(self._index):
            offset, length = self._index[name]
            self._file.seek(offset)
            yield name, self._file.read(length)

    def close(self) -> None:
        self._file.close()


class SortedGraphFile:
    """A dataset file (TriG, N-Quads, Turtle of the union, JSON-LD: `serialize.DATASET_FORMATS`)
    written in graph-IRI order from blocks that arrive in any order.

    Blocks go to a `Spill` beside the output as they come; only the name, offset and length of
    each stay in memory. `close` writes the output (through ``NAME.partial``, then renamed). A
    later block of the same graph replaces the earlier one. The path is checked by ``outputs``
    (never an input of the command, see `pdgraph.files.OutputFiles`); a path that cannot be
    written raises `OutputError` here, not after the corpus was read.
    """

    def __init__(self, path: str | Path, fmt: str | DatasetFormat = "trig", outputs: OutputFiles | None = None):
        self.path = (outputs or OutputFiles()).check(path)
        self.fmt = DATASET_FORMATS[fmt] if isinstance(fmt, str) else fmt
        self._partial = self.path.with_name(self.path.name + ".partial")
        try:
            self._out = open(self._partial, "wb")
            self._spill = Spill(self.path.parent)
        except OSError as error:
            if hasattr(self, "_out"):
                self._out.close()
                self._partial.unlink(missing_ok=True)
            raise OutputError(path, f"cannot write: {(error.strerror or str(error)).lower()}") from None

    def add(self, name: str, block: str | bytes) -> None:
        self._spill.add(name, block)

    def __len__(self) -> int:
        return len(self._spill)

    def close(self, progress: Progress | None = None) -> None:
        """Write the output file in graph-IRI order."""
        total = len(self._spill)
        try:
            def blocks() -> Iterator[bytes]:
                for done, (_, block) in enumerate(self._spill.items(), start=1):
                    yield block
                    if progress is not None:
                        progress("writing", done, total)

            with self._out as out:
                write_dataset(out, self.fmt, blocks())
            os.replace(self._partial, self.path)
        except OSError as error:  # a full disk
            raise OutputError(self.path, f"cannot write: {(error.strerror or str(error)).lower()}") from None
        finally:
            self.discard()

    def discard(self) -> None:
        self._spill.close()
        self._out.close()
        if self._partial.exists():
            self._partial.unlink()


class _ChunkReader(io.RawIOBase):
    """The current blocks of a `Spill`, in file order, as one stream for Oxigraph's bulk loader
    (a block replaced by a later one of the same graph is skipped); counts the blocks it gave."""

    def __init__(self, spill: Spill):
        self._blocks = iter(sorted(spill._index.values()))
        self._file = spill._file
        self._left = 0
        self.blocks = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._left:
            block = next(self._blocks, None)
            if block is None:
                return 0
            self._file.seek(block[0])
            self._left = block[1]
            self.blocks += 1
        data = self._file.read(min(len(buffer), self._left))
        buffer[:len(data)] = data
        self._left -= len(data)
        return len(data)


class StoreLoader:
    """Loads graphs (N-Quads) into an Oxigraph store on a background thread, each graph replacing
    its namesake, in the order they were added.

    Graphs gather in a spill file (not in memory) until ``chunk_bytes``, then one thread removes
    the graphs of that name already in the store and bulk-loads the chunk, while the caller goes
    on reading documents (the loader releases the GIL). Oxigraph's bulk loader costs ~3× less per
    quad than a transaction per graph and a little less again for bigger chunks, but its memory
    grows with a chunk (measured: 128 MB chunks ~0.65 GB, 256 MB ~1.2 GB, 1 GB ~3.8 GB), so a
    chunk is 128 MB (~450 assessments).
    """

    def __init__(self, store: OxigraphStore, chunk_bytes: int = 128 * 1024 * 1024):
        self.store = store
        self.chunk_bytes = chunk_bytes
        self._directory = store.path.parent if store.path is not None else None
        self._spill: Spill | None = None
        self._size = 0
        self._jobs: list[Future] = []
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdgraph-store-loader")
        self.added = 0  # graphs handed over
        self.loaded = 0  # graphs in the store (counted by the loading thread)

    def add(self, name: str, nquads: bytes) -> None:
        if self._spill is None:
            self._directory and Path(self._directory).mkdir(parents=True, exist_ok=True)
            self._spill = Spill(self._directory)
        self._spill.add(name, nquads)
        self._size += len(nquads)
        self.added += 1
        if self._size >= self.chunk_bytes:
            self._hand_over()

    def _hand_over(self) -> None:
        if self._spill is not None:
            self._jobs.append(self._thread.submit(self._load_chunk, self._spill))
            self._spill, self._size = None, 0

    def _load_chunk(self, spill: Spill) -> dict[str, int]:
        try:
            for name in spill._index:
                self.store.remove_graph_named(name)
            reader = _ChunkReader(spill)
            try:
                self.store.bulk_load_nquads(reader)
            finally:
                self.loaded += reader.blocks
            return {}
        finally:
            spill.close()

    def load_file(self, path: str) -> None:
        """Bulk-load a TriG / N-Quads file after what came before it (see `finish`)."""
        self._hand_over()
        self._jobs.append(self._thread.submit(self._load_file, path))
        self.added += 1

    def _load_file(self, path: str) -> dict[str, int]:
        import pyoxigraph as ox

        try:
            names = self.store.load_file(path, optimize=False)
        except StoreError as error:
            self.loaded += 1
            return Problem(path, str(error))
        kept = {}
        for name in names:  # only the graphs that hold an assessment stay
            node = ox.NamedNode(str(name))  # str(node) is <IRI>, checked by the parser: safe in a query
            if not self.store.store.query(_HAS_ASSESSMENT.format(graph=node)):
                self.store.store.remove_graph(node)
                continue
            count = next(iter(self.store.store.query(_COUNT_TRIPLES.format(graph=node))))
            kept[str(name)] = int(count[0].value)
        self.loaded += 1
        return kept

    def finish(self, progress: Progress | None = None) -> tuple[dict[str, int], list[Problem]]:
        """Load what is left and wait: the graphs of the TriG / N-Quads files loaded (name -> triples)
        and the files that could not be loaded. A chunk that cannot be loaded raises `StoreError`."""
        self._hand_over()
        kept, problems = {}, []
        try:
            for job in self._jobs:
                while True:
                    try:
                        found = job.result(timeout=0.2)
                        break
                    except FutureTimeout:
                        if progress is not None:
                            progress("loading", min(self.loaded, self.added), self.added)
                if isinstance(found, Problem):
                    problems.append(found)
                else:
                    kept.update(found)
            if progress is not None and self.added:
                progress("loading", self.added, self.added)
        finally:
            self.close()
        return kept, problems

    def close(self) -> None:
        """Stop the loading thread (what was handed over is still loaded) and drop unloaded chunks."""
        self._thread.shutdown(wait=True)
        if self._spill is not None:
            self._spill.close()
            self._spill = None


_HAS_ASSESSMENT = "ASK {{ GRAPH {graph} {{ ?a a <https://w3id.org/pdgraph/ns#Assessment> }} }}"
_COUNT_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}"


def each_graph(stream: GraphStream, paths: Iterable[str] | None = None, store: str | Path | None = None,
               jobs: int | None = None, progress: Progress | None = None, phase: str = "reading") -> Iterator[Event]:
    """The events of a stream over documents and RDF files, or over every graph of a store directory
    (opened read-only after the workers fork)."""
    with stream.pool(jobs) as pool:
        if store is not None:
            opened = OxigraphStore(store, read_only=True)
            names = opened.graph_names()
            yield from stream.events(pool, store_tasks(opened, names), len(names), progress, phase)
        else:
            paths = [str(p) for p in paths or ()]
            yield from stream.events(pool, source_tasks(paths), len(paths), progress, phase)


# --------------------------------------------------------------------------- pdgraph build

@dataclass
class BuildResult:
    """What a build made: graphs (name -> triples), per-document summaries, problems."""

    graphs: dict[str, int] = field(default_factory=dict)
    summaries: dict[str, DocumentSummary] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    store_graphs: int | None = None  # graphs in the store afterwards
    sources: dict[str, str] = field(default_factory=dict)  # source -> the graph it gave
    same_version: SameVersion = field(default_factory=SameVersion)
    catalogues: list[str] = field(default_factory=list)  # catalogue graphs written (assessments with versions)
    versions: dict[str, list[str]] = field(default_factory=dict)  # assessment id -> its version keys, oldest first

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


def output_format(path: str | Path, name: str | None = None) -> str:
    """The dataset format of an output file: ``name`` if given, else the one its suffix names
    (.trig, .nq, .ttl, .jsonld); `serialize.UnknownFormat` for any other suffix."""
    return dataset_format(path, name).name


def build_corpus(paths: Iterable[str], output: str | Path | None = None,
                 store: str | Path | OxigraphStore | None = None, jobs: int | None = None,
                 progress: Progress | None = None, fmt: str | None = None,
                 outputs: OutputFiles | None = None) -> BuildResult:
    """Ingest documents and RDF files into a dataset file and/or an Oxigraph store.

    The file's format is ``fmt`` (a name of `serialize.DATASET_FORMATS`) or else the one its
    suffix names; any other suffix raises `serialize.UnknownFormat` before anything is read.

    ``store`` is a directory (a persistent store, created if need be) or an open store (in
    memory: a directory is opened here, after the workers fork). Only graphs that hold an
    assessment are kept; in the store, a graph of the same name is replaced (re-ingesting a
    document replaces its assessment's graph). The output file is never one of the ``paths``
    (`OutputFiles`, given by the caller when it protects more inputs).
    """
    paths = [str(p) for p in paths]
    outputs = outputs if outputs is not None else OutputFiles(paths)
    fmt = output_format(output, fmt) if output else None
    stream = GraphStream(output=fmt if fmt != "nquads" else None, nquads=store is not None or fmt == "nquads")
    direct = store is not None and output is None  # TriG / N-Quads straight into the store
    result = BuildResult()
    with stream.pool(jobs) as pool:
        target = store if isinstance(store, OxigraphStore) or store is None else OxigraphStore(store)
        writer = SortedGraphFile(output, fmt, outputs) if output else None
        loader = StoreLoader(target) if target is not None else None
        try:
            for event in stream.events(pool, source_tasks(paths, direct), len(paths), progress):
                if isinstance(event, Problem):
                    result.problems.append(event)
                elif isinstance(event, DirectLoad):
                    loader.load_file(event.source)
                elif isinstance(event, Outcome) and event.has_assessment:
                    if event.summary is not None:
                        result.summaries[event.source] = event.summary
                    result.sources[event.source] = event.name
                    digest = event.summary.text_sha256 if event.summary is not None else None
                    if not result.same_version.keep(event.name, event.source, digest):
                        continue  # another document of this version is kept, whatever the order
                    result.graphs[event.name] = event.triples
                    if writer is not None:
                        writer.add(event.name, event.nquads if fmt == "nquads" else event.block)
                    if loader is not None:
                        loader.add(event.name, event.nquads)
            if writer is not None:
                for name, block in _catalogue_blocks(result.graphs, fmt, result).items():
                    writer.add(name, block)
                writer.close(progress)
                writer = None
            if loader is not None:
                kept, problems = loader.finish(progress)
                result.graphs.update(kept)
                result.problems += problems
                _store_catalogues(target, result)
                if progress is not None and target.path is not None:
                    progress("compacting", 0, 0)
                target.optimize()
                target.flush()
                result.store_graphs = target.graph_count()
        finally:
            if writer is not None:
                writer.discard()
            if loader is not None:
                loader.close()
    return result


def _catalogue_blocks(names, fmt: str, result: BuildResult) -> dict[str, str | bytes]:
    """The catalogue graph of each assessment with several versions among ``names``, as blocks."""
    blocks = {}
    for name, triples in catalogues(names).items():
        block = DATASET_FORMATS[fmt].block(URIRef(name), triples)
        blocks[name] = block.encode("utf-8") if fmt == "nquads" else block
        result.catalogues.append(name)
    _note_versions(names, result)
    return blocks


def _store_catalogues(store: OxigraphStore, result: BuildResult) -> None:
    """Rewrite the catalogue graphs of the store from all the versions it holds (earlier builds too)."""
    names = store.graph_names()
    for name, triples in catalogues(names).items():
        store.remove_graph_named(name)
        store.bulk_load_nquads(nquads_block(URIRef(name), triples).encode("utf-8"))
        result.catalogues.append(name)
    _note_versions(names, result)


def _note_versions(names, result: BuildResult) -> None:
    for aid, versions in versions_by_assessment(names).items():
        result.versions[aid] = [v.key for v in versions]


__all__ = ["BuildResult", "DirectLoad", "DocumentSummary", "Finished", "GraphData", "GraphStream", "Outcome", "Progress", "Spill",
           "SortedGraphFile", "StoreLoader", "StoreError", "build_corpus", "each_graph", "output_format",
           "source_tasks", "store_tasks"]
