"""Stage 3, extract: rows of the official form (様式) -> typed `Assessment` records.

One pass over the rows with a small context (major section I–VI or annex,
numbered sub-section, current block such as システムk / 委託事項k / 提供先k).
Labels are matched on cleaned text, so ①, (1), Ⅲ and full-width digits all
arrive as ASCII. Pages are often lost: nothing is inferred across a gap, a
field whose section is missing stays ``None``.

This module is the state machine: `extract`, the dispatch of each row (header, 項目一覧,
major sections, sub-sections, blocks) and the finishing pass that attaches annex rows to the
entries that point to them. The field handlers are in `fields`, the annex tables in
`annexes`, the shared context and option vocabularies in `context`.
"""
from __future__ import annotations

import hashlib
import re

from ..errors import ConcatenatedAssessmentsError, NotAnAssessmentError
from ..form.rows import Row, parse_rows
from ..law.dates import parse_date
from ..read.text import SourceText
from .annexes import annex_heading, annex_row, open_annex
from .context import ASSESSMENT_KINDS, Context, annex_ref, current_file, file_name, label_of, new_file
from .fields import fields_from, find_handler, listed_files
from .normalise import clean_recipient
from .records import Assessment, Entrustment, EntrustmentItem, Flow, System
from ..textnorm import clean

_KIND = re.compile(r"特定個人情報保護評価書\s*\(\s*(基礎項目評価書|重点項目評価書|全項目評価書)\s*\)")
_MAJOR = re.compile(r"^(I|II|III|IV|V|VI|VII)\s*(基本情報|関連情報|特定個人情報ファイルの概要|リスク対策|特定個人情報ファイルの取扱いプロセス"
                    r"|その他のリスク対策|開示請求|評価実施手続|しきい値判断)")
_SUBSECTION = re.compile(r"^(\d+)\s*\.\s*(\S.*)$")
_SYSTEM = re.compile(r"^システム\s*(\d+)$")
_SYSTEM_GROUP = re.compile(r"^システム\s*\d+\s*[～~〜-]\s*\d+$")
_ITEM = re.compile(r"^委託事項\s*(\d+)$")
_ITEM_GROUP = re.compile(r"^委託事項\s*\d+\s*[～~〜-]\s*\d+")
_FLOW = re.compile(r"^(提供先|移転先)\s*(\d+)$")
_FLOW_GROUP = re.compile(r"^(提供先|移転先)\s*\d+\s*[～~〜-]\s*\d+")
_III_MARKERS = ("入手(情報提供ネットワークシステムを通じた入手を除く", "特定個人情報の使用", "情報提供ネットワークシステムとの接続",
                "委託や情報提供ネットワークシステムを通じた提供を除く", "監査", "従業者に対する教育", "その他のリスク対策")


def extract(source: SourceText) -> Assessment:
    """Read every fact of the facts contract from one document (see module doc)."""
    rows = parse_rows(source)
    assessment = Assessment(source=source.name, text_sha256=hashlib.sha256(source.text.encode("utf-8")).hexdigest())
    context = Context()
    for position, row in enumerate(rows):
        if _another_assessment_starts(assessment, context, rows, position):
            raise ConcatenatedAssessmentsError(
                source.shown, source.place(row.line),
                "a second assessment starts here (the 特定個人情報保護評価書 title and header again, after "
                f"the sections of {assessment.organization or 'the first one'}): one file must hold one "
                "assessment, split the file")
        _dispatch(assessment, context, rows, position, row)
    _finish(assessment)
    if not assessment.sections_seen:
        first = rows[0].line if rows else 1
        raise NotAnAssessmentError(source.shown, source.place(first), "no item of the 特定個人情報保護評価書 form was recognised")
    return assessment


# --------------------------------------------------------------------------- dispatch

_HEADER_LABELS = ("評価書番号", "評価書名", "評価実施機関名")


def _another_assessment_starts(a: Assessment, c: Context, rows: list[Row], position: int) -> bool:
    """The form's title and header again once the sections have begun: a second document.

    Two assessments in one file (concatenated downloads, a merged PDF) must never become one
    graph that credits the first body's flows to the second.
    """
    if a.kind is None or c.major is None or not _KIND.search(rows[position].text):
        return False
    return any(label_of(row.first) in _HEADER_LABELS for row in rows[position + 1: position + 4])



