"""Stage 6, validate — the report: a `Report` rendered as text, JSON, the SHACL report graph (Turtle) or HTML.

    Report --> text  (grouped by assessment, for a terminal)
           --> json  (machine-readable results)
           --> ttl   (the sh:ValidationReport graph, each result with its document, line and place)
           --> html  (a self-contained page for reviewers: no scripts, all document text escaped)

Rendering only reads the records (pdgraph.conformance.records) and, for the
HTML page's list of rules, the shapes; it never validates. Same report, same
bytes.
"""
from __future__ import annotations

import html
import json

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from ..graph.iris import digest
from .records import SH, Finding, Report, local_name, prefixed_graph
from .shapes import Shapes, load_shapes
from ..graph.vocab import ID, PDG

REPORT_NS = Namespace(f"{ID}validation/")

FORMATS = ("text", "json", "ttl", "html")


def render(report: Report, fmt: str = "text", lang: str = "both", shapes: Shapes | None = None,
           errors: bool = True) -> str:
    """The report in one of `FORMATS`; every format lists the inputs that could not be read (in
    text, ``errors=False`` leaves their lines out for a caller that prints them on stderr)."""
    if fmt == "text":
        return render_text(report, lang, errors)
    if fmt == "json":
        return render_json(report, lang)
    if fmt == "ttl":
        return render_ttl(report)
    if fmt == "html":
        return render_html(report, lang, shapes or load_shapes())
    raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")


def _count_text(counts: dict[str, int]) -> str:
    names = {"Violation": "violation", "Warning": "warning", "Info": "info"}
    return ", ".join(f"{counts[k]} {v}{'' if counts[k] == 1 else 's'}" for k, v in names.items())


def _unread(report: Report) -> str:
    return f"; {len(report.problems)} input(s) could not be read" if report.problems else ""


def render_text(report: Report, lang: str = "both", errors: bool = True) -> str:
    """Plain text, grouped by assessment: severity, document:line (document:place in a PDF), message, value."""
    out = []
    for result in report.results:
        state = "conforms" if result.conforms else "DOES NOT CONFORM"
        out.append(f"{result.heading} ({result.shown_document}) — {state}; {_count_text(result.counts())}")
        for finding in result.findings:
            out.append(f"  {finding.severity.value:<9} {finding.source}  [{finding.shape_name}]")
            for language in (("ja", "en") if lang == "both" else (lang,)):
                out.append(f"      {finding.message(language)}")
            if finding.value not in (None, ""):
                out.append(f"      value: {finding.value}")
        out.append("")
    for problem in report.problems if errors else ():
        out.append(f"error: {problem.message}")
    total = report.counts()
    state = "conforms" if report.conforms else "does not conform"
    out.append(f"{len(report.results)} assessment(s) validated with {report.engine}: {_count_text(total)} — {state}"
               f"{_unread(report)}")
    return "\n".join(out) + "\n"


def report_json(report: Report, lang: str = "both") -> dict:
    return {"conforms": report.conforms, "engine": report.engine, "counts": report.counts(),
            "assessments": [r.to_json() for r in report.results],
            "results": [dict(f.to_json(lang), assessment=r.assessment, graph=r.graph)
                        for r in report.results for f in r.findings],
            "errors": [{"source": p.path, "message": p.message} for p in report.problems],
            "notes": list(report.notes)}


def render_json(report: Report, lang: str = "both") -> str:
    return json.dumps(report_json(report, lang), ensure_ascii=False, indent=2) + "\n"


def _value_term(finding: Finding) -> Literal | URIRef | None:
    if finding.value is None:
        return None
    return URIRef(str(finding.value)) if finding.value_is_iri else Literal(finding.value)


def report_graph(report: Report) -> Graph:
    """The SHACL validation report graph of the run, each result with its document, line and place.

    Node IRIs are derived from the content, so the same run gives the same graph.
    """
    graph = prefixed_graph()
    keys = [f"{r.graph} {f.sort_key()}" for r in report.results for f in r.findings]
    node = REPORT_NS[digest(report.engine, *keys, length=16)]
    graph.add((node, RDF.type, SH.ValidationReport))
    graph.add((node, SH.conforms, Literal(report.conforms)))
    for problem in report.problems:  # an input that could not be read: not validated, so said here
        graph.add((node, RDFS.comment, Literal(f"error: {problem.message}")))
    for result in report.results:
        for position, finding in enumerate(result.findings, start=1):
            item = URIRef(f"{node}/{digest(result.graph, length=12)}/{position}")
            graph.add((node, SH.result, item))
            graph.add((item, RDF.type, SH.ValidationResult))
            graph.add((item, SH.resultSeverity, finding.severity.iri))
            graph.add((item, SH.focusNode, URIRef(finding.focus)))
            graph.add((item, SH.sourceShape, URIRef(finding.shape)))
            if finding.component:
                graph.add((item, SH.sourceConstraintComponent, URIRef(finding.component)))
            if finding.path:
                graph.add((item, SH.resultPath, URIRef(finding.path)))
            value = _value_term(finding)
            if value is not None:
                graph.add((item, SH.value, value))
            graph.add((item, SH.resultMessage, Literal(finding.message_ja, lang="ja")))
            graph.add((item, SH.resultMessage, Literal(finding.message_en, lang="en")))
            if result.assessment:
                graph.add((item, DCTERMS.subject, URIRef(result.assessment)))
            if result.document_node:
                graph.add((item, PDG.sourceDocument, URIRef(result.document_node)))
            if finding.source.line is not None:
                graph.add((item, PDG.sourceLine, Literal(finding.source.line)))
            if finding.source.place is not None:
                graph.add((item, PDG.sourcePlace, Literal(finding.source.place)))
    return graph


