"""Benchmark `pdgraph validate`: a synthetic corpus, each engine, against the naive whole-dataset pyshacl run.

    .venv/bin/python benchmarks/bench_validate.py [N] [--naive M] [--jobs J] [--engines pyshacl,pyrudof]

Builds N synthetic assessments (pdgraph.extract.synthetic: renamed copies of the
examples; ingesting 1,000 takes ~45 s, not counted), then, in this process:
1. naive: pyshacl.validate() once over the union of the first M assessment
   graphs in rdflib's memory store (what one would write first; run before the
   per-assessment engines so that pdgraph's pyshacl speed-up is not active);
2. per assessment, for each engine, with 1 and with J worker processes.
Prints seconds, assessments/s, CPU seconds (this process and its workers: on a
busy machine the wall clock of a parallel run says less than the CPU time) and
the number of findings of each run, and whether the per-assessment runs agree.
Goal: 1,000 assessments in <= 30 s.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rdflib import Graph  # noqa: E402

from pdgraph.graph.ingest import assessment_graphs, ingest_sources  # noqa: E402
from pdgraph.extract.synthetic import synthetic_sources  # noqa: E402
from pdgraph.conformance import available_engines, graph_triples, load_shapes, validate_graphs  # noqa: E402


def naive_run(graphs, shapes) -> tuple[float, int]:
    """pyshacl once over one union graph (rdflib memory store): seconds, results."""
    import pyshacl
    from rdflib.namespace import RDF, Namespace

    union = Graph()
    for graph in graphs:
        for triple in graph_triples(graph):
            union.add(triple)
    started = time.perf_counter()
    _conforms, report, _text = pyshacl.validate(union, shacl_graph=shapes.graph, inference="none",
                                               allow_warnings=True, allow_infos=True)
    seconds = time.perf_counter() - started
    sh = Namespace("http://www.w3.org/ns/shacl#")
    return seconds, len(list(report.subjects(RDF.type, sh.ValidationResult)))


def line(label: str, count: int, seconds: float, findings: int, cpu: float | None = None) -> str:
    cpu_text = f"{cpu:>8.1f} s" if cpu is not None else f"{'':>10}"
    return f"{label:<44} {count:>6} {seconds:>9.2f} s {count / seconds:>9.1f} /s {cpu_text} {findings:>9}"


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the worker processes)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=1000, help="synthetic assessments (default 1000)")
    parser.add_argument("--naive", type=int, default=100,
                        help="assessments in the naive whole-dataset run (default 100; 0 skips it)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="worker processes")
    parser.add_argument("--engines", default=",".join(available_engines()), help="engines to measure")
    args = parser.parse_args()

    started = time.perf_counter()
    ingested = ingest_sources(synthetic_sources(args.count))
    graphs = assessment_graphs(ingested.dataset)
    triples = sum(len(graph_triples(g)) for g in graphs)
    print(f"corpus: {len(graphs)} assessments, {triples} triples, built in {time.perf_counter() - started:.1f} s "
          f"(not counted); {os.cpu_count()} CPU(s)")
    shapes = load_shapes()
    print(f"shapes: {len(shapes.info)} shapes from {', '.join(Path(f).name for f in shapes.files)}")
    print(f"{'run':<44} {'n':>6} {'seconds':>11} {'rate':>12} {'cpu':>10} {'findings':>9}")

    if args.naive:
        subset = graphs[:args.naive]
        seconds, results = naive_run(subset, shapes)
        print(line(f"naive: pyshacl, one union graph (first {len(subset)})", len(subset), seconds, results))
        print(f"{'':<44} extrapolated to {len(graphs)}: {seconds / len(subset) * len(graphs):.0f} s")

    outcomes = {}
    for engine in args.engines.split(","):
        # several processes first: a process that has used pyrudof does not fork any more
        for jobs in sorted({1, args.jobs}, reverse=True):
            started, cpu = time.perf_counter(), cpu_seconds()
            results = validate_graphs(graphs, shapes, engine, jobs)
            seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
            findings = sum(len(r.findings) for r in results)
            outcomes[(engine, jobs)] = [[f.to_json() for f in r.findings] for r in results]
            print(line(f"per assessment: {engine}, {jobs} process(es)", len(graphs), seconds, findings, cpu))
    reference = next(iter(outcomes.values()))
    agree = all(outcome == reference for outcome in outcomes.values())
    print(f"per-assessment runs agree finding for finding: {'yes' if agree else 'NO'}")


if __name__ == "__main__":
    main()