# The form's version stamp printed above the title: [平成26年4月 様式3] (a date, but not the 公表日).
_FORM_STAMP = re.compile(r"[\[【]\s*((?:平成|令和)\s*(?:\d+|元)\s*年\s*\d+\s*月\s*様式\s*\d+)\s*[\]】]")


# The 様式 number names the form: 様式2 基礎項目評価書, 様式3 重点項目評価書, 様式4 全項目評価書
# (様式1 is the 計画管理書, not an assessment).
_FORM_KINDS = {"2": "基礎項目評価書", "3": "重点項目評価書", "4": "全項目評価書"}


def _form_stamp(a: Assessment, c: Context, row: Row) -> bool:
    """Record the 様式 stamp (once); True when the row held nothing else."""
    stamp = _FORM_STAMP.search(row.text)
    if not stamp:
        return False
    if a.form_version is None:
        a.form_version = re.sub(r"\s+", "", stamp.group(1)).replace("月様式", "月 様式")
        a.form_version_line = row.line
        c.basic_form = c.basic_form or _stamp_kind(a.form_version) == "基礎項目評価書"
    return not _FORM_STAMP.sub("", row.text).strip()


def _stamp_kind(form_version: str | None) -> str | None:
    number = re.search(r"様式\s*(\d+)$", form_version or "")
    return _FORM_KINDS.get(number.group(1)) if number else None


# Major sections by their title: the 基礎項目評価書's II しきい値判断項目 and III しきい値判断結果 (its I is
# 関連情報, where the others have 基本情報), and the risk measures of every kind.
_MAJOR_SECTIONS = (("しきい値判断項目", "threshold"), ("しきい値判断結果", "threshold_result"), ("リスク対策", "risk_measures"))
_BASIC_MAJORS = ("関連情報", "しきい値判断")


def _major_heading(a: Assessment, c: Context, major: str, title: str) -> None:
    c.major = major
    c.sub, c.annex_mode, c.annex = None, None, None
    c.close_blocks()
    c.basic_form = c.basic_form or title.startswith(_BASIC_MAJORS)
    for words, section in _MAJOR_SECTIONS:
        if words in title:
            a.sections_seen.add(section)


def _dispatch(a: Assessment, c: Context, rows: list[Row], position: int, row: Row) -> None:
    if _form_stamp(a, c, row):
        return
    first = row.first
    if c.pending is not None:
        if _take_pending(a, c, row):
            return
    if c.toc:
        # 項目一覧 lists the section titles; it ends at the first other row, at a Markdown heading,
        # or when a listed title comes again (the body of the document starts there).
        if not row.heading and (_MAJOR.match(first) or annex_heading(first)) and first not in c.toc_entries:
            c.toc_entries.add(first)
            return
        c.toc = False
    kind = _KIND.search(row.text)
    if kind and a.kind is None:
        a.kind, a.kind_line = kind.group(1), row.line
        a.sections_seen.add("header")
        return
    if first == "項目一覧":
        c.toc, c.toc_entries = True, set()
        return
    if _header(a, c, row, rows, position):
        return
    major = _MAJOR.match(first)
    if major and (row.heading or len(first) < 60):
        _major_heading(a, c, major.group(1), first[major.end(1):].strip())
        return
    annex = annex_heading(first)
    if annex:
        open_annex(a, c, row, *annex)
        return
    if c.annex_mode and _form_section_follows(rows, position, row):
        c.annex_mode, c.annex = None, None  # the annex ended without a heading (lost page, next file)
    if c.annex_mode:
        annex_row(a, c, row)
        return
    if _subsection(a, c, rows, position, row):
        return
    if c.major == "III" or c.major in ("IV", "V", "VI", "VII"):
        return
    _section_row(a, c, row)


