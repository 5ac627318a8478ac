"""The corpus report (pdgraph.outputs.report): its numbers equal the catalogue's answers, and the
page renders in real Chromium with no error and no request (as tests/test_map_browser.py)."""
from __future__ import annotations

from collections import Counter

import pytest

from pdgraph.conformance import validate_dataset
from pdgraph.outputs.charts import Bar, Series, bar_chart
from pdgraph.outputs.report import (NO_CITATION, CorpusReport, build_report, provision_head, render_report)
from pdgraph.outputs.tables import Table
from pdgraph.query.catalogue import load_catalogue, run_query

from test_map_browser import browser  # noqa: F401  (the Chromium fixture)

CATALOGUE = load_catalogue()


def answer(store, name, **params):
    return run_query(CATALOGUE[name], store, params).records()


@pytest.fixture(scope="module")
def validation(seed_ingested):
    return validate_dataset(seed_ingested.dataset)


@pytest.fixture(scope="module")
def report(seed_oxigraph, validation) -> CorpusReport:
    return build_report(seed_oxigraph, validation)


def chart_records(report, key):
    return next(c for c in report.charts if c.key == key).table.records()


def test_provision_heads():
    assert provision_head("番号法 第19条第7号") == "番号法 第19条"
    assert provision_head("番号法 別表第二 94の項") == "番号法 別表第二"
    assert provision_head("住民基本台帳法 第30条の9") == "住民基本台帳法 第30条の9"
    assert provision_head("番号法") == "番号法"


def test_channels_are_the_channels_query(report, seed_oxigraph):
    expected = [(str(r["method"]), int(r["risk"]), str(r["direction"]), int(r["flows"]))
                for r in answer(seed_oxigraph, "channels")]
    got = [(r["method"], r["risk"], r["direction"], r["flows"]) for r in chart_records(report, "channels")]
    assert got == expected
    assert [r["risk"] for r in chart_records(report, "channels")] == sorted(r[1] for r in expected)  # risky first


def test_bands_count_the_large_files_query(report, seed_oxigraph):
    expected = Counter(str(r["subjects"]) for r in answer(seed_oxigraph, "large-files"))
    assert {r["band"]: r["files"] for r in chart_records(report, "bands")} == expected
    assert [r["rank"] for r in chart_records(report, "bands")] == sorted(
        {int(r["rank"]) for r in answer(seed_oxigraph, "large-files")}, reverse=True)


def test_vendors_match_the_contractors_query_and_the_analysis(report, seed_oxigraph):
    from pdgraph.query.analysis import project, vendor_concentration

    expected = {str(r["contractor"]): int(r["assessments"]) for r in answer(seed_oxigraph, "contractors")}
    got = {r["label"]: r["assessments"] for r in chart_records(report, "vendors")}
    assert got and all(expected[label] == count for label, count in got.items())
    assert len(got) == min(15, len(expected))
    analysed = vendor_concentration(project(seed_oxigraph), 15)  # pdgraph analyze: same counts, same order
    assert [(r["label"], r["assessments"], r["bodies"], r["files"], r["entrustments"], r["reentrusting"])
            for r in chart_records(report, "vendors")] == [
        (v.label, v.assessments, v.bodies, v.files, v.entrustments, v.subcontracting) for v in analysed]


def test_legal_basis_groups_match_by_legal_basis(report, seed_oxigraph):
    rows = {r["citation"]: r for r in chart_records(report, "legal-basis")}
    for article in ("19", "9"):
        flows = {str(r["flow"]) for r in answer(seed_oxigraph, "by-legal-basis", article=article)
                 if str(r["direction"]) in ("提供", "移転")}
        aggregates = {str(r["flow"]) for r in answer(seed_oxigraph, "flows") if str(r["aggregate"]) == "true"}
        assert rows[f"番号法 第{article}条"]["flows"] == len(flows - aggregates)
    table_two = {str(r["flow"]) for r in answer(seed_oxigraph, "by-legal-basis", table="別表第二")}
    assert rows["番号法 別表第二"]["flows"] == len(table_two - aggregates)
    missing = len(answer(seed_oxigraph, "without-legal-basis"))
    assert rows.get(NO_CITATION, {"flows": 0})["flows"] == missing == 0


