"""Benchmark: a corpus of synthetic assessments through the CLI, one command at a time — time, CPU and memory.

    .venv/bin/python benchmarks/bench_corpus.py                          # 500 and 10,000
    .venv/bin/python benchmarks/bench_corpus.py --sizes 500,10000 --big 30000
    .venv/bin/python benchmarks/bench_corpus.py --sizes 8,16 --commands validate,build   # a toy run

The documents are `pdgraph.extract.synthetic.synthetic_sources(n)` written as text files into
``--work DIR/docs-N`` (not timed; kept and reused by later runs when ``--work`` is given). Each
command then runs as its own process, as a user would run it:

    validate   pdgraph validate DOCS -q -f json -o report.json        ingest + validate, one command
    build      pdgraph build DOCS -q --store STORE                     ingest into a persistent store
    vstore     pdgraph validate --store STORE -q -f json -o report.json  validate from the store
    query      pdgraph query recipients-of --store STORE -p organization=…   open the store + one query
    run        pdgraph run DOCS -q -o OUT                              graph, facts, report (map left out)

and, when named in ``--commands`` (not run by default), the file formats of pdgraph build:

    trig, nq, ttl, jsonld   pdgraph build DOCS -q -o graph-N.SUFFIX   (file size printed too)

and, with ``--big N``, one command (``--big-command``, default validate) on N documents.

Printed per command and size: wall seconds, wall ms per document, CPU seconds of the command and
its workers, CPU ms per document, the peak RSS of the whole process tree (sampled every 0.2 s
from /proc: Linux) and of its largest process, and the load average when it started (the
machine may be shared: CPU time per document is the figure to trust when the load is high).
Then the ratios of the largest size to the smallest, and the goals of issue 12:

- ingest + validate 10,000 ≤ 5 min (validate; and build + vstore), peak RSS ≤ 2 GB;
- cost per document at the largest size within 1.2x of the smallest;
- 30,000 in one command without running out of memory (time and RSS printed).
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pdgraph.extract.synthetic import synthetic_sources  # noqa: E402

PDGRAPH = [sys.executable, "-m", "pdgraph"]
COMMANDS = ("validate", "build", "vstore", "query", "run")
FILE_FORMATS = ("trig", "nq", "ttl", "jsonld")  # build -o graph.SUFFIX, when asked for
WALL_GOAL, RSS_GOAL, RATIO_GOAL = 300.0, 2 * 1024 ** 3, 1.2
GOAL_SIZE = 10_000


def write_corpus(directory: Path, count: int) -> Path:
    """``count`` synthetic documents in ``directory`` (reused when already there)."""
    stamp = directory / ".complete"
    if stamp.exists() and stamp.read_text() == str(count):
        return directory
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    for source in synthetic_sources(count):
        shard = directory / source.name[10:13]  # synthetic_00123.txt -> 001/: no directory of 30,000 files
        shard.mkdir(exist_ok=True)
        (shard / source.name).write_text(source.text, encoding="utf-8")
    stamp.write_text(str(count))
    return directory


# --------------------------------------------------------------------------- measuring a process tree

def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as handle:
                    fields = handle.read().rsplit(b")", 1)[1].split()
                tree.setdefault(int(fields[1]), []).append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return tree


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
        return 0


class TreeSampler(threading.Thread):
    """Peak RSS of a process and its descendants (sum) and of its largest process, sampled."""

    def __init__(self, pid: int, interval: float = 0.2):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_tree = self.peak_process = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            tree, pids, todo = _children(), [], [self.pid]
            while todo:
                pid = todo.pop()
                pids.append(pid)
                todo += tree.get(pid, [])
            sizes = [_rss(pid) for pid in pids]
            self.peak_tree = max(self.peak_tree, sum(sizes))
            self.peak_process = max(self.peak_process, max(sizes, default=0))
            self.stop.wait(self.interval)


@dataclass
class Figure:
    command: str
    size: int
    wall: float
    cpu: float
    peak_tree: int
    peak_process: int
    load: float
    exit_code: int

    def row(self) -> str:
        return (f"{self.command:<9} {self.size:>7} {self.wall:>9.1f} {self.wall / self.size * 1000:>8.1f} "
                f"{self.cpu:>9.1f} {self.cpu / self.size * 1000:>8.1f} {self.peak_tree / 2**20:>9.0f} "
                f"{self.peak_process / 2**20:>9.0f} {self.load:>6.2f} {self.exit_code:>4}")


HEADER = (f"{'command':<9} {'docs':>7} {'wall s':>9} {'ms/doc':>8} {'cpu s':>9} {'cpu ms':>8} "
          f"{'tree MB':>9} {'proc MB':>9} {'load':>6} {'exit':>4}")


def measure(command: str, size: int, argv: list[str], log: Path) -> Figure:
    """Run one command; its wall time, CPU time (with its workers) and peak memory."""
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with open(log, "wb") as out:
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        sampler = TreeSampler(process.pid)
        sampler.start()
        code = process.wait()
        sampler.stop.set()
        sampler.join()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Figure(command, size, wall, cpu, sampler.peak_tree, sampler.peak_process, load, code)


def argv_for(command: str, docs: Path, work: Path, size: int, jobs: int | None) -> list[str]:
    store = work / f"store-{size}"
    extra = ["-j", str(jobs)] if jobs else []
    if command == "validate":
        return PDGRAPH + ["validate", str(docs), "-q", "-f", "json", "-o", str(work / f"report-{size}.json"), *extra]
    if command == "build":
        return PDGRAPH + ["build", str(docs), "-q", "--store", str(store), *extra]
    if command == "vstore":
        return PDGRAPH + ["validate", "--store", str(store), "-q", "-f", "json", "-o",
                          str(work / f"report-store-{size}.json"), *extra]
    if command == "query":
        return PDGRAPH + ["query", "recipients-of", "--store", str(store), "-p", "organization=合成市0001長", "-f", "csv"]
    if command == "run":
        return PDGRAPH + ["run", str(docs), "-q", "--map-limit", "0", "-o", str(work / f"run-{size}"), *extra]
    if command in FILE_FORMATS:
        return PDGRAPH + ["build", str(docs), "-q", "-o", str(work / f"graph-{size}.{command}"), *extra]
    raise ValueError(command)


def ratio_lines(figures: list[Figure]) -> list[str]:
    lines = []
    for command in COMMANDS + FILE_FORMATS:
        rows = sorted((f for f in figures if f.command == command), key=lambda f: f.size)
        if len(rows) < 2 or command == "query":
            continue
        small, large = rows[0], rows[-1]
        wall = (large.wall / large.size) / (small.wall / small.size)
        cpu = (large.cpu / large.size) / (small.cpu / small.size)
        lines.append(f"{command:<9} per-document cost {large.size} vs {small.size}: wall x{wall:.2f}, CPU x{cpu:.2f}"
                     f" (goal <= {RATIO_GOAL}: {'met' if max(wall, cpu) <= RATIO_GOAL else 'NOT met'})")
    return lines


def goal_lines(figures: list[Figure]) -> list[str]:
    """Ingest + validate at each size: one command, and build then validate from the store; the
    goals (<= 5 min, <= 2 GB) are judged at 10,000 documents, other sizes print time and memory."""
    by = {(f.command, f.size): f for f in figures}
    lines = []
    for size in sorted({f.size for f in figures}):
        runs = [("pdgraph validate DOCS", [by.get(("validate", size))]),
                ("build --store, then validate --store", [by.get(("build", size)), by.get(("vstore", size))])]
        for label, parts in runs:
            if not all(parts):
                continue
            wall, peak = sum(f.wall for f in parts), max(f.peak_tree for f in parts)
            goal = ""
            if size == GOAL_SIZE:
                met = wall <= WALL_GOAL and peak <= RSS_GOAL
                goal = f" (goal <= {WALL_GOAL:.0f} s, <= 2 GB: {'met' if met else 'NOT met'})"
            lines.append(f"ingest + validate {size} ({label}): {wall:.0f} s, peak RSS {peak / 2**30:.2f} GB{goal}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="500,10000", help="Comma-separated corpus sizes.")
    parser.add_argument("--commands", default=",".join(COMMANDS),
                        help=f"Some of {','.join(COMMANDS + FILE_FORMATS)}.")
    parser.add_argument("--big", type=int, default=0, help="Also run one command on this many documents.")
    parser.add_argument("--big-command", default="validate", choices=("validate", "build", "run"))
    parser.add_argument("--jobs", type=int, default=None, help="Worker processes (default: the CLI's, one per CPU).")
    parser.add_argument("--work", type=Path, default=None,
                        help="Directory for documents, stores and reports (kept; default: a temporary one).")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    commands = [c for c in args.commands.split(",") if c]
    work = args.work or Path(tempfile.mkdtemp(prefix="pdgraph-bench-corpus-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"machine: {os.cpu_count()} CPU(s), {os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') / 2**30:.0f} GB;"
          f" work directory {work}")
    print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    figures: list[Figure] = []
    print(HEADER)
    plan = [(size, command) for size in sizes for command in commands]
    if args.big:
        plan.append((args.big, args.big_command))
    for size, command in plan:
        docs = write_corpus(work / f"docs-{size}", size)
        if command in ("vstore", "query") and not (work / f"store-{size}").exists():
            measure("build", size, argv_for("build", docs, work, size, args.jobs), work / f"build-{size}.log")
        if command == "build" and (work / f"store-{size}").exists():
            shutil.rmtree(work / f"store-{size}")  # time a fresh store
        figure = measure(command, size, argv_for(command, docs, work, size, args.jobs), work / f"{command}-{size}.log")
        figures.append(figure)
        print(figure.row(), flush=True)
        if figure.exit_code not in (0, 1):
            print(f"  (exit {figure.exit_code}: see {work / f'{command}-{size}.log'})")
    store_sizes = [(size, sum(p.stat().st_size for p in (work / f"store-{size}").rglob("*") if p.is_file()))
                   for size in sizes if (work / f"store-{size}").exists()]
    for size, total in store_sizes:
        print(f"store of {size}: {total / 2**20:.0f} MB on disk")
    for size in sizes:
        for suffix in FILE_FORMATS:
            graph = work / f"graph-{size}.{suffix}"
            if suffix in commands and graph.exists():
                print(f"graph-{size}.{suffix}: {graph.stat().st_size / 2**20:.1f} MB")
    print()
    for line in ratio_lines(figures) + goal_lines(figures):
        print(line)
    print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    if args.work is None:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