def _header(a: Assessment, c: Context, row: Row, rows: list[Row], position: int) -> bool:
    label = label_of(row.first)
    if label == "評価書番号" and len(row.texts) >= 2 and label_of(row.texts[1]) == "評価書名":
        if position + 1 < len(rows):
            values = rows[position + 1].texts
            a.number = values[0] if values else None
            a.title = values[1] if len(values) > 1 else ""
            a.header_line = rows[position + 1].line
            c.pending, c.pending_line = "skip", rows[position + 1].line
        a.sections_seen.add("header")
        return True
    if label in ("評価書番号", "評価書名") and c.major is None:  # label/value pairs, or the value on the next line
        a.sections_seen.add("header")
        value = row.value_after(0)
        if value is None:
            c.pending, c.pending_line = label, row.line
            return True
        _set_header(a, label, clean(value[0]), row.line)
        for index in range(value[1] + 1, len(row.texts)):
            title = row.value_after(index) if label_of(row.texts[index]) == "評価書名" else None
            if title:
                _set_header(a, "評価書名", clean(title[0]), row.line)
        return True
    if label in ("評価実施機関名", "公表日"):
        value = row.value_after(0)
        a.sections_seen.add("header")
        if value:
            _set_header(a, label, clean(value[0]), row.line)
        else:
            c.pending, c.pending_line = label, row.line
            if label == "公表日":  # present heading: blank until a value shows up
                a.published_raw = ""
        return True
    return False


def _set_header(a: Assessment, label: str, value: str, line: int) -> None:
    if label == "評価書番号":
        a.number, a.header_line = value, line
    elif label == "評価書名":
        a.title = value
        a.header_line = a.header_line or line
    elif label == "評価実施機関名":
        a.organization, a.organization_line = value, line
    elif label == "公表日":
        a.published_raw, a.published_line = value, line
        a.published = parse_date(value)


_HEADER_LABELS = ("評価書番号", "評価書名", "評価実施機関名", "公表日")


def _take_pending(a: Assessment, c: Context, row: Row) -> bool:
    """Values written on the line after their label (公表日, 評価実施機関名, ファイル名)."""
    label, c.pending = c.pending, None
    if label == "skip":
        return row.line == c.pending_line
    if row.heading or _MAJOR.match(row.first) or annex_heading(row.first) or row.first == "項目一覧":
        return False  # the value is blank; this row is the next item
    if label in _HEADER_LABELS:
        if label_of(row.first) in _HEADER_LABELS:
            return False  # stacked labels (評価書番号 / 評価書名): this row is the next label
        _set_header(a, label, row.first, row.line)
        return True
    if label == "file_name" and c.file is not None:
        c.file.name, c.file.line = file_name(row.first), row.line
        return True
    if label == "flow_recipient" and c.flow is not None and not _is_label_row(c, row):
        c.flow.recipient = clean_recipient(row.first)
        c.flow.annex_ref = annex_ref(row.first)
        return True
    if label == "item_title" and c.item is not None and not _is_label_row(c, row):
        c.item.title = row.first
        return True
    return False


def _is_label_row(c: Context, row: Row) -> bool:
    first = label_of(row.first)
    return bool(find_handler(c, first) or _SUBSECTION.match(row.first) or _ITEM.match(first)
                or _ITEM_GROUP.match(first) or _FLOW.match(first) or _FLOW_GROUP.match(first)
                or _MAJOR.match(row.first) or annex_heading(row.first)
                or first.startswith(("委託内容", "再委託")))


# --------------------------------------------------------------------------- sections

_SUBSECTIONS = (
    ("systems", re.compile(r"^特定個人情報ファイルを取り扱う事務において使用するシステム")),
    ("affair", re.compile(r"^特定個人情報ファイルを取り扱う事務$")),
    ("file_name", re.compile(r"^特定個人情報ファイル名")),
    ("reason", re.compile(r"^特定個人情報ファイルを取り扱う理由")),
    ("number_use", re.compile(r"^個人番号の利用")),
    ("linkage", re.compile(r"^情報提供ネットワークシステムによる情報連携")),
    ("department", re.compile(r"^評価実施機関における担当部署")),
    ("others", re.compile(r"^他の評価実施機関")),
    ("basic", re.compile(r"^基本情報$")),
    ("acquisition", re.compile(r"^特定個人情報の入手・使用")),
    ("entrustment", re.compile(r"^特定個人情報ファイルの取扱いの委託")),
    ("provision", re.compile(r"^特定個人情報の提供・移転")),
    ("storage", re.compile(r"^特定個人情報の保管・消去")),
    ("remarks", re.compile(r"^備考")),
)
_FILE_SUBSECTIONS = {"basic", "acquisition", "entrustment", "provision", "storage", "remarks"}