def test_findings_per_body_are_the_validation_counts(report, validation):
    expected = Counter()
    for result in validation.results:
        for severity, count in result.counts().items():
            expected[(result.organization, severity)] += count
    for record in chart_records(report, "findings"):
        body = record["organization"]
        assert (record["violations"], record["warnings"], record["infos"]) == (
            expected[(body, "Violation")], expected[(body, "Warning")], expected[(body, "Info")])
    assert sum(r["assessments"] for r in chart_records(report, "findings")) == 4


def test_summary_is_the_stats_query(report, seed_oxigraph):
    stats = answer(seed_oxigraph, "stats")[0]
    assert report.summary.records()[0] == {k: int(v) for k, v in stats.items()}


def test_no_validation_no_findings_chart(seed_oxigraph):
    assert "findings" not in [c.key for c in build_report(seed_oxigraph).charts]


def test_labels_are_escaped_and_the_page_has_no_script():
    hostile = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    chart = bar_chart([Bar(hostile, (3,))], [Series("s", "#000")], hostile)
    assert "<script" not in chart and "<img" not in chart
    page = render_report(CorpusReport(hostile, Table("t", ["label"], [[hostile]])))
    assert "<script" not in page.lower() and "<img" not in page
    assert "script-src 'none'" in page and "default-src 'none'" in page


def test_an_empty_chart_says_so():
    assert "no data" in bar_chart([], [Series("s", "#000")], "empty")


# --------------------------------------------------------------------------- in Chromium

def _watched_page(browser, **options):
    """A new page and the lists its console errors / warnings, page errors and requests go to."""
    page = browser.new_page(**options)
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    return page, errors, requests


def test_report_page_renders_cleanly_and_its_tables_are_the_answers(browser, report, tmp_path):  # noqa: F811
    path = tmp_path / "report.html"
    path.write_text(render_report(report), encoding="utf-8")
    page, errors, requests = _watched_page(browser, viewport={"width": 1400, "height": 1000})
    try:
        page.goto(path.as_uri())
        assert errors == [] and requests == [path.as_uri()]
        shown = page.evaluate("""() => [...document.querySelectorAll('section[id]')].map(s => ({
            id: s.id,
            rows: [...s.querySelectorAll('tbody tr')].map(tr => [...tr.children].map(td => td.textContent)),
            bars: [...s.querySelectorAll('svg g.bar')].map(g => [g.dataset.label, g.dataset.total]),
            visible: [...s.querySelectorAll('svg rect')].every(r => r.getBBox().width > 0),
            height: s.querySelector('svg') ? s.querySelector('svg').getBoundingClientRect().height : 1 }))""")
    finally:
        page.close()
    by_id = {s["id"]: s for s in shown}
    assert set(by_id) == {"summary", "legal-basis", "channels", "vendors", "bands", "findings"}
    for chart in report.charts:
        section = by_id[chart.key]
        assert section["rows"] == [[_text(v) for v in row] for row in chart.table.rows], chart.key
        assert section["bars"] == [[b.label, _number(b.total)] for b in chart.bars], chart.key
        assert section["visible"] and section["height"] > 0
    channels = {(r[0], r[2]): int(r[3]) for r in by_id["channels"]["rows"]}
    assert channels == {(r["method"], r["direction"]): r["flows"] for r in chart_records(report, "channels")}


def _text(value) -> str:
    from pdgraph.outputs.tables import text_cell
    return text_cell(value)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def test_a_hostile_document_executes_nothing_in_the_report(browser, tmp_path):  # noqa: F811
    from pdgraph.graph.ingest import ingest
    from pdgraph.graph.stores import OxigraphStore
    from test_render import hostile_text

    document = tmp_path / "hostile.txt"
    document.write_text(hostile_text(), encoding="utf-8")
    result = ingest([document])
    assert not result.problems
    store = OxigraphStore()
    store.add_dataset(result.dataset)
    path = tmp_path / "report.html"
    path.write_text(render_report(build_report(store, validate_dataset(result.dataset))), encoding="utf-8")
    page, errors, requests = _watched_page(browser)
    try:
        page.goto(path.as_uri())
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.evaluate("document.querySelectorAll('script, img').length") == 0
    finally:
        page.close()
    assert errors == [] and requests == [path.as_uri()]
