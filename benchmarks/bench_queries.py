"""Benchmark: median latency of every catalogue query on rdflib and Oxigraph, same corpus, same run.

Run by hand (not a test):

    .venv/bin/python benchmarks/bench_queries.py            # 1,000 synthetic assessments
    .venv/bin/python benchmarks/bench_queries.py --n 100 --repeat 3
    .venv/bin/python benchmarks/bench_queries.py --cache /tmp/pdgraph-bench --no-rdflib --only flows
    .venv/bin/python benchmarks/bench_queries.py --cache /tmp/pdgraph-bench --no-rdflib --server   # + over HTTP
    .venv/bin/python benchmarks/bench_queries.py --n 10000 --store /tmp/bench/store-10000 --server   # a built store

With ``--cache DIR`` the Oxigraph store is built once into ``DIR/n<N>`` (with a stamp of
the mapping code that made it) and reopened by later runs, so ``--no-rdflib`` runs
(Oxigraph only, no ingest) start in about a second: the loop for tuning one query.

The corpus is `pdgraph.extract.synthetic.synthetic_sources(n)` ingested into an rdflib
Dataset (~45 s at 1,000), then copied into an Oxigraph store in a temporary
directory (``--store oxigraph:PATH``, the store for scale; ``--memory`` for an
in-memory Oxigraph store, measured slower here). Each query runs ``--repeat`` times on
Oxigraph after one warm-up run, in a fresh process that opens the store directory and holds
nothing else (as a user's ``pdgraph query --store oxigraph:PATH`` does), and
``--rdflib-repeat`` times on rdflib, each rdflib run in a forked child of the process that
holds the dataset, stopped after ``--rdflib-timeout`` seconds (rdflib's engine needs
minutes to hours for some whole-corpus queries at this size). Printed per query: the
medians, the speed-up, whether both stores gave the same answer, and the goals of
issue 4 on the faster store:

- parameterised queries (one body, one citation, one kind) ≤ 50 ms median;
- whole-corpus queries (flows, stats, reach, shared-recipients) ≤ 1 s;
- the faster store ≥ 10× the in-memory rdflib store on every query.

With ``--server`` the same queries also run through the SPARQL server (``pdgraph serve`` over
the same store directory, `pdgraph.graph.server.OxigraphServer`, queried over HTTP with
`pdgraph.graph.endpoint.EndpointStore`: the SPARQL 1.1 Protocol, JSON results), ``--repeat``
times after one warm-up, from this process (``--rounds R`` alternates R embedded and R server rounds,
so that both see the same load on a shared machine); printed: the server's median, the ratio
server / embedded (goal of issue 12: ≤ 1.5×) and whether it gave the same answer. The machine
may be shared: the load average (``/proc/loadavg``) is printed before and after.
"""
from __future__ import annotations

import argparse
import gc
import hashlib
import multiprocessing
import statistics
import sys
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pdgraph.graph.ingest import ingest_sources  # noqa: E402
from pdgraph.query.catalogue import load_catalogue, run_query  # noqa: E402
from pdgraph.graph.stores import OxigraphStore, RdflibStore  # noqa: E402
from pdgraph.graph.endpoint import EndpointStore  # noqa: E402
from pdgraph.graph.server import OxigraphServer  # noqa: E402
from pdgraph.extract.synthetic import synthetic_sources  # noqa: E402

PARAMETERISED = {"recipients-of", "sources-of", "by-legal-basis", "systems-connected-to", "changes-timeline"}
WHOLE_CORPUS = {"flows", "stats", "reach", "shared-recipients"}
PARAM_GOAL, WHOLE_GOAL, RATIO_GOAL, SERVER_GOAL = 0.050, 1.0, 10.0, 1.5

BODY = "合成市0001長"  # copy 0 and copy 2 of the examples (松戸市 and 大分市 renamed)
PARAMS = {
    "recipients-of": {"organization": "合成健康保険組合0003"},  # a 練馬区 copy: 39 recipients
    "sources-of": {"organization": "合成健康保険組合0003"},
    "by-legal-basis": {"table": "別表第二", "row": "94"},
    "systems-connected-to": {"kind": "中間サーバー"},
    "changes-timeline": {"organization": BODY},
    "reach": {"organization": "合成健康保険組合0099"},  # copy 99: 6 body-to-body hops, same answer for any n ≥ 100
}