def render_ttl(report: Report) -> str:
    return report_graph(report).serialize(format="turtle")


_CSS = """
body{font-family:"Hiragino Sans","Noto Sans CJK JP","Yu Gothic",sans-serif;margin:2em;color:#222;line-height:1.5}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #888}
table{border-collapse:collapse;width:100%;margin:.5em 0 1em}th,td{border:1px solid #bbb;padding:.3em .5em;
vertical-align:top;text-align:left}th{background:#eee}.sev{font-weight:bold;white-space:nowrap}
.Violation{color:#a00}.Warning{color:#a60}.Info{color:#036}.ok{color:#060;font-weight:bold}
.bad{color:#a00;font-weight:bold}.en{color:#555}.mono{font-family:monospace;font-size:.9em;word-break:break-all}
.small{font-size:.85em;color:#555}.line{white-space:nowrap;text-align:right}@media print{body{margin:0}h2{page-break-before:auto}tr{page-break-inside:avoid}}
"""


def _e(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def render_html(report: Report, lang: str = "both", shapes: Shapes | None = None) -> str:
    """A self-contained page (no scripts, no external resources); all document text escaped."""
    total = report.counts()
    state = ('<span class="ok">適合 / conforms</span>' if report.conforms
             else '<span class="bad">不適合 / does not conform</span>')
    parts = ['<!DOCTYPE html>', '<html lang="ja"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             '<title>特定個人情報保護評価書 適合性レポート / Conformance report</title>',
             f'<style>{_CSS}</style></head><body>',
             '<h1>特定個人情報保護評価書 法令上の根拠 適合性レポート<br>'
             '<span class="en">Legal-basis conformance report</span></h1>',
             f'<p>{state} — {len(report.results)} 評価書 / assessment(s); '
             f'{_e(_count_text(total))}; engine: {_e(report.engine)}'
             + (f'; <span class="bad">{len(report.problems)} 件の入力を読み込めませんでした / input(s) could not be '
                'read</span>' if report.problems else '') + '</p>',
             '<table><tr><th>評価書 / Assessment</th><th>文書 / Document</th><th>結果 / Result</th></tr>']
    for index, result in enumerate(report.results, start=1):
        verdict = "適合 / conforms" if result.conforms else "不適合 / does not conform"
        parts.append(f'<tr><td><a href="#a{index}">{_e(result.heading)}</a><br><span class="small">'
                     f'{_e(result.title)}</span></td><td class="mono">{_e(result.source or result.document)}</td>'
                     f'<td class="{"ok" if result.conforms else "bad"}">{verdict}<br>'
                     f'<span class="small">{_e(_count_text(result.counts()))}</span></td></tr>')
    parts.append('</table>')
    if report.problems:
        parts.append('<h2>読み込めなかった入力 / Inputs that could not be read</h2><ul>')
        parts.extend(f'<li class="mono">{_e(p.message)}</li>' for p in report.problems)
        parts.append('</ul>')
    for index, result in enumerate(report.results, start=1):
        parts.append(f'<h2 id="a{index}">{_e(result.heading)} — {_e(result.title)}</h2>')
        parts.append(f'<p class="small">{_e(result.source or result.document)} · <span class="mono">{_e(result.assessment)}</span></p>')
        if not result.findings:
            parts.append('<p class="ok">指摘事項なし / No findings.</p>')
            continue
        parts.append('<table><tr><th>重要度<br>Severity</th><th>行<br>Line</th><th>内容 / Finding</th>'
                     '<th>値 / Value</th></tr>')
        for f in result.findings:
            messages = []
            if lang in ("ja", "both"):
                messages.append(f'<div>{_e(f.message_ja)}</div>')
            if lang in ("en", "both"):
                messages.append(f'<div class="en">{_e(f.message_en)}</div>')
            parts.append(f'<tr><td class="sev {f.severity.value}">{f.severity.value}</td>'
                         f'<td class="mono line" title="{_e(f.source)}">{_e(f.source.place or f.source.line)}</td><td>{"".join(messages)}'
                         f'<div class="small mono">{_e(f.shape_name)} · {_e(f.focus)}</div></td>'
                         f'<td>{_e(f.value)}</td></tr>')
        parts.append('</table>')
    if shapes is not None:
        parts.append('<h2>検査した規則 / Rules checked</h2><table><tr><th>規則 / Rule</th><th>重要度</th>'
                     '<th>根拠 / What it encodes</th></tr>')
        for info in sorted(shapes.info.values(), key=lambda i: (i.severity.rank, i.iri)):
            parts.append(f'<tr><td>{_e(info.label_ja)}<br><span class="en">{_e(info.label_en)}</span>'
                         f'<div class="small mono">{_e(local_name(info.iri))}</div></td>'
                         f'<td class="sev {info.severity.value}">{info.severity.value}</td>'
                         f'<td class="small">{_e(info.comment)}</td></tr>')
        parts.append('</table>')
    parts.append('</body></html>')
    return "\n".join(parts) + "\n"
