"""The corpus report: one self-contained HTML page of charts, each with its data table beside it.

What a person looks at first about a corpus of assessments:

- **flows by legal basis** — 提供 and 移転 flows (annex rows, not the aggregate entries that point
  to them) by the provision they cite, grouped as law + article or table (番号法 第19条, 番号法
  別表第二 …); a flow citing several counts under each; a flow citing nothing is
  ``根拠の引用なし``. From the ``flows`` query.
- **channels** — flows by method, riskiest media first (the ``channels`` query's risk rank:
  フラッシュメモリ, 電子記録媒体, 紙, 電子メール … 情報提供ネットワークシステム), stacked by direction.
- **vendor concentration** — contractors by the assessments, bodies, files and entrustment items
  they serve (the ``contractors`` query, in the ranking of ``pdgraph analyze``).
- **本人の数 bands** — files by their 対象となる本人の数 band, largest first (``large-files``).
- **validation findings per body** — SHACL Violations, Warnings and Infos per 評価実施機関
  (`pdgraph.conformance`), when a validation report is given.

`build_report` computes the charts' data as `Table`s (so a test can compare them with the query
answers); `render_report` writes the page: inline SVG (`charts.bar_chart`), one ``<style>``
allowed by hash in the Content-Security-Policy, no script at all, nothing fetched.
"""
from __future__ import annotations

import base64
import hashlib
import html
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..conformance.records import Report, Severity
from ..graph.stores import QueryStore
from ..query.catalogue import find_query, run_query
from .charts import Bar, Series, bar_chart
from .tables import Table, table_from_solutions, text_cell

NO_CITATION = "根拠の引用なし / no citation"
UNKNOWN_BAND = "不明 / unknown"
UNKNOWN_BODY = "(評価実施機関なし / no body)"
DIRECTION_COLORS = {"入手": "#6a8caf", "提供": "#d9822b", "移転": "#2e8b57", "委託": "#7b68ae", "再委託": "#a0522d"}
SEVERITY_COLORS = {"Violation": "#c0392b", "Warning": "#e6a23c", "Info": "#5b8def"}
BAR_COLOR = "#4a7ab5"
# 番号法 第19条第7号 -> 番号法 第19条; 番号法 別表第二 94の項 -> 番号法 別表第二; a law cited whole stays whole
_PROVISION_HEAD = re.compile(r"^(?P<law>.+?) (?P<head>別表第[一二三四五六七八九十]+|附則|第[0-9]+条(?:の[0-9]+)*)")


@dataclass
class Chart:
    """One chart of the page and the table of its numbers."""

    key: str
    title: str
    note: str
    table: Table
    bars: list[Bar]
    series: list[Series]


@dataclass
class CorpusReport:
    title: str
    summary: Table
    charts: list[Chart] = field(default_factory=list)


def provision_head(citation: str) -> str:
    """The group of a citation: its law and article or appended table (``番号法 第19条``)."""
    match = _PROVISION_HEAD.match(citation)
    return f"{match['law']} {match['head']}" if match else citation


def _answer(name: str, store: QueryStore, **params: str) -> Table:
    return table_from_solutions(run_query(find_query(name), store, params), name)


# --------------------------------------------------------------------------- the charts

def legal_basis_chart(store: QueryStore) -> Chart:
    flows = [r for r in _answer("flows", store).records()
             if r["direction"] in ("提供", "移転") and not r["aggregate"]]
    counts: dict[str, Counter] = defaultdict(Counter)
    for record in flows:
        citations = [c for c in str(record["citations"] or "").split(" | ") if c]
        for group in sorted({provision_head(c) for c in citations}) or [NO_CITATION]:
            counts[group][str(record["direction"])] += 1
    ordered = sorted(counts, key=lambda g: (g == NO_CITATION, -sum(counts[g].values()), g))
    table = Table("flows by legal basis", ["citation", "provisions", "transfers", "flows"],
                  [[g, counts[g]["提供"], counts[g]["移転"], sum(counts[g].values())] for g in ordered])
    series = [Series("提供 / provision", DIRECTION_COLORS["提供"]), Series("移転 / transfer", DIRECTION_COLORS["移転"])]
    bars = [Bar(g, (counts[g]["提供"], counts[g]["移転"])) for g in ordered]
    return Chart("legal-basis", "法令上の根拠別の提供・移転 / Flows by legal basis",
                 f"{len(flows)} 提供・移転 flows (annex rows counted, aggregate entries not); a flow citing "
                 "provisions of several groups counts in each.", table, bars, series)


