"""Hostile sizes (issue 13): validation cost per annex row, and memory per byte of a large document.

    .venv/bin/python benchmarks/bench_hostile.py [--rows 400,800,1600,3200] [--sizes 1,2.5,5,10]
                                                 [--only annex|memory]

annex   examples/003 with its 別紙1 rows copied to N rows; `pdgraph validate` of it with pyshacl
        (on Oxigraph), in this process: CPU seconds of the validation alone (not reading), per
        row, and t(2N) / t(N) (2.0 when the cost is linear in the rows), per shape for the
        largest N.
memory  the same document grown to S MB; `pdgraph build -j 1` in a child process: wall seconds,
        peak RSS of the child, and RSS per byte of document (flat when memory is proportional).
Prints figures only; nothing is asserted (docs/validation.md and docs/scale.md quote them).
"""
from __future__ import annotations

import argparse
import collections
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
EXAMPLE = ROOT / "examples" / "003_f2d2f4201ce28b38.txt"

from pdgraph.extract.synthetic import with_annex_rows  # noqa: E402


def annex_rows(count: int) -> str:
    """The example with its 別紙1 rows repeated to ``count`` rows (numbered 1 … count)."""
    return with_annex_rows(EXAMPLE.read_text(encoding="utf-8"), count)


def per_shape_timer():
    """Wrap pyshacl's Shape.validate: CPU seconds per top-level shape."""
    import pyshacl.shape as shape_module

    times: collections.Counter = collections.Counter()
    depth = [0]
    original = shape_module.Shape.validate

    def timed(self, *args, **kwargs):
        depth[0] += 1
        started = time.process_time()
        try:
            return original(self, *args, **kwargs)
        finally:
            depth[0] -= 1
            if depth[0] == 0:
                times[str(self.node).rsplit("#", 1)[-1]] += time.process_time() - started

    shape_module.Shape.validate = timed
    return times


def bench_annex(counts: list[int]) -> None:
    from pdgraph.conformance import load_shapes, validate_dataset
    from pdgraph.graph.ingest import ingest

    shapes = load_shapes()
    times = per_shape_timer()
    print(f"{'annex rows':>10} {'cpu s':>8} {'ms/row':>8} {'t(N)/t(N/2)':>12} findings")
    previous = None
    with tempfile.TemporaryDirectory() as directory:
        for count in counts:
            doc = Path(directory) / f"annex-{count}.txt"
            doc.write_text(annex_rows(count), encoding="utf-8")
            result = ingest([doc])
            times.clear()
            started = time.process_time()
            report = validate_dataset(result.dataset, shapes, engine="pyshacl")
            seconds = time.process_time() - started
            ratio = f"{seconds / previous:>12.2f}" if previous else f"{'':>12}"
            print(f"{count:>10} {seconds:>8.2f} {1000 * seconds / count:>8.2f} {ratio} {report.counts()}")
            previous = seconds
    print(f"per shape at {counts[-1]} rows (cpu s):")
    for name, seconds in times.most_common(6):
        print(f"  {seconds:>7.2f} {name}")


_CHILD = """
import resource, subprocess, sys, time
started = time.perf_counter()
run = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(run.returncode, time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def bench_memory(sizes_mb: list[float]) -> None:
    unit = len(annex_rows(240).encode("utf-8")) - len(annex_rows(0).encode("utf-8"))  # bytes per 240 rows
    base = len(annex_rows(0).encode("utf-8"))
    print(f"{'size MB':>8} {'rows':>7} {'exit':>4} {'wall s':>8} {'peak RSS MB':>12} {'RSS / size':>10}")
    with tempfile.TemporaryDirectory() as directory:
        for size in sizes_mb:
            rows = max(1, int((size * 1024 ** 2 - base) / unit * 240))
            doc = Path(directory) / "big.txt"
            doc.write_text(annex_rows(rows), encoding="utf-8")
            actual = doc.stat().st_size
            command = [sys.executable, "-c", _CHILD, sys.executable, "-m", "pdgraph", "--max-size", "0", "build",
                       str(doc), "-o", str(Path(directory) / "o.trig"), "-q", "-j", "1"]
            code, seconds, peak_kb = subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()
            peak = int(peak_kb) * 1024
            print(f"{actual / 1024 ** 2:>8.1f} {rows:>7} {code:>4} {float(seconds):>8.1f} {peak / 1024 ** 2:>12.0f} "
                  f"{peak / actual:>10.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", default="400,800,1600,3200")
    parser.add_argument("--sizes", default="1,2.5,5,10")
    parser.add_argument("--only", choices=("annex", "memory"))
    args = parser.parse_args()
    if args.only in (None, "annex"):
        bench_annex([int(n) for n in args.rows.split(",")])
    if args.only in (None, "memory"):
        bench_memory([float(s) for s in args.sizes.split(",")])


if __name__ == "__main__":
    main()
