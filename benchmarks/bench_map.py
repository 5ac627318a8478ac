"""Benchmark of `pdgraph map` at scale (issue 5): build a map of N synthetic assessments and time
how long it takes to open in headless Chromium and become interactive.

    .venv/bin/python benchmarks/bench_map.py [N] [--keep DIR]

Prints: ingest, read and render times in Python; HTML size; and in Chromium (Debian's
/usr/bin/chromium driven by playwright, no browser download): time from navigation to the page's
ready mark (first drawing done, physics off), time to expand one assessing body (double click),
and time to search a node. Target (issue 5): a map of 1,000 assessments interactive within 3 s.
Not a unit test: run it by hand.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pdgraph.graph.ingest import ingest_sources  # noqa: E402
from pdgraph.map import map_from_dataset, render_html, should_aggregate  # noqa: E402
from pdgraph.extract.synthetic import synthetic_sources  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]


def build(count: int, out: Path) -> dict:
    figures = {}
    start = time.perf_counter()
    ingested = ingest_sources(synthetic_sources(count))
    figures["ingest_s"] = time.perf_counter() - start
    start = time.perf_counter()
    flow_map = map_from_dataset(ingested.dataset)
    figures["read_s"] = time.perf_counter() - start
    start = time.perf_counter()
    page = render_html(flow_map)
    figures["render_s"] = time.perf_counter() - start
    out.write_text(page, encoding="utf-8")
    figures.update(assessments=len(flow_map.assessments), nodes=len(flow_map.nodes), edges=len(flow_map.edges),
                   aggregated=should_aggregate(flow_map), html_mb=out.stat().st_size / 1e6)
    return figures


def open_in_chromium(path: Path, runs: int = 3) -> dict:
    from playwright.sync_api import sync_playwright

    ready, wall, expand, search, errors, requests = [], [], [], [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("request", lambda r: requests.append(r.url) if not r.url.startswith("file://") else None)
            start = time.perf_counter()
            page.goto(path.resolve().as_uri())
            page.wait_for_selector('body[data-ready="1"]', state="attached", timeout=120_000)
            wall.append(time.perf_counter() - start)
            ready.append(page.evaluate("window.pdgraph.readyAt") / 1000)
            # Interactive: expanding one body and searching respond.
            body = page.evaluate("pdgraph.data.summaries ? pdgraph.data.summaries[0].id : null")
            if body:
                start = time.perf_counter()
                page.evaluate("(id) => new Promise(r => { pdgraph.network.once('stabilizationIterationsDone', r); "
                              "pdgraph.expand(id); })", body)
                expand.append(time.perf_counter() - start)
            start = time.perf_counter()
            page.evaluate("pdgraph.search('日本年金機構').length")
            search.append(time.perf_counter() - start)
            page.close()
        browser.close()
    return {"ready_s (in page)": statistics.median(ready), "ready_s (wall)": statistics.median(wall),
            "expand_s": statistics.median(expand) if expand else None, "search_s": statistics.median(search),
            "errors": len(errors), "network_requests": len(requests)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="directory to keep the HTML in")
    args = parser.parse_args()
    directory = args.keep or Path(tempfile.mkdtemp(prefix="bench_map_"))
    directory.mkdir(parents=True, exist_ok=True)
    out = directory / f"map_{args.count}.html"
    figures = build(args.count, out)
    figures.update(open_in_chromium(out))
    for key, value in figures.items():
        print(f"{key:>20}: {value:.2f}" if isinstance(value, float) else f"{key:>20}: {value}")
    print(f"{'html':>20}: {out}")


if __name__ == "__main__":
    main()