def channels_chart(store: QueryStore) -> Chart:
    answer = _answer("channels", store)
    table = Table("channels", ["method", "risk", "direction", "flows", "assessments", "bodies"],
                  [[r[c] for c in ("method", "risk", "direction", "flows", "assessments", "bodies")]
                   for r in answer.records()])
    directions = [d for d in DIRECTION_COLORS if d in {r["direction"] for r in answer.records()}]
    methods: dict[str, Counter] = {}
    for record in answer.records():  # the query's order: riskiest first
        methods.setdefault(f"{record['risk']}. {record['method']}", Counter())[record["direction"]] += record["flows"]
    bars = [Bar(label, tuple(counter[d] for d in directions)) for label, counter in methods.items()]
    return Chart("channels", "方法別の流れ(リスクの高い媒体から) / Channels, riskiest media first",
                 "risk 1 = フラッシュメモリ … 8 = 情報提供ネットワークシステム (the channels query); "
                 "aggregate entries are counted through their annex rows.",
                 table, bars, [Series(d, DIRECTION_COLORS[d]) for d in directions])


def vendor_chart(store: QueryStore, top: int = 15) -> Chart:
    """Contractors by the assessments, bodies, files and entrustment items they serve (the
    ``contractors`` query's counts, ranked as `pdgraph.query.analysis.vendor_concentration` ranks
    them; the networkx projection is not needed for counts and costs minutes at scale)."""
    vendors: dict[str, dict] = {}
    for record in _answer("contractors", store).records():
        vendor = vendors.setdefault(str(record["contractor"]), {
            "label": str(record["contractor"]), "assessments": record["assessments"], "bodies": record["bodies"],
            "files": record["files"], "entrustments": record["entrustments"], "reentrusting": 0})
        vendor["reentrusting"] += record["reentrustment"] == "再委託する"
    ranked = sorted(vendors.values(), key=lambda v: (-v["assessments"], -v["bodies"], -v["files"],
                                                     -v["entrustments"], v["label"]))[:top]
    columns = ["label", "assessments", "bodies", "files", "entrustments", "reentrusting"]
    table = Table("vendor concentration", columns, [[v[c] for c in columns] for v in ranked])
    bars = [Bar(v["label"], (v["assessments"],)) for v in ranked]
    return Chart("vendors", "委託先の集中 / Vendor concentration",
                 f"the {top} contractors serving the most assessments (then bodies, files, entrustment items), "
                 "from the contractors query; reentrusting = items whose 再委託の有無 is 再委託する.",
                 table, bars, [Series("評価書数 / assessments", BAR_COLOR)])


def bands_chart(store: QueryStore) -> Chart:
    counts: Counter = Counter()
    for record in _answer("large-files", store).records():
        counts[(record["rank"], record["subjects"] or UNKNOWN_BAND)] += 1
    ordered = sorted(counts, key=lambda k: (-k[0], k[1]))
    table = Table("data subjects", ["band", "rank", "files"], [[band, rank, counts[(rank, band)]]
                                                              for rank, band in ordered])
    bars = [Bar(band, (counts[(rank, band)],)) for rank, band in ordered]
    return Chart("bands", "本人の数の区分別のファイル / Files by number of data subjects",
                 "対象となる本人の数 of each 特定個人情報ファイル, largest band first (the large-files query).",
                 table, bars, [Series("ファイル数 / files", BAR_COLOR)])