def _subsection(a: Assessment, c: Context, rows: list[Row], position: int, row: Row) -> bool:
    match = _SUBSECTION.match(row.first)
    if not match:
        return False
    number, title = int(match.group(1)), label_of(match.group(2))
    risk_flag = ("委託しない" in row.text or "提供・移転しない" in row.text) and not re.search(
        r"委託の有無|提供・移転の有無", row.text)
    if any(marker in title for marker in _III_MARKERS) or risk_flag:
        c.major, c.sub = "III", None
        c.close_blocks()
        a.sections_seen.add("risk_measures")
        return True
    for key, pattern in _SUBSECTIONS:
        if pattern.match(title):
            break
    else:
        return False
    if c.major in ("III", "IV", "V", "VI", "VII"):
        return True
    c.close_blocks()
    c.sub = key
    a.sections_seen.add(key)
    if key == "file_name":
        if _starts_file_block(c, rows, position, number):
            c.major = "II"
            new_file(a, c, row.line)
            value = row.value_after(0)
            if value:
                c.file.name = file_name(clean(value[0]))
            else:
                c.pending = "file_name"
        elif c.major in (None, "I") and _basic_form(a, c, rows, position, number):
            c.sub = "listed_files"  # a 基礎 has no II file overview: I 2. names its files
            value = row.value_after(0)
            if value:
                listed_files(a, c, row, value[0])
        return True
    if key in _FILE_SUBSECTIONS:
        if c.major != "II" and key in ("basic", "acquisition"):
            c.major = "II"
        if c.file is None:
            new_file(a, c, row.line)
        if key == "entrustment":
            c.file.entrustment = Entrustment(line=row.line)
        elif key == "provision":
            c.file.provision_transfer.line = row.line
            c.file.provisions = c.file.provisions if c.file.provisions is not None else []
            c.file.transfers = c.file.transfers if c.file.transfers is not None else []
    elif key == "systems" and a.systems is None:
        a.systems = []
    fields_from(a, c, row, 1)  # a flattened table: the section's first field on the heading row
    return True


_RISK_INTAKE = "特定個人情報の入手(情報提供ネットワークシステムを通じた入手を除く"


def _next_subsection_title(rows: list[Row], position: int) -> str | None:
    """The title of the next "N. …" row within five rows (None when there is none)."""
    for row in rows[position + 1:position + 6]:
        match = _SUBSECTION.match(row.first)
        if match:
            return label_of(match.group(2))
    return None


def _form_section_follows(rows: list[Row], position: int, row: Row) -> bool:
    """'N. 特定個人情報ファイル名' followed by 2. 基本情報 (the next file) or by III 2. (risk measures),
    or III 2. itself: the form goes on after an annex whose end was not marked."""
    match = _SUBSECTION.match(row.first)
    if not match:
        return False
    title = label_of(match.group(2))
    if title.startswith(_RISK_INTAKE):
        return True
    following = _next_subsection_title(rows, position) if title.startswith("特定個人情報ファイル名") else None
    return bool(following and (following.startswith("基本情報") or following.startswith(_RISK_INTAKE)))


def _starts_file_block(c: Context, rows: list[Row], position: int, number: int) -> bool:
    """II.1 ファイル名 starts a file; I.3 (a list of names) and III.1 (risk measures) do not."""
    following = _next_subsection_title(rows, position) or ""
    if following.startswith(_RISK_INTAKE):
        return False  # III 1. with its heading lost
    if c.major == "II":
        return True
    return number == 1 and following.startswith("基本情報")


def _basic_form(a: Assessment, c: Context, rows: list[Row], position: int, number: int) -> bool:
    """Is this I 'N. 特定個人情報ファイル名' the 基礎項目評価書's list of files? The kind heading (or the
    title) decides; without them the 様式2 stamp, the 基礎's own section titles, or its numbering: '2. ファイル名'
    followed by '3. 個人番号の利用' (the other forms have I 3. followed by 4. 取り扱う理由)."""
    kind = a.kind or next((kind for kind in ASSESSMENT_KINDS if kind in (a.title or "")), None)
    if kind is not None:
        return kind == "基礎項目評価書"
    following = _next_subsection_title(rows, position) or ""
    return c.basic_form or (number == 2 and following.startswith("個人番号の利用"))


