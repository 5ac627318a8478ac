"""Text renderings made at test time by pdftotext (poppler-utils), read to facts.

Two kinds of check, both skipped cleanly when ``pdftotext`` is not installed:

- a PDF generated in the test from the hand-written form (tests/renderings.FORM, tables ruled
  by reportlab), converted by pdftotext in its three modes, gives the facts of the form itself;
- the variant PDFs (../shared/variants/pdf) converted now by pdftotext (default, ``-raw``,
  ``-layout``), re-wrapped at 40 columns, and as a web copy (no form feeds, site menus around
  the form), scored with ../shared/eval/score.py against the answer key.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from renderings import FORM, in_web_page, wrap

from test_form_layout import TITLE, facts_of, squeezed

PDFTOTEXT = shutil.which("pdftotext")
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
pytestmark = pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed")


def pdftotext(pdf: Path, *options: str) -> str:
    return subprocess.run([PDFTOTEXT, "-enc", "UTF-8", *options, str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


def pdf_of_form(path: Path) -> Path:
    """FORM as a PDF: rows with cells as ruled tables (label | value), the other rows as text."""
    from pdf_maker import Grid, Text, make_pdf

    items, grid = [], []
    for line in FORM.strip("\n").split("\n"):
        if "\t" in line:
            grid.append(line.split("\t"))
            continue
        if grid:
            items.append(Grid(grid))
            grid = []
        items.append(Text(line))
    if grid:
        items.append(Grid(grid))
    return make_pdf(path, items, header=TITLE)


@pytest.mark.parametrize("options", [(), ("-raw",), ("-layout",)], ids=["default", "raw", "layout"])
def test_pdftotext_of_a_generated_pdf_gives_the_facts_of_its_form(tmp_path, options):
    text = pdftotext(pdf_of_form(tmp_path / "form.pdf"), *options)
    assert "\t" not in text  # no cells: the form is rebuilt from its labels
    assert squeezed(facts_of(text)) == squeezed(facts_of(FORM))


def wrapped_at_40(text: str) -> str:
    """Every line wrapped again at 40 columns (a narrower value column)."""
    out = []
    for line in text.split("\n"):
        feed = "\f" if line.startswith("\f") else ""
        out.extend([feed + part if index == 0 else part for index, part in enumerate(wrap(line.lstrip("\f"), 40))]
                   if line.strip() else [line])
    return "\n".join(out)


def web_copy(text: str) -> str:
    """pdftotext's text pasted into a web page: no form feeds, a "back to top" link between
    pages, the site's menus before the form and its footer after it."""
    return in_web_page(text.replace("\f", "\nページの先頭へ\n"))


RENDERINGS = {  # rendering: (make the text from a PDF, the F1 floor, overall and macro)
    "default": (lambda pdf: pdftotext(pdf), 0.98),
    "raw": (lambda pdf: pdftotext(pdf, "-raw"), 0.92),
    "layout": (lambda pdf: pdftotext(pdf, "-layout"), 0.95),
    "wrap40": (lambda pdf: wrapped_at_40(pdftotext(pdf)), 0.98),
    "web": (lambda pdf: web_copy(pdftotext(pdf)), 0.98),
}


@pytest.mark.skipif(not (SHARED / "eval" / "score.py").exists(), reason="../shared/eval is not beside the repo")
@pytest.mark.parametrize("rendering", sorted(RENDERINGS))
def test_renderings_of_the_variant_pdfs_score_against_the_answer_key(tmp_path, rendering):
    from click.testing import CliRunner

    from pdgraph.cli import main

    pdfs = sorted((SHARED / "variants" / "pdf").glob("*.pdf"))
    if not pdfs:
        pytest.skip("no variants/pdf beside the repo")
    render, floor = RENDERINGS[rendering]
    texts = []
    for pdf in pdfs:
        texts.append(tmp_path / f"{pdf.stem}.txt")
        texts[-1].write_text(render(pdf), encoding="utf-8")
    result = CliRunner().invoke(main, ["facts", *map(str, texts), "-o", str(tmp_path / "facts")])
    assert result.exit_code == 0, result.output
    score = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), "--facts", str(tmp_path / "facts"),
                            "--gold", str(SHARED / "gold"), "--json"], capture_output=True, text=True)
    if score.returncode != 0 and "PyYAML" in score.stderr + score.stdout:
        pytest.skip("score.py needs PyYAML")
    overall = json.loads(score.stdout)["overall"]
    assert overall["f1"] >= floor and overall["macro_f1"] >= floor, overall


@pytest.mark.parametrize("section", ["text", "linear"])
def test_the_reading_benchmark_runs_every_text_layout(tmp_path, section):
    """benchmarks/bench_read.py still runs, at a toy size (a generated PDF; its figures are not
    checked here: speed goals live in the benchmark's own output)."""
    pdf = pdf_of_form(tmp_path / "form.pdf")
    bench = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_read.py"
    result = subprocess.run([sys.executable, str(bench), "--only", section, str(pdf)], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines() if line.split()}
    for layout in ("text-lines", "text-pages", "raw", "layout", "wrap40", "web"):
        assert layout in rows, result.stdout
    if section == "text":  # each layout is read as the layout it is
        assert rows["text-lines"][1] == "lines" and rows["text-pages"][1] == "pages", result.stdout
