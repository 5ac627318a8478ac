"""The annexes (別添 / 別紙) of the form: their headings and the tables under them.

`annex_heading` tells an annex heading from a reference to one; `open_annex` sets the
`Context` to the annex's kind and `annex_row` reads each row under it: 記録項目 (a file's
record items), 変更箇所 (the change log) or a recipient table (提供先 / 移転先 rows, with their
項番 basis and methods), which `machine` attaches to the entries that point to it.
"""
from __future__ import annotations

import re

from ..form import options as opt
from ..form.rows import Row
from ..law.citations import parse_citations
from ..law.dates import parse_date
from .context import FLOW_METHODS, SUBJECT_BANDS, Context, current_file, file_name, label_of
from .records import Annex, Assessment, BasisStatement, Change, Flow

_ANNEX = re.compile(r"^(?:\(\s*(?P<a>別添|別紙)\s*(?P<an>\d*)\s*\)|【\s*(?P<b>別添|別紙)\s*(?P<bn>\d*)\s*】"
                    r"|(?P<c>別添|別紙)\s*(?P<cn>\d+)(?=[\s:「『]))\s*(?P<title>.*)$")


def annex_heading(text: str) -> tuple[str, str, str] | None:
    """(別添|別紙, number, title) of an annex heading such as "(別紙1) 提供先一覧" or "【別紙2】…";
    None for a reference to an annex ("(別紙2)のとおり", "別紙1を参照")."""
    match = _ANNEX.match(text)
    if not match:
        return None
    title = match.group("title").strip()
    if re.match(r"^[のをにへ]", title) or re.search(r"(を参照|のとおり|参照)\)?$", title):
        return None
    kind = match.group("a") or match.group("b") or match.group("c")
    number = match.group("an") or match.group("bn") or match.group("cn") or ""
    return kind, number, title


def open_annex(a: Assessment, c: Context, row: Row, kind: str, number: str, title: str) -> None:
    """Enter an annex: its rows are record items, changes, recipients or (事務の内容) nothing to read."""
    c.close_blocks()
    c.sub = None
    c.skip_note = False
    if "記録項目" in title:
        c.annex_mode = "records"
        a.sections_seen.add("record_items")
    elif "変更箇所" in title:
        c.annex_mode = "changes"
        a.changes = [] if a.changes is None else a.changes
        a.sections_seen.add("changes")
    elif "事務の内容" in title:
        c.annex_mode = "other"
    else:
        c.annex_mode = "recipients"
        c.annex = Annex(label=f"{kind}{number}", title=title, line=row.line)
        citations = parse_citations(title)
        if citations:
            c.annex.basis = BasisStatement(raw=title, line=row.line, atoms=citations)
        a.annexes.append(c.annex)
        a.sections_seen.add("annex")


def annex_row(a: Assessment, c: Context, row: Row) -> None:
    """One row under the open annex, read as its kind says."""
    if c.annex_mode == "records":
        _record_items(a, c, row)
    elif c.annex_mode == "changes":
        _change_row(a, c, row)
    elif c.annex_mode == "recipients":
        _recipient_row(c.annex, row)


_GROUP = re.compile(r"^(<[^<>]+>|【[^】]*】|◆.*|\([^)]*\)|<b>.*)$")
_ITEM_NUMBER = re.compile(r"^\d+\s*[.)．]\s*")


def _record_items(a: Assessment, c: Context, row: Row) -> None:
    file = c.file or (a.files[-1] if a.files else None)
    if file is None:
        file = current_file(a, c, row.line)
    if file.record_items is None:
        file.record_items, file.record_items_line = [], row.line
    raw_first = row.cells[0] if row.cells else ""
    first = row.first
    if first.startswith("※"):
        c.skip_note = True
        return
    if c.skip_note and raw_first[:1] in (" ", "\u3000"):
        return
    c.skip_note = False
    named = {f.name: f for f in a.files if f.name}
    if file_name(first) in named:  # a per-file part of the annex: "(2) 本人確認情報ファイル"
        c.file = named[file_name(first)]
        c.file.record_items = c.file.record_items if c.file.record_items is not None else []
        return
    for cell, text in zip(row.cells, row.texts):
        if not text or _GROUP.match(text) or cell.strip().startswith("<b>"):
            continue
        file.record_items.extend(_split_items(text, tabbed=len([t for t in row.texts if t]) > 1))