PACKAGE = Path(__file__).resolve().parent.parent / "pdgraph"


def model_stamp(n: int) -> str:
    """What a cached store was built from: the corpus size and the code that maps it to RDF."""
    digest = hashlib.sha256(str(n).encode())
    for path in sorted(PACKAGE.glob("*.py")):
        if path.stem not in {"queries", "query_cli", "stores", "analysis", "cli"}:
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def cached_store(cache: Path, n: int, ingested) -> tuple[OxigraphStore, bool]:
    """The Oxigraph store of `n` synthetic assessments under ``cache``, built once (True when built now)."""
    directory, stamp_file = cache / f"n{n}", cache / f"n{n}.stamp"
    stamp = model_stamp(n)
    if directory.is_dir() and stamp_file.is_file() and stamp_file.read_text() == stamp:
        return OxigraphStore(directory), False
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    store = OxigraphStore(directory)
    store.add_dataset(ingested().dataset)
    store.flush()
    stamp_file.write_text(stamp)
    return store, True


def timed(function, repeat: int, warmup: bool) -> tuple[float, object]:
    if warmup:
        function()
    times, result = [], None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _child(query, store, params, pipe) -> None:
    start = time.perf_counter()
    result = run_query(query, store, params)
    pipe.send((time.perf_counter() - start, result.variables, sorted(map(repr, result.rows))))


def timed_rdflib(query, store, params, repeat: int, timeout: float):
    """Median seconds and the answer of rdflib runs, each in a forked child; (None, None) on timeout."""
    context = multiprocessing.get_context("fork")
    times, answer = [], None
    for _ in range(repeat):
        receive, send = context.Pipe(duplex=False)
        child = context.Process(target=_child, args=(query, store, params, send))
        child.start()
        if not receive.poll(timeout):
            child.kill()
            child.join()
            return None, None
        seconds, variables, rows = receive.recv()
        child.join()
        times.append(seconds)
        answer = (variables, rows)
    return statistics.median(times), answer


def time_oxigraph(store: OxigraphStore, names: list[str], repeat: int) -> dict[str, tuple[float, tuple]]:
    """Median seconds and the answer (variables, sorted row reprs) of each query on ``store``."""
    catalogue = load_catalogue()
    out = {}
    for name in names:
        seconds, result = timed(lambda: run_query(catalogue[name], store, PARAMS.get(name, {})), repeat, True)
        out[name] = (seconds, (result.variables, sorted(map(repr, result.rows))))
    return out


def _time_oxigraph_at(path: str, names: list[str], repeat: int) -> dict[str, tuple[float, tuple]]:
    return time_oxigraph(OxigraphStore(path, read_only=True), names, repeat)  # as pdgraph query --store DIR


def time_oxigraph_apart(path: Path, names: list[str], repeat: int) -> dict[str, tuple[float, tuple]]:
    """`time_oxigraph` in a fresh interpreter that opens the store directory.

    Why: this process holds the rdflib dataset (~5 GB at 1,000 assessments) for the rdflib runs;
    a query process that holds nothing else is what a user of ``--store oxigraph:PATH`` runs,
    and timings taken beside that heap were 5–25 % slower (by-legal-basis 49 → 63 ms)."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(_time_oxigraph_at, str(path), names, repeat).result()


def _same_priority(pid: int) -> None:
    """Give the server this process's scheduling priority (Linux autogroup nice value).

    Why: the server starts in a session of its own (so that Ctrl-C reaches pdgraph first), and
    Linux schedules each session as a group: when this benchmark runs with a raised autogroup
    priority on a shared machine (``echo -19 > /proc/self/autogroup``), the server would compete
    at the default one and the ratio would measure the other jobs, not the server."""
    try:
        with open("/proc/self/autogroup") as own:
            nice = own.read().split()[-1]
        with open(f"/proc/{pid}/autogroup", "w") as server:
            server.write(nice)
    except (OSError, IndexError):  # not Linux, or no autogroup: nothing to match
        pass


def time_server(path: Path, names: list[str], repeat: int) -> dict[str, tuple[float, tuple]]:
    """`time_oxigraph` through a read-only Oxigraph server over the store directory (HTTP)."""
    with OxigraphServer(path) as server:
        _same_priority(server.process.pid)
        return time_oxigraph(EndpointStore(server.query_url), names, repeat)


def combine(rounds: list[dict[str, tuple[float, tuple]]]) -> dict[str, tuple[float, tuple]]:
    """The median over rounds of each query's median seconds, with its answer (the same in every round)."""
    if not rounds:
        return {}
    combined = {}
    for name in rounds[0]:
        assert all(run[name][1] == rounds[0][name][1] for run in rounds), f"{name}: the answer changed"
        combined[name] = (statistics.median(run[name][0] for run in rounds), rounds[0][name][1])
    return combined


