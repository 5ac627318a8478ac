"""Benchmark: the outputs for people on N synthetic assessments — the ROPA (query, workbook, CSV)
and the corpus report (data and page) — on an in-memory Oxigraph store.

Run by hand (not a test):

    .venv/bin/python benchmarks/bench_outputs.py            # 1,000 synthetic assessments
    .venv/bin/python benchmarks/bench_outputs.py 100 --no-validation

The corpus is `pdgraph.extract.synthetic.synthetic_sources(n)`, ingested into an rdflib Dataset
and copied into an in-memory Oxigraph store (not timed); the validation report the findings
chart needs is made once with `pdgraph.conformance.validate_dataset` (timed apart: it is the
`pdgraph validate` cost). Printed: seconds of each step (median of ``--repeat`` runs), the rows of
the ROPA, the sizes of ropa.xlsx, ropa.csv and report.html, and the load average (the machine may
be shared).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pdgraph.conformance import validate_dataset  # noqa: E402
from pdgraph.extract.synthetic import synthetic_sources  # noqa: E402
from pdgraph.graph.ingest import ingest_sources  # noqa: E402
from pdgraph.graph.stores import OxigraphStore  # noqa: E402
from pdgraph.outputs.report import build_report, render_report  # noqa: E402
from pdgraph.outputs.ropa import ropa_table, sheets  # noqa: E402
from pdgraph.outputs.tables import to_csv, to_xlsx  # noqa: E402


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def timed(function, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-validation", action="store_true")
    args = parser.parse_args()
    print(f"load average before: {load_average()}")
    start = time.perf_counter()
    ingested = ingest_sources(synthetic_sources(args.count))
    store = OxigraphStore()
    store.add_dataset(ingested.dataset)
    print(f"{'corpus':>22}: {args.count} assessments, ingested in {time.perf_counter() - start:.1f} s (not counted)")
    validation = None
    if not args.no_validation:
        seconds, validation = timed(lambda: validate_dataset(ingested.dataset), 1)
        print(f"{'validation':>22}: {seconds:.2f} s (once; pdgraph validate)")
    seconds, table = timed(lambda: ropa_table(store), args.repeat)
    print(f"{'ropa query':>22}: {seconds:.3f} s, {len(table.rows)} rows")
    seconds, workbook = timed(lambda: to_xlsx(sheets(table)), args.repeat)
    print(f"{'ropa.xlsx':>22}: {seconds:.3f} s, {len(workbook) / 1e6:.2f} MB, {len(sheets(table))} sheets")
    seconds, text = timed(lambda: to_csv([table]).encode("utf-8"), args.repeat)
    print(f"{'ropa.csv':>22}: {seconds:.3f} s, {len(text) / 1e6:.2f} MB")
    seconds, data = timed(lambda: build_report(store, validation), args.repeat)
    print(f"{'report data':>22}: {seconds:.3f} s, {len(data.charts)} charts")
    seconds, page = timed(lambda: render_report(data), args.repeat)
    print(f"{'report.html':>22}: {seconds:.3f} s, {len(page.encode('utf-8')) / 1e6:.2f} MB")
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