def _split_items(text: str, tabbed: bool) -> list[str]:
    text = _ITEM_NUMBER.sub("", text)
    if tabbed:
        parts = [text]
    elif "・" in text and (text.startswith("・") or " ・" in text):
        parts = re.split(r"(?:^|\s)・", text)
    else:
        parts = text.split(" ")
    items = []
    for part in parts:
        part = _ITEM_NUMBER.sub("", part.strip())
        if part and not re.fullmatch(r"[.\s・]*", part):
            items.append(part)
    return items


_CHANGE_COLUMNS = (("date", "変更日"), ("item", "項目"), ("before", "変更前"), ("after", "変更後"),
                   ("explanation", "説明"), ("timing", "提出時期"))


def _change_row(a: Assessment, c: Context, row: Row) -> None:
    texts = list(row.texts)
    if texts and texts[0] == "変更日":
        c.annex = Annex(label="変更箇所", title="変更箇所", line=row.line, header=texts)
        return
    header = c.annex.header if c.annex else ["変更日", "項目", "変更前の記載", "変更後の記載", "提出時期", "提出時期に係る説明"]
    values: dict[str, str] = {}
    for name, text in zip(header, texts):
        for key, marker in _CHANGE_COLUMNS:
            if marker in name and key not in values:
                values[key] = text
                break
    if not any(values.values()):
        return
    date_raw = values.get("date", "")
    a.changes.append(Change(line=row.line, date=parse_date(date_raw) if date_raw else None, date_raw=date_raw,
                            item=values.get("item", ""), before=values.get("before", ""),
                            after=values.get("after", ""), timing=values.get("timing", ""),
                            explanation=values.get("explanation", "")))


def _column_role(name: str) -> str | None:
    if re.fullmatch(r"(No\.?|番号|項番号|#)", name):
        return "index"
    if "提供者" in name:
        return None  # the providing body: this assessment's own organisation
    if re.search(r"別表.*項(番号?)?$", name):
        return "basis"  # 番号法別表第二の項: the row number of the appended table
    for role, markers in (("subjects", ("本人の数",)), ("methods", ("方法",)), ("timing", ("時期", "頻度")),
                          ("purpose", ("用途", "事務")), ("basis", ("項番", "根拠")),
                          ("recipient", ("照会者", "提供先", "移転先", "相手", "受領者", "先")),
                          ("information", ("情報",))):
        if any(marker in name for marker in markers):
            return role
    return None


def _recipient_row(annex: Annex, row: Row) -> None:
    texts = [t for t in row.texts]
    if not annex.header:
        if len([t for t in texts if t]) >= 2:
            annex.header = texts
        return
    values: dict[str, str] = {}
    for name, text in zip(annex.header, texts):
        role = _column_role(label_of(name) if name else "")
        if role and role not in values:
            values[role] = text
    if not any(v for k, v in values.items() if k != "index"):
        return
    direction = "transfer" if "移転" in annex.title + " ".join(annex.header) else "provision"
    flow = Flow(direction=direction, index=len(annex.rows) + 1, line=row.line, annex_row=True)
    flow.recipient = values.get("recipient")
    if "basis" in values:
        flow.basis = _annex_basis(annex, values["basis"], row.line)
    flow.purpose = values.get("purpose")
    flow.information = values.get("information")
    if "subjects" in values:
        band = next((b for b in SUBJECT_BANDS if b == values["subjects"]), None)
        flow.subjects = band or values["subjects"]
    if "methods" in values:
        flow.methods = _listed_methods(values["methods"])
    flow.timing = values.get("timing")
    annex.rows.append(flow)


def _annex_basis(annex: Annex, text: str, line: int) -> BasisStatement:
    """A 項番 cell holds bare row numbers of 別表第二 (別表第一 when the header or title says so)."""
    header = " ".join(annex.header)
    if re.fullmatch(r"[\d\sの、,・]+", text):
        table = "別表第一" if re.search(r"別表第?[一1]|別一", header + annex.title) else "別表第二"
        atoms = parse_citations(f"番号法{table}の{text}の項")
    else:
        atoms = parse_citations(text)
    return BasisStatement(raw=text, line=line, atoms=atoms)


def _listed_methods(text: str) -> list[str]:
    """Methods written as words in an annex cell ("紙・フラッシュメモリ"), in document order."""
    found = []
    for option in opt.find_options(text, FLOW_METHODS):
        if option.label not in found:
            found.append(option.label)
    if "電子記録媒体" in text and "電子記録媒体(フラッシュメモリを除く。)" not in found:
        found.append("電子記録媒体(フラッシュメモリを除く。)")
    return found