def findings_chart(validation: Report) -> Chart:
    counts: dict[str, Counter] = defaultdict(Counter)
    assessments: Counter = Counter()
    for result in validation.results:
        body = result.organization or UNKNOWN_BODY
        assessments[body] += 1
        counts[body].update(f.severity.value for f in result.findings)
    severities = [s.value for s in Severity]
    ordered = sorted(counts, key=lambda b: (*(-counts[b][s] for s in severities), b))
    table = Table("validation findings", ["organization", "assessments", "violations", "warnings", "infos"],
                  [[b, assessments[b], *(counts[b][s] for s in severities)] for b in ordered])
    bars = [Bar(b, tuple(counts[b][s] for s in severities)) for b in ordered]
    return Chart("findings", "評価実施機関ごとの検証結果 / Validation findings per body",
                 "SHACL conformance (pdgraph validate): Violations, Warnings and Infos of each body's assessments.",
                 table, bars, [Series(s, SEVERITY_COLORS[s]) for s in severities])


def build_report(store: QueryStore, validation: Report | None = None, title: str | None = None,
                 top: int = 15) -> CorpusReport:
    """The report's data: the corpus statistics and every chart with its table."""
    summary = _answer("stats", store)
    summary.title = "corpus"
    charts = [legal_basis_chart(store), channels_chart(store), vendor_chart(store, top), bands_chart(store)]
    if validation is not None:
        charts.append(findings_chart(validation))
    count = summary.rows[0][0] if summary.rows else 0
    return CorpusReport(title or f"特定個人情報保護評価書 {count}件の概要 / Corpus report", summary, charts)


# --------------------------------------------------------------------------- the page

STYLE = """
body { font-family: sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.6em; border-bottom: 1px solid #ccc; }
.pair { display: flex; flex-wrap: wrap; gap: 1.5em; align-items: flex-start; }
figure { margin: 0; flex: none; }
table { border-collapse: collapse; font-size: 0.85em; }
th, td { border: 1px solid #ccc; padding: 2px 6px; vertical-align: top; }
th { background: #f2f2f2; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
p.note { color: #555; font-size: 0.85em; max-width: 60em; }
@media print { .pair { display: block; } section { break-inside: avoid; } }
"""


def _csp(styles: Sequence[str]) -> str:
    digests = " ".join("'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() + "'"
                       for s in styles)
    return ("default-src 'none'; script-src 'none'; " f"style-src {digests}; img-src 'none'; font-src 'none'; "
            "connect-src 'none'; media-src 'none'; object-src 'none'; frame-src 'none'; worker-src 'none'; "
            "form-action 'none'; base-uri 'none'")


def html_table(table: Table) -> str:
    esc = html.escape
    head = "".join(f'<th data-column="{esc(c)}">{esc(h)}</th>' for c, h in zip(table.columns, table.headings))
    body = []
    for row in table.rows:
        cells = "".join(f'<td class="n">{esc(text_cell(v))}</td>' if isinstance(v, (int, float))
                        and not isinstance(v, bool) else f"<td>{esc(text_cell(v))}</td>" for v in row)
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def render_report(report: CorpusReport) -> str:
    """The report as one self-contained HTML page (no script, no external reference)."""
    esc = html.escape
    sections = []
    for chart in report.charts:
        sections.append(f'<section id="{esc(chart.key)}"><h2>{esc(chart.title)}</h2>'
                        f'<p class="note">{esc(chart.note)}</p><div class="pair"><figure>'
                        f"{bar_chart(chart.bars, chart.series, chart.title)}</figure>{html_table(chart.table)}"
                        "</div></section>")
    return ("<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{esc(_csp([STYLE]), quote=False)}">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(report.title)}</title><style>{STYLE}</style></head><body>"
            f"<h1>{esc(report.title)}</h1><section id=\"summary\">{html_table(report.summary)}</section>"
            f"{''.join(sections)}</body></html>\n")