def load_average() -> str:
    try:
        return "load average " + " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "load average unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000, help="synthetic assessments (default 1000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs on Oxigraph (default 5)")
    parser.add_argument("--rdflib-repeat", type=int, default=3, help="timed runs on rdflib (default 3)")
    parser.add_argument("--rdflib-timeout", type=float, default=300.0, help="seconds per rdflib run (default 300)")
    parser.add_argument("--memory", action="store_true", help="in-memory Oxigraph instead of a temporary directory")
    parser.add_argument("--only", nargs="*", help="query names to run (default: all)")
    parser.add_argument("--cache", type=Path, help="build the Oxigraph store once into this directory and reuse it")
    parser.add_argument("--store", type=Path, dest="store_dir",
                        help="time this Oxigraph store directory as it is (e.g. made by pdgraph build --store from "
                             "synthetic documents, as benchmarks/bench_corpus.py does); implies --no-rdflib")
    parser.add_argument("--no-rdflib", action="store_true", help="Oxigraph only (no rdflib runs, no ratio)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="rounds of --repeat runs (medians of the rounds' medians); with --server the "
                             "embedded and the server rounds alternate (default 1)")
    parser.add_argument("--server", action="store_true",
                        help="also time every query through the SPARQL server over the store directory")
    args = parser.parse_args()
    if args.server and args.memory:
        parser.error("--server serves a store directory: leave out --memory")
    if args.store_dir is not None:
        if args.memory or args.cache:
            parser.error("--store times an existing directory: leave out --memory and --cache")
        args.no_rdflib = True
    print(f"{args.n} synthetic assessments; {load_average()} ({multiprocessing.cpu_count()} CPUs)", flush=True)

    loaded = {}

    def ingested():
        if "result" not in loaded:
            start = time.perf_counter()
            loaded["result"] = ingest_sources(synthetic_sources(args.n))
            print(f"ingest {args.n} synthetic assessments: {time.perf_counter() - start:.1f} s, "
                  f"{len(loaded['result'].dataset):,} quads, {len(loaded['result'].problems)} problem(s)", flush=True)
        return loaded["result"]

    rdflib_store = None if args.no_rdflib else RdflibStore(ingested().dataset)
    start = time.perf_counter()
    directory = None
    if args.store_dir is not None:
        oxigraph_store = OxigraphStore(args.store_dir, read_only=True)
        where = f"opened {args.store_dir} as it is"
    elif args.cache:
        oxigraph_store, built = cached_store(args.cache, args.n, ingested)
        where = f"{'built into' if built else 'reopened from'} {args.cache / f'n{args.n}'}"
    else:
        directory = None if args.memory else tempfile.TemporaryDirectory(prefix="pdgraph-bench-")
        oxigraph_store = OxigraphStore(directory.name if directory else None)
        oxigraph_store.add_dataset(ingested().dataset)
        oxigraph_store.flush()
        where = "in memory" if args.memory else "on disk"
    print(f"Oxigraph store ({where}): {time.perf_counter() - start:.1f} s", flush=True)

    catalogue = load_catalogue()
    names = args.only or list(catalogue)
    embedded_rounds, server_rounds = [], []
    if oxigraph_store.path is None:  # in memory: it lives in this process
        for _ in range(args.rounds):
            embedded_rounds.append(time_oxigraph(oxigraph_store, names, args.repeat))
    else:  # on disk: timed in a fresh process that opens the directory (see time_oxigraph_apart)
        path = oxigraph_store.path
        del oxigraph_store
        gc.collect()
        for _ in range(args.rounds):  # embedded and server rounds alternate: both see the same load
            embedded_rounds.append(time_oxigraph_apart(path, names, args.repeat))
            if args.server:
                server_rounds.append(time_server(path, names, args.repeat))
    oxigraph_answers = combine(embedded_rounds)
    server_answers = combine(server_rounds)
    met_server = [True]

    def server_column(name: str, embedded_time: float, embedded_answer: tuple) -> str:
        """The server's median, its ratio to the embedded store's, same answer, goal (``--server``)."""
        if name not in server_answers:
            return ""
        seconds, answer = server_answers[name]
        ratio = seconds / embedded_time if embedded_time else float("inf")
        same, met = answer == embedded_answer, ratio <= SERVER_GOAL
        met_server[0] &= same and met
        return (f"  | {seconds * 1000:>8.1f}ms {ratio:>6.2f}×  {'yes ' if same else 'NO  '}  "
                f"{'met' if met else 'NOT met'}")

    header = f"{'query':22} {'class':6} {'rows':>7} {'rdflib':>10} {'oxigraph':>10} {'ratio':>7}  same  goals"
    if args.server:
        header += f"  | {'server':>10} {'srv/emb':>7}  same  ≤{SERVER_GOAL}×"
    print(header, flush=True)
    met_all = True
    for name in names:
        query = catalogue[name]
        params = PARAMS.get(name, {})
        kind = "param" if name in PARAMETERISED else "whole" if name in WHOLE_CORPUS else "other"
        ox_time, ox_answer = oxigraph_answers[name]
        ox_rows = len(ox_answer[1])
        if rdflib_store is None:
            goal = ('' if kind == 'other' else
                    f"{'≤50ms' if kind == 'param' else '≤1s'} "
                    f"{'met' if ox_time <= (PARAM_GOAL if kind == 'param' else WHOLE_GOAL) else 'NOT met'}")
            print(f"{name:22} {kind:6} {ox_rows:>7} {'-':>10} {ox_time * 1000:>8.1f}ms "
                  f"{'-':>7}  -     {goal:15}{server_column(name, ox_time, ox_answer)}", flush=True)
            if kind != "other":
                met_all &= ox_time <= (PARAM_GOAL if kind == "param" else WHOLE_GOAL)
            continue
        rd_time, rd_answer = timed_rdflib(query, rdflib_store, params, args.rdflib_repeat, args.rdflib_timeout)
        if rd_time is None:  # timed out: rdflib is at least this slow
            rd_time, same_text = args.rdflib_timeout, "n/a "
        else:
            same = rd_answer == ox_answer
            same_text = "yes " if same else "NO  "
            met_all &= same
        fast = min(ox_time, rd_time)
        ratio = rd_time / ox_time if ox_time else float("inf")
        goals = []
        if kind == "param":
            goals.append(f"≤50ms {'met' if fast <= PARAM_GOAL else 'NOT met'}")
        elif kind == "whole":
            goals.append(f"≤1s {'met' if fast <= WHOLE_GOAL else 'NOT met'}")
        goals.append(f"≥10× {'met' if ratio >= RATIO_GOAL else 'NOT met'}")
        met_all &= all("NOT" not in g for g in goals)
        rd_text = f"{rd_time * 1000:>8.1f}ms" if same_text != "n/a " else f">{rd_time:>7.0f}s "
        print(f"{name:22} {kind:6} {ox_rows:>7} {rd_text} {ox_time * 1000:>8.1f}ms "
              f"{ratio:>6.1f}{'×' if same_text != 'n/a ' else '×+'} {same_text}  {', '.join(goals):28}"
              f"{server_column(name, ox_time, ox_answer)}", flush=True)
    if server_answers:
        ratios = [server_answers[n][0] / oxigraph_answers[n][0] for n in names if oxigraph_answers[n][0]]
        print(f"server / embedded: median {statistics.median(ratios):.2f}×, worst {max(ratios):.2f}× "
              f"(goal ≤ {SERVER_GOAL}× on every query)")
    print(load_average())
    print("all goals met" if met_all and met_server[0] else "some goals NOT met")
    if directory:
        directory.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
