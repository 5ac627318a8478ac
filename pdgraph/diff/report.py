"""Rendering: a `Diff` as text (grouped, Japanese labels), JSON, or one self-contained HTML page.

Every difference shows where it was read on both sides (``旧 old.txt:158 / 新 new.txt:160``, ``—``
on the side that lacks it). The differences that the newer version's 変更箇所 table does not
mention are listed again at the end ("changed but not declared").

The HTML page has no script at all and a Content-Security-Policy that allows only its own
inline style (by hash): document text is always escaped text, nothing is fetched.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json

from .compare import ASPECTS, CHANGES, SECTIONS, Diff, Difference
from .snapshot import Snapshot, snapshot_label

FORMATS = ("text", "json", "html")
NOWHERE = "—"
UNDECLARED = "変更箇所に記載なし"


def _values(d: Difference) -> str:
    """The changed values in one phrase: ``a → b`` for a value, ``− a ／ + b`` for a set."""
    if d.change == "changed" and d.aspect in ("published", "kind", "name", "subjects", "record_count", "recipient",
                                              "title", "status", "tasks"):
        return f"{d.removed[0] if d.removed else ''} → {d.added[0] if d.added else ''}"
    parts = []
    if d.removed:
        parts.append(("− " if d.change == "changed" else "") + "、".join(d.removed))
    if d.added:
        parts.append(("+ " if d.change == "changed" else "") + "、".join(d.added))
    return " ／ ".join(parts)


def _subject(d: Difference) -> str:
    return d.subject + (f" ({d.context})" if d.context and d.context != d.subject else "")


def _where(d: Difference) -> str:
    return f"旧 {d.old_where or NOWHERE} / 新 {d.new_where or NOWHERE}"


def difference_line(d: Difference) -> str:
    """One difference as one line of text (without its section)."""
    head = f"{CHANGES[d.change]} {_subject(d)}"
    aspect = ASPECTS.get(d.aspect, d.aspect)
    values = _values(d)
    body = f"{head} {aspect}: {values}" if aspect else (f"{head}: {values}" if values else head)
    note = ""
    if d.declared is False:
        note = f"  ※{UNDECLARED}"
    elif d.declared:
        note = f"  (変更箇所: {', '.join(d.declared_by)})"
    return f"{body}  [{_where(d)}]{note}"


def _side(snap: Snapshot) -> dict:
    return {"document": snap.document, "graph": snap.graph, "published": snap.published,
            "version": snap.version or None, "organization": snap.organization, "number": snap.number,
            "kind": snap.kind}


def _summary(diff: Diff) -> str:
    counts = diff.counts()
    return (f"差分 {counts['differences']}件、うち変更箇所に記載のないもの {counts['undeclared']}件"
            f" (変更箇所の新しい行 {len(diff.declaring)}件)")


def render_text(diff: Diff) -> str:
    lines = [f"評価書の変更点: {diff.new.caption or diff.old.caption}",
             f"旧: {snapshot_label(diff.old)}", f"新: {snapshot_label(diff.new)}"]
    if not diff.changed:
        lines.append("差分なし")
        return "\n".join(lines) + "\n"
    lines.append(_summary(diff))
    for key, label in SECTIONS.items():
        group = [d for d in diff.differences if d.section == key]
        if group:
            lines.append("")
            lines.append(f"■ {label}")
            lines.extend(f"  {difference_line(d)}" for d in group)
    undeclared = diff.undeclared
    lines.append("")
    lines.append(f"■ 変更箇所に記載のない変更 (changed but not declared): {len(undeclared)}件")
    lines.extend(f"  {SECTIONS[d.section]}: {difference_line(d)}" for d in undeclared)
    return "\n".join(lines) + "\n"


def difference_record(d: Difference) -> dict:
    return {"section": d.section, "section_label": SECTIONS[d.section], "change": d.change,
            "change_label": CHANGES[d.change], "subject": d.subject, "context": d.context or None,
            "aspect": d.aspect or None, "aspect_label": ASPECTS.get(d.aspect) or None,
            "removed": list(d.removed), "added": list(d.added), "old": d.old_where or None, "new": d.new_where or None,
            "declared": d.declared, "declared_by": None if d.declared_by is None else list(d.declared_by)}


def render_json(diff: Diff) -> str:
    data = {"old": _side(diff.old), "new": _side(diff.new), "changed": diff.changed, "counts": diff.counts(),
            "differences": [difference_record(d) for d in diff.differences],
            "declaring_changes": [{"date": c.date, "item": c.item, "before": c.before, "after": c.after,
                                   "where": c.where} for c in diff.declaring]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


_CSS = """
body{font-family:"Noto Sans CJK JP","Noto Sans JP",sans-serif;margin:1.5rem;color:#1a1a1a;line-height:1.5}
h1{font-size:1.3rem;margin:0 0 .4rem}h2{font-size:1.05rem;margin:1.4rem 0 .4rem;border-bottom:2px solid #1f3b73}
.sides{margin:.2rem 0}.summary{font-weight:bold;margin:.6rem 0}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border:1px solid #c9ced8;padding:.25rem .4rem;
vertical-align:top;text-align:left}th{background:#eef1f6}
tr.added td.change{color:#00573f}tr.removed td.change{color:#8a1c1c}tr.changed td.change{color:#0a5d8c}
tr.undeclared{background:#fff1e6}td.declared-no{color:#d55e00;font-weight:bold}
.where{font-family:monospace;white-space:nowrap}del{color:#8a1c1c}ins{color:#00573f;text-decoration:none}
@media print{tr.undeclared{background:none;outline:2px solid #d55e00}}
""".strip()
_COLUMNS = ("変更", "対象", "項目", "変更前", "変更後", "旧の記載場所", "新の記載場所", "変更箇所")


def _csp(style: str) -> str:
    digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode()
    return (f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'none'; script-src 'none'; "
            "connect-src 'none'; font-src 'none'; object-src 'none'; frame-src 'none'; form-action 'none'; "
            "base-uri 'none'")


def _row(d: Difference) -> str:
    e = html.escape
    declared = (f'<td class="declared-no">{e(UNDECLARED)}</td>' if d.declared is False
                else f"<td>{e(', '.join(d.declared_by))}</td>" if d.declared else "<td></td>")
    classes = f"{d.change}{' undeclared' if d.declared is False else ''}"
    cells = [f'<td class="change">{e(CHANGES[d.change])}</td>', f"<td>{e(_subject(d))}</td>",
             f"<td>{e(ASPECTS.get(d.aspect, d.aspect))}</td>",
             f"<td>{''.join(f'<del>{e(v)}</del><br>' for v in d.removed)}</td>",
             f"<td>{''.join(f'<ins>{e(v)}</ins><br>' for v in d.added)}</td>",
             f'<td class="where">{e(d.old_where or NOWHERE)}</td>',
             f'<td class="where">{e(d.new_where or NOWHERE)}</td>',
             declared]
    return f'<tr class="{classes}" data-section="{e(d.section)}">{"".join(cells)}</tr>'


def _table(differences: list[Difference]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in _COLUMNS)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(_row(d) for d in differences)}</tbody></table>"


def render_html(diff: Diff) -> str:
    e = html.escape
    caption = diff.new.caption or diff.old.caption
    parts = [f"<h1>評価書の変更点: {e(caption)}</h1>",
             f'<p class="sides">旧: {e(snapshot_label(diff.old))}<br>新: {e(snapshot_label(diff.new))}</p>']
    if not diff.changed:
        parts.append('<p class="summary">差分なし</p>')
    else:
        parts.append(f'<p class="summary">{e(_summary(diff))}</p>')
        undeclared = diff.undeclared
        parts.append(f'<section id="undeclared"><h2>変更箇所に記載のない変更 ({len(undeclared)}件)</h2>'
                     f"{_table(undeclared) if undeclared else '<p>なし</p>'}</section>")
        for key, label in SECTIONS.items():
            group = [d for d in diff.differences if d.section == key]
            if group:
                parts.append(f'<section id="section-{e(key)}"><h2>{e(label)}</h2>{_table(group)}</section>')
    return ("<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n"
            f'<meta http-equiv="Content-Security-Policy" content="{e(_csp(_CSS))}">\n'
            '<meta name="referrer" content="no-referrer">\n<meta name="generator" content="pdgraph diff">\n'
            f"<title>{e(caption)} の変更点 — pdgraph</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
            + "\n".join(parts) + "\n</body>\n</html>\n")


def render(diff: Diff, fmt: str = "text") -> str:
    """The diff in one of `FORMATS`."""
    if fmt == "json":
        return render_json(diff)
    if fmt == "html":
        return render_html(diff)
    return render_text(diff)