def _section_row(a: Assessment, c: Context, row: Row) -> None:
    if c.sub == "listed_files":
        listed_files(a, c, row, "\t".join(row.cells))
        return
    if _blocks(a, c, row):
        c.last_field = None
        return
    if row.cells and not row.texts[0] and c.last_field and not _has_label(c, row):
        handler, previous = c.last_field  # options continued under a label cell spanning rows
        value = previous + " " + " ".join(row.cells)
        handler(a, c, row, value)
        c.last_field = (handler, value)
        return
    c.last_field = None
    fields_from(a, c, row, 0)


def _has_label(c: Context, row: Row) -> bool:
    return any(find_handler(c, label_of(text)) for text in row.texts if text)


def _blocks(a: Assessment, c: Context, row: Row) -> bool:
    """Block headings: システムk, 委託事項k, 提供先k / 移転先k (and their empty group slots)."""
    first = label_of(row.first) if row.first else ""
    if _SYSTEM_GROUP.match(first) or _ITEM_GROUP.match(first) or _FLOW_GROUP.match(first):
        c.close_blocks()
        return True
    system = _SYSTEM.match(first)
    if system and c.major not in ("II",):
        if a.systems is None:
            a.systems = []
        c.close_blocks()
        c.system = System(index=int(system.group(1)), line=row.line)
        a.systems.append(c.system)
        a.sections_seen.add("systems")
        _block_rest(a, c, row)
        return True
    item = _ITEM.match(first)
    if item:
        file = current_file(a, c, row.line)
        if file.entrustment is None:
            file.entrustment = Entrustment(line=row.line)
        c.close_blocks()
        c.item = EntrustmentItem(index=int(item.group(1)), line=row.line)
        file.entrustment.items.append(c.item)
        title = _block_rest(a, c, row)
        if title is None:
            c.pending = "item_title"
        else:
            c.item.title = title
        return True
    flow = _FLOW.match(first)
    if flow:
        file = current_file(a, c, row.line)
        direction = "provision" if flow.group(1) == "提供先" else "transfer"
        c.close_blocks()
        c.flow = Flow(direction=direction, index=int(flow.group(2)), line=row.line)
        target = "provisions" if direction == "provision" else "transfers"
        if getattr(file, target) is None:
            setattr(file, target, [])
        getattr(file, target).append(c.flow)
        a.sections_seen.add("flows")
        recipient = _block_rest(a, c, row)
        if recipient is None:
            c.pending = "flow_recipient"
        elif recipient:
            c.flow.recipient = clean_recipient(recipient)
            c.flow.annex_ref = annex_ref(recipient)
        return True
    return False


def _block_rest(a: Assessment, c: Context, row: Row) -> str | None:
    """What follows a block heading on its row: a title / recipient (returned), or, in a
    flattened table, a field label with its value (handled here; "" returned). None: nothing."""
    value = row.value_after(_first_index(row))
    if value is None:
        return None
    text, index = value
    if find_handler(c, label_of(clean(text))):
        fields_from(a, c, row, index)
        return ""
    return clean(text)


def _first_index(row: Row) -> int:
    return next(i for i, t in enumerate(row.texts) if t)


# --------------------------------------------------------------------------- finishing


def _finish(a: Assessment) -> None:
    """Attach annex rows to the entries that point to them; drop empty template slots."""
    if a.kind is None and a.title:
        a.kind = next((kind for kind in ASSESSMENT_KINDS if kind in a.title), None)
        a.kind_line = a.header_line if a.kind else None
    if a.kind is None and _stamp_kind(a.form_version):  # heading and title lost, the 様式 stamp says it
        a.kind, a.kind_line = _stamp_kind(a.form_version), a.form_version_line
    annexes = {annex.label: annex for annex in a.annexes}
    for file in a.files:
        for flows in (file.provisions, file.transfers):
            if flows is None:
                continue
            flows[:] = [flow for flow in flows if not flow.is_blank()]
            for flow in flows:
                annex = annexes.get(flow.annex_ref or "")
                if annex is not None:
                    for row in annex.rows:
                        row.direction, row.annex_ref = flow.direction, annex.label
                    flow.breakdown = annex.rows
        if file.entrustment is not None:
            file.entrustment.items = [item for item in file.entrustment.items if not item.is_blank()]
        if file.record_items is not None:
            file.record_items = list(dict.fromkeys(file.record_items))
    if a.systems is not None:
        a.systems = [s for s in a.systems if s.name or s.connections]
