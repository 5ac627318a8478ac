"""Reading speed: seconds per page and per document for PDFs, against `pdftotext` on the same
files, and the whole way to facts (read + extract + map + facts) for one joined long PDF.

usage: python benchmarks/bench_read.py [PDF ...]    (default: ../shared/variants/pdf/*.pdf)
       taskset -c 0 python benchmarks/bench_read.py   (one core, as in docs/extraction.md)

Prints one line per file and the ratio to pdftotext; the figures in docs/extraction.md were
made with the second command. Not a test: nothing is asserted.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = sorted((ROOT.parent / "shared" / "variants" / "pdf").glob("*.pdf"))


def best(function, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def pdftotext_seconds(path: Path) -> float | None:
    if not shutil.which("pdftotext"):
        return None
    return best(lambda: subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                                       capture_output=True))


def joined_pdf(paths: list[Path], out: Path) -> Path | None:
    """One long assessment-like PDF (the samples one after another), with pypdfium2."""
    import pypdfium2 as pdfium

    target = pdfium.PdfDocument.new()
    for path in paths:
        source = pdfium.PdfDocument(str(path))
        target.import_pages(source)
    target.save(str(out))
    return out


def main(argv: list[str]) -> None:
    from pdgraph.graph.facts import facts_from_graph
    from pdgraph.graph.mapping import assessment_graph
    from pdgraph.extract import extract
    from pdgraph.read.pdf import read_pdf
    from pdgraph.read.text import read_document

    paths = [Path(p) for p in argv] or DEFAULT
    if not paths:
        sys.exit("no PDF given and ../shared/variants/pdf is not beside the repo")
    print(f"{'file':<28} {'pages':>5} {'s/doc':>7} {'ms/page':>8} {'pdftotext s':>11} {'ratio':>6}")
    for path in paths:
        pages = read_pdf(path).pages
        ours = best(lambda: read_pdf(path))
        theirs = pdftotext_seconds(path)
        ratio = f"{ours / theirs:6.1f}" if theirs else "     -"
        print(f"{path.name:<28} {pages:>5} {ours:7.3f} {1000 * ours / pages:8.1f} "
              f"{theirs if theirs is not None else float('nan'):11.3f} {ratio}")
    with tempfile.TemporaryDirectory() as tmp:
        long_pdf = joined_pdf(paths, Path(tmp) / "joined.pdf")
        pages = read_pdf(long_pdf).pages

        def to_facts():
            facts_from_graph(assessment_graph(extract(read_document(long_pdf))))

        seconds = best(to_facts)
        print(f"joined PDF, {pages} pages -> facts: {seconds:.2f} s ({1000 * seconds / pages:.0f} ms/page); "
              f"goal: 60 pages in <= 3 s")


if __name__ == "__main__":
    main(sys.argv[1:])
