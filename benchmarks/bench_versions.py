"""Benchmark: what answering on the current versions costs a query on an Oxigraph store.

Run by hand (not a test):

    .venv/bin/python benchmarks/bench_versions.py            # 1,000 synthetic assessments, 100 revised
    .venv/bin/python benchmarks/bench_versions.py --n 200 --revised 20 --repeat 3

A store is built (`build_corpus`, as ``pdgraph build --store`` does) from ``--n`` synthetic
assessments (`pdgraph.extract.synthetic`), and again with a second version (another 公表日) of
``--revised`` of them. Each catalogue query then runs ``--repeat`` times after a warm-up on:

- the store without history (nothing to hide: queried as before, the union of all graphs);
- the store with history, current versions only (the default: the older versions are left out
  of the query's dataset, `OxigraphStore.current_versions_only`);
- the store with history, ``--all-versions``.

Printed per query: the three medians and the ratio current / no history, and whether the
current answer equals the answer without history (the revision changes nothing but the 公表日
and the file name, so it must: the same rows once ``-v2.txt`` reads ``.txt``).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pdgraph.extract.machine import extract  # noqa: E402
from pdgraph.extract.synthetic import synthetic_sources  # noqa: E402
from pdgraph.graph.stores import OxigraphStore  # noqa: E402
from pdgraph.graph.stream import build_corpus  # noqa: E402
from pdgraph.query.catalogue import load_catalogue, run_query  # noqa: E402

LATER = "令和7年4月1日"


def revised(text: str, source) -> str | None:
    """The text with a later 公表日 (found where the extractor read it), or None without one."""
    a = extract(source)
    if not a.published_raw or not a.published_line:
        return None
    lines = text.split("\n")
    number = int(a.published_line) - 1
    if a.published_raw not in lines[number]:
        return None
    lines[number] = lines[number].replace(a.published_raw, LATER, 1)
    return "\n".join(lines)


def write_corpus(directory: Path, n: int, count: int) -> tuple[list[str], list[str]]:
    """The documents, and second versions of the first ``count`` (only the 公表日 changes)."""
    directory.mkdir(parents=True, exist_ok=True)
    first, second = [], []
    for index, source in enumerate(synthetic_sources(n)):
        path = directory / source.name
        path.write_text(source.text, encoding="utf-8")
        first.append(str(path))
        later = revised(source.text, source) if len(second) < count else None
        if later is not None:
            path2 = directory / f"{source.name[:-4]}-v2.txt"
            path2.write_text(later, encoding="utf-8")
            second.append(str(path2))
    return first, second


def median_ms(store, named, repeat: int) -> tuple[float, list]:
    answer = run_query(named, store, {})
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run_query(named, store, {})
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), answer.rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--revised", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pdgraph-bench-versions-") as tmp:
        first, second = write_corpus(Path(tmp) / "docs", args.n, args.revised)
        plain, history = Path(tmp) / "plain", Path(tmp) / "history"
        build_corpus(first, store=plain)
        result = build_corpus(first + second, store=history)
        print(f"{len(first)} assessments, {len(second)} with a second version; store with history: "
              f"{result.store_graphs} graphs ({len(result.catalogues)} catalogues)")
        stores = {"plain": OxigraphStore(plain, read_only=True), "current": OxigraphStore(history, read_only=True),
                  "all": OxigraphStore(history, read_only=True)}
        hidden = stores["current"].current_versions_only()
        print(f"current versions only: {hidden} older versions hidden")
        print(f"{'query':22} {'no history':>11} {'current':>9} {'all':>9} {'current/plain':>14}  same rows")
        for name, named in load_catalogue().items():
            if any(p.required for p in named.parameters):  # needs a value: left out
                continue
            timings = {key: median_ms(store, named, args.repeat) for key, store in stores.items()}
            # the second versions differ by their file name only (``-v2.txt``): rows compared without it
            current = sorted(str(row).replace("-v2.txt", ".txt") for row in timings["current"][1])
            same = current == sorted(str(row) for row in timings["plain"][1])
            print(f"{name:22} {timings['plain'][0]:9.1f}ms {timings['current'][0]:7.1f}ms "
                  f"{timings['all'][0]:7.1f}ms {timings['current'][0] / max(timings['plain'][0], 0.01):13.2f}x  "
                  f"{'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
