"""Reading speed: seconds per page and per document for PDFs and for text in every layout,
against `pdftotext` on the same files, and the whole way to facts (read + extract + map + facts).

usage: python benchmarks/bench_read.py [--only pdf|text|linear] [PDF ...]
                                         (default: ../shared/variants/pdf/*.pdf)
       taskset -c 0 python benchmarks/bench_read.py   (one core, as in docs/extraction.md)

pdf     one line per PDF (read_pdf, and pdftotext on it), then a joined long PDF to facts.
text    each text layout, made from the same PDFs by pdftotext (so every layout holds the same
        documents): text-lines (pdftotext's default output, = ../shared/variants/text-lines),
        text-pages (a page per line, = ../shared/variants/text-pages), raw (pdftotext -raw),
        layout (pdftotext -layout), wrap40 (text-lines wrapped again at 40 columns), web (a web
        copy: no form feeds, site menus around the form). Per layout: seconds per document and
        milliseconds per page for read + relayout and for read -> facts, and their ratio to
        pdftotext's own time on the PDFs.
linear  relayout of the longest document repeated 1x, 4x, 16x per layout; t(k) / (k * t(1))
        is 1.0 when relayout is linear.
Needs pdftotext (poppler-utils) for the text layouts. Not a test: nothing is asserted.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
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


def pdftotext(path: Path, *options: str) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", *options, str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def one_line_per_page(text: str) -> str:
    pages = (" ".join(line.strip() for line in page.split("\n") if line.strip()) for page in text.split("\f"))
    return "\n".join(page for page in pages if page)


def wrapped_at_40(text: str) -> str:
    def width(ch: str) -> int:
        return 2 if unicodedata.east_asian_width(ch) in "WFA" else 1

    out = []
    for line in text.split("\n"):
        part, used = "", 0
        for ch in line:
            if used + width(ch) > 40 and part.strip("\f"):
                out.append(part)
                part, used = "", 0
            part += ch
            used += width(ch)
        out.append(part)
    return "\n".join(out)


WEB_BEFORE = "メインメニューへ移動\nホーム > 市政情報 > 特定個人情報保護評価\n更新日:2021年8月1日\n\n"
WEB_AFTER = "\n\nページの先頭へ\nこのページに関するお問い合わせ\n総務課\nCopyright © City. All rights reserved.\n"

def web_copy(text: str) -> str:
    return WEB_BEFORE + text.replace("\f", "\nページの先頭へ\n") + WEB_AFTER


def same(text: str) -> str:
    return text


LAYOUTS = {  # layout: (pdftotext options, what is done to its output)
    "text-lines": ((), same),
    "text-pages": ((), one_line_per_page),
    "raw": (("-raw",), same),
    "layout": (("-layout",), same),
    "wrap40": ((), wrapped_at_40),
    "web": ((), web_copy),
}


def render(name: str, pdf: Path, copies: int = 1) -> str:
    """The PDF as text in a layout; ``copies``: the document's pages that many times over."""
    options, change = LAYOUTS[name]
    return change("\f".join([pdftotext(pdf, *options)] * copies))


def page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    return len(pdfium.PdfDocument(str(path)))


def bench_text(paths: list[Path]) -> None:
    """Each text layout: read + relayout and read -> facts, per document and per page, against pdftotext."""
    from pdgraph.extract import extract
    from pdgraph.form.layout import relayout
    from pdgraph.graph.facts import facts_from_graph
    from pdgraph.graph.mapping import assessment_graph
    from pdgraph.read.text import decode

    pages = sum(page_count(p) for p in paths)
    theirs = sum(pdftotext_seconds(p) for p in paths)
    print(f"\ntext layouts: {len(paths)} documents, {pages} pages; pdftotext on the PDFs: {theirs:.3f} s "
          f"({1000 * theirs / pages:.1f} ms/page)")
    print(f"{'layout':<11} {'kind':<6} {'relayout s/doc':>14} {'ms/page':>8} {'x pdftotext':>11} "
          f"{'facts s/doc':>11} {'ms/page':>8} {'x pdftotext':>11}")
    relayout("①事務の名称 介護保険事務")  # compile the patterns once
    for name in LAYOUTS:
        data = [(p.stem + ".txt", render(name, p).encode("utf-8")) for p in paths]
        kind = relayout(decode(data[0][1]).text).layout
        read = best(lambda: [relayout(decode(raw, stem).text) for stem, raw in data])
        facts = best(lambda: [facts_from_graph(assessment_graph(extract(decode(raw, stem)))) for stem, raw in data])
        print(f"{name:<11} {kind:<6} {read / len(paths):14.3f} {1000 * read / pages:8.1f} {read / theirs:11.1f} "
              f"{facts / len(paths):11.3f} {1000 * facts / pages:8.1f} {facts / theirs:11.1f}")


def cpu_best(function, repeat: int = 3) -> float:
    """Best CPU time of this process (other jobs on the machine do not count)."""
    times = []
    for _ in range(repeat):
        started = time.process_time()
        function()
        times.append(time.process_time() - started)
    return min(times)


def bench_linear(paths: list[Path]) -> None:
    """relayout of the longest document repeated 1x, 4x, 16x (its pages k times over), per layout."""
    from pdgraph.form.layout import relayout

    longest = max(paths, key=page_count)
    print(f"\nrelayout (CPU s) of {longest.name} ({page_count(longest)} pages) repeated k times; "
          f"t(k) / (k * t(1)) is 1.0 when linear")
    print(f"{'layout':<11} {'chars x1':>9} {'t(1) s':>7} {'t(4) s':>7} {'t(16) s':>8} {'ratio 4x':>9} {'ratio 16x':>9}")
    relayout("①事務の名称 介護保険事務")
    for name in LAYOUTS:
        texts = {k: render(name, longest, k) for k in (1, 4, 16)}
        times = {k: cpu_best(lambda: relayout(texts[k]), 3 if k < 16 else 2) for k in (1, 4, 16)}
        print(f"{name:<11} {len(texts[1]):9d} {times[1]:7.2f} {times[4]:7.2f} {times[16]:8.2f} "
              f"{times[4] / (4 * times[1]):9.2f} {times[16] / (16 * times[1]):9.2f}")


def main(argv: list[str]) -> None:
    from pdgraph.graph.facts import facts_from_graph
    from pdgraph.graph.mapping import assessment_graph
    from pdgraph.extract import extract
    from pdgraph.read.pdf import read_pdf
    from pdgraph.read.text import read_document

    only = None
    if argv[:1] == ["--only"]:
        only, argv = argv[1], argv[2:]
    paths = [Path(p) for p in argv] or DEFAULT
    if not paths:
        sys.exit("no PDF given and ../shared/variants/pdf is not beside the repo")
    if only in ("text", "linear"):
        if not shutil.which("pdftotext"):
            sys.exit("the text layouts are made with pdftotext (poppler-utils): not installed")
        (bench_text if only == "text" else bench_linear)(paths)
        return
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
    if only is None and shutil.which("pdftotext"):
        bench_text(paths)
        bench_linear(paths)


if __name__ == "__main__":
    main(sys.argv[1:])
