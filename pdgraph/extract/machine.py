"""Stage 3, extract: rows of the official form (様式) -> typed `Assessment` records.

One pass over the rows with a small context (major section I–VI or annex,
numbered sub-section, current block such as システムk / 委託事項k / 提供先k).
Labels are matched on cleaned text, so ①, (1), Ⅲ and full-width digits all
arrive as ASCII. Pages are often lost: nothing is inferred across a gap, a
field whose section is missing stays ``None``.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from ..form import options as opt
from ..law.citations import parse_citations, parse_linkage
from ..law.dates import parse_date
from ..errors import NotAnAssessmentError
from ..form.rows import Row, parse_rows
from .normalise import clean_recipient, clean_system_name, split_entities, system_kind
from ..read.text import SourceText
from .records import (Annex, Assessment, BasisStatement, Change, DataFile, Entrustment, EntrustmentItem, Flow,
                      Linkage, ProvisionTransfer, Source, System)
from ..textnorm import clean, tidy

# Option vocabularies of the form (様式).
SYSTEM_CONNECTIONS = ["情報提供ネットワークシステム", "庁内連携システム", "住民基本台帳ネットワークシステム",
                      "既存住民基本台帳システム", "宛名システム等", "税務システム", "その他"]
SOURCE_CATEGORIES = ["本人又は本人の代理人", "評価実施機関内の他部署", "行政機関・独立行政法人等",
                     "地方公共団体・地方独立行政法人", "民間事業者", "その他"]
ACQUISITION_METHODS = ["紙", "電子記録媒体(フラッシュメモリを除く。)", "フラッシュメモリ", "電子メール", "専用線",
                       "庁内連携システム", "情報提供ネットワークシステム", "その他"]
FLOW_METHODS = ACQUISITION_METHODS
SUBJECT_BANDS = ["1万人未満", "1万人以上10万人未満", "10万人以上100万人未満", "100万人以上1,000万人未満", "1,000万人以上"]
RECORD_BANDS = ["10項目未満", "10項目以上50項目未満", "50項目以上100項目未満", "100項目以上"]
LINKAGE_STATUS = ["実施する", "実施しない", "未定"]
ENTRUSTMENT_STATUS = ["委託する", "委託しない"]
REENTRUSTMENT_STATUS = ["再委託する", "再委託しない"]
ASSESSMENT_KINDS = ("基礎項目評価書", "重点項目評価書", "全項目評価書")

_KIND = re.compile(r"特定個人情報保護評価書\s*\(\s*(基礎項目評価書|重点項目評価書|全項目評価書)\s*\)")
_MAJOR = re.compile(r"^(I|II|III|IV|V|VI|VII)\s*(基本情報|関連情報|特定個人情報ファイルの概要|リスク対策|特定個人情報ファイルの取扱いプロセス"
                    r"|その他のリスク対策|開示請求|評価実施手続|しきい値判断)")
_ANNEX = re.compile(r"^(?:\(\s*(?P<a>別添|別紙)\s*(?P<an>\d*)\s*\)|【\s*(?P<b>別添|別紙)\s*(?P<bn>\d*)\s*】"
                    r"|(?P<c>別添|別紙)\s*(?P<cn>\d+)(?=[\s:「『]))\s*(?P<title>.*)$")
_SUBSECTION = re.compile(r"^(\d+)\s*\.\s*(\S.*)$")
_SYSTEM = re.compile(r"^システム\s*(\d+)$")
_SYSTEM_GROUP = re.compile(r"^システム\s*\d+\s*[～~〜-]\s*\d+$")
_ITEM = re.compile(r"^委託事項\s*(\d+)$")
_ITEM_GROUP = re.compile(r"^委託事項\s*\d+\s*[～~〜-]\s*\d+")
_FLOW = re.compile(r"^(提供先|移転先)\s*(\d+)$")
_FLOW_GROUP = re.compile(r"^(提供先|移転先)\s*\d+\s*[～~〜-]\s*\d+")
_ANNEX_REF = re.compile(r"(別紙|別添)\s*(\d*)")
_LABEL_PREFIX = re.compile(r"^(?:\(\d+\)|\d+\)?|\s)*")
_III_MARKERS = ("入手(情報提供ネットワークシステムを通じた入手を除く", "特定個人情報の使用", "情報提供ネットワークシステムとの接続",
                "委託や情報提供ネットワークシステムを通じた提供を除く", "監査", "従業者に対する教育", "その他のリスク対策")


def label_of(text: str) -> str:
    """A cell as a form label: circled/ASCII numbering, ※ marks and spaces removed."""
    return re.sub(r"[\s※]", "", _LABEL_PREFIX.sub("", text))


@dataclass
class _Context:
    major: str | None = None
    sub: str | None = None
    file: DataFile | None = None
    system: System | None = None
    item: EntrustmentItem | None = None
    flow: Flow | None = None
    annex: Annex | None = None
    annex_mode: str | None = None  # "records" | "changes" | "recipients" | "other"
    pending: str | None = None  # a label whose value is on the next line
    pending_line: int = 0
    toc: bool = False
    toc_entries: set[str] = field(default_factory=set)
    skip_note: bool = False
    file_counter: int = 0
    last_field: tuple | None = None  # (handler, raw value) of the last option field read
    seen: set[str] = field(default_factory=set)

    def close_blocks(self) -> None:
        self.system = self.item = self.flow = None


def extract(source: SourceText) -> Assessment:
    """Read every fact of the facts contract from one document (see module doc)."""
    rows = parse_rows(source)
    assessment = Assessment(source=source.name, text_sha256=hashlib.sha256(source.text.encode("utf-8")).hexdigest())
    context = _Context()
    for position, row in enumerate(rows):
        _dispatch(assessment, context, rows, position, row)
    _finish(assessment)
    if not assessment.sections_seen:
        first = rows[0].line if rows else 1
        raise NotAnAssessmentError(source.name, first, "no item of the 特定個人情報保護評価書 form was recognised")
    return assessment


# --------------------------------------------------------------------------- dispatch


def _dispatch(a: Assessment, c: _Context, rows: list[Row], position: int, row: Row) -> None:
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
        c.major = major.group(1)
        c.sub, c.annex_mode, c.annex = None, None, None
        c.close_blocks()
        return
    annex = annex_heading(first)
    if annex:
        _open_annex(a, c, row, *annex)
        return
    if c.annex_mode and _form_section_follows(rows, position, row):
        c.annex_mode, c.annex = None, None  # the annex ended without a heading (lost page, next file)
    if c.annex_mode:
        _annex_row(a, c, row)
        return
    if _subsection(a, c, rows, position, row):
        return
    if c.major == "III" or c.major in ("IV", "V", "VI", "VII"):
        return
    _section_row(a, c, row)


def _header(a: Assessment, c: _Context, row: Row, rows: list[Row], position: int) -> bool:
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


def _take_pending(a: Assessment, c: _Context, row: Row) -> bool:
    """Values written on the line after their label (公表日, 評価実施機関名, ファイル名)."""
    label, c.pending = c.pending, None
    if label == "skip":
        return row.line == c.pending_line
    if row.heading or _MAJOR.match(row.first) or annex_heading(row.first) or row.first == "項目一覧":
        return False  # the value is blank; this row is the next item
    if label in ("評価書番号", "評価書名", "評価実施機関名", "公表日"):
        _set_header(a, label, row.first, row.line)
        return True
    if label == "file_name" and c.file is not None:
        c.file.name, c.file.line = file_name(row.first), row.line
        return True
    if label == "flow_recipient" and c.flow is not None and not _is_label_row(c, row):
        c.flow.recipient = clean_recipient(row.first)
        c.flow.annex_ref = _annex_ref(row.first)
        return True
    if label == "item_title" and c.item is not None and not _is_label_row(c, row):
        c.item.title = row.first
        return True
    return False


def _is_label_row(c: _Context, row: Row) -> bool:
    first = label_of(row.first)
    return bool(_find_handler(c, first) or _SUBSECTION.match(row.first) or _ITEM.match(first)
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


def _subsection(a: Assessment, c: _Context, rows: list[Row], position: int, row: Row) -> bool:
    match = _SUBSECTION.match(row.first)
    if not match:
        return False
    number, title = int(match.group(1)), label_of(match.group(2))
    risk_flag = ("委託しない" in row.text or "提供・移転しない" in row.text) and not re.search(
        r"委託の有無|提供・移転の有無", row.text)
    if any(marker in title for marker in _III_MARKERS) or risk_flag:
        c.major, c.sub = "III", None
        c.close_blocks()
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
            _new_file(a, c, row.line)
            value = row.value_after(0)
            if value:
                c.file.name = file_name(clean(value[0]))
            else:
                c.pending = "file_name"
        elif a.kind == "基礎項目評価書" and c.major == "I":
            c.sub = "listed_files"  # a 基礎 has no II file overview: I 2. names its files
            value = row.value_after(0)
            if value:
                _listed_files(a, c, row, value[0])
        return True
    if key in _FILE_SUBSECTIONS:
        if c.major != "II" and key in ("basic", "acquisition"):
            c.major = "II"
        if c.file is None:
            _new_file(a, c, row.line)
        if key == "entrustment":
            c.file.entrustment = Entrustment(line=row.line)
        elif key == "provision":
            c.file.provision_transfer.line = row.line
            c.file.provisions = c.file.provisions if c.file.provisions is not None else []
            c.file.transfers = c.file.transfers if c.file.transfers is not None else []
    elif key == "systems" and a.systems is None:
        a.systems = []
    _fields_from(a, c, row, 1)  # a flattened table: the section's first field on the heading row
    return True


def file_name(text: str) -> str:
    """A 特定個人情報ファイル名 without its "(1) " numbering or a trailing "※…" remark."""
    return re.sub(r"\s*※.*$", "", re.sub(r"^\s*\(\s*\d+\s*\)\s*", "", tidy(text))).strip()


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


def _starts_file_block(c: _Context, rows: list[Row], position: int, number: int) -> bool:
    """II.1 ファイル名 starts a file; I.3 (a list of names) and III.1 (risk measures) do not."""
    following = _next_subsection_title(rows, position) or ""
    if following.startswith(_RISK_INTAKE):
        return False  # III 1. with its heading lost
    if c.major == "II":
        return True
    return number == 1 and following.startswith("基本情報")


def _new_file(a: Assessment, c: _Context, line: int) -> None:
    c.file_counter += 1
    c.file = DataFile(index=c.file_counter, line=line)
    a.files.append(c.file)


def _section_row(a: Assessment, c: _Context, row: Row) -> None:
    if c.sub == "listed_files":
        _listed_files(a, c, row, "\t".join(row.cells))
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
    _fields_from(a, c, row, 0)


def _has_label(c: _Context, row: Row) -> bool:
    return any(_find_handler(c, label_of(text)) for text in row.texts if text)


def _fields_from(a: Assessment, c: _Context, row: Row, start: int) -> None:
    """The first cell from ``start`` that is a known field label, with the value after it."""
    for index, text in enumerate(row.texts):
        if index < start:
            continue
        label = label_of(text)
        if not label:
            continue
        handler = _find_handler(c, label)
        if handler is not None:
            value = row.value_after(index)
            handler(a, c, row, value[0] if value else "")
            if handler in _OPTION_FIELDS:
                c.last_field = (handler, value[0] if value else "")
            return


def _blocks(a: Assessment, c: _Context, row: Row) -> bool:
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
        file = _current_file(a, c, row.line)
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
        file = _current_file(a, c, row.line)
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
            c.flow.annex_ref = _annex_ref(recipient)
        return True
    return False


def _block_rest(a: Assessment, c: _Context, row: Row) -> str | None:
    """What follows a block heading on its row: a title / recipient (returned), or, in a
    flattened table, a field label with its value (handled here; "" returned). None: nothing."""
    value = row.value_after(_first_index(row))
    if value is None:
        return None
    text, index = value
    if _find_handler(c, label_of(clean(text))):
        _fields_from(a, c, row, index)
        return ""
    return clean(text)


def _first_index(row: Row) -> int:
    return next(i for i, t in enumerate(row.texts) if t)


def _current_file(a: Assessment, c: _Context, line: int) -> DataFile:
    if c.file is None:
        _new_file(a, c, line)
    return c.file


def _annex_ref(text: str) -> str | None:
    match = _ANNEX_REF.search(text)
    return f"{match.group(1)}{match.group(2)}" if match else None


# --------------------------------------------------------------------------- field handlers


def _find_handler(c: _Context, label: str):
    if c.system is not None:
        for pattern, handler in _SYSTEM_FIELDS:
            if pattern.match(label):
                return handler
    if c.item is not None:
        for pattern, handler in _ITEM_FIELDS:
            if pattern.match(label):
                return handler
    if c.flow is not None:
        for pattern, handler in _FLOW_FIELDS:
            if pattern.match(label):
                return handler
    for pattern, handler in _SUB_FIELDS.get(c.sub, ()):
        if pattern.match(label):
            return handler
    return None


def _system_name(a, c, row, value):
    c.system.raw_name = clean(value)
    c.system.name = clean_system_name(c.system.raw_name)
    c.system.kind = system_kind(c.system.raw_name)


def choices_with_other(cell: str, labels: list[str]) -> tuple[list[str], list[str]]:
    """Selected option labels, and the names written in the parentheses of a selected その他."""
    chosen = opt.selected_labels(cell, labels)
    other = next((o for o in chosen if o.label == "その他"), None)
    return [o.label for o in chosen], split_entities(other.paren_text) if other else []


def _system_connections(a, c, row, value):
    c.system.connections, c.system.other_connections = choices_with_other(value, SYSTEM_CONNECTIONS)


_SYSTEM_FIELDS = (
    (re.compile(r"^システムの名称"), _system_name),
    (re.compile(r"^他のシステムとの接続"), _system_connections),
)


def _item_contractor(a, c, row, value):
    c.item.contractor, c.item.contractor_line = clean(value), row.line


def _item_description(a, c, row, value):
    c.item.description = clean(value)


def _item_reentrustment(a, c, row, value):
    c.item.reentrustment = opt.single_choice(value, REENTRUSTMENT_STATUS)
    c.item.reentrustment_line = row.line


def _item_permission(a, c, row, value):
    c.item.permission_method, c.item.permission_line = clean(value), row.line


def _item_tasks(a, c, row, value):
    c.item.reentrusted_tasks = clean(value)


_ITEM_FIELDS = (
    (re.compile(r"^委託先名$"), _item_contractor),
    (re.compile(r"^委託内容"), _item_description),
    (re.compile(r"^再委託の有無"), _item_reentrustment),
    (re.compile(r"^再委託の許諾方法"), _item_permission),
    (re.compile(r"^再委託事項"), _item_tasks),
)


def _flow_basis(a, c, row, value):
    text = clean(value)
    c.flow.basis = BasisStatement(raw=text, line=row.line, atoms=parse_citations(text))
    c.flow.annex_ref = c.flow.annex_ref or _annex_ref(text)


def _flow_text(attribute):
    def handler(a, c, row, value):
        text = clean(value)
        setattr(c.flow, attribute, text)
        c.flow.annex_ref = c.flow.annex_ref or _annex_ref(text)
    return handler


def _flow_subjects(a, c, row, value):
    c.flow.subjects = opt.single_choice(value, SUBJECT_BANDS) or ""


def _flow_methods(a, c, row, value):
    c.flow.methods, c.flow.methods_other = choices_with_other(value, FLOW_METHODS)


_FLOW_FIELDS = (
    (re.compile(r"^法令上の根拠"), _flow_basis),
    (re.compile(r"^(提供先|移転先)における用途"), _flow_text("purpose")),
    (re.compile(r"^(提供|移転)する情報の対象となる本人の数"), _flow_subjects),
    (re.compile(r"^(提供|移転)する情報の対象となる本人の範囲"), _flow_text("scope")),
    (re.compile(r"^(提供|移転)する情報$"), _flow_text("information")),
    (re.compile(r"^(提供|移転)方法"), _flow_methods),
    (re.compile(r"^時期・頻度"), _flow_text("timing")),
)


def _affair(a, c, row, value):
    a.affair, a.affair_line = clean(value), row.line


def split_listed_names(value: str, separators: str = "、,・") -> list[str]:
    """Names listed in one cell: one per line (<br>, </p>, </li>, a tab) or per enumerator
    (①, (1), 1., 1)), or separated by one of ``separators`` or by two spaces or more."""
    lines = re.split(r"<br\s*/?>|</(?:p|li|div)>|\n|\t|[\u2460-\u2473]", value, flags=re.I)
    splitter = re.compile(rf"[{re.escape(separators)}]|\s{{2,}}|(?:^|\s)(?:\d+\s*[.)]|\(\s*\d+\s*\))\s*")
    return [name.strip() for line in lines for name in splitter.split(clean(line)) if name and name.strip()]


def _listed_files(a, c, row, value):
    """基礎項目評価書 I.2 特定個人情報ファイル名: name-only files (the form has no II overview of them).

    Names are split on lines, enumerators and 、 / , only: a ・ can be part of a file's name."""
    for name in split_listed_names(value, "、,"):
        name = file_name(name)
        if name:
            _new_file(a, c, row.line)
            c.file.name = name
    c.file = None  # nothing else in the form belongs to these files


def _listed_systems(a, c, row, value):
    """基礎項目評価書 I.1 ③システムの名称: the systems as a list in one cell (no ③接続 item)."""
    if a.systems is None:
        a.systems = []
    names = split_listed_names(value)
    for name in names:
        a.systems.append(System(index=len(a.systems) + 1, line=row.line, name=clean_system_name(name),
                                raw_name=name.strip(), kind=system_kind(name)))
    a.sections_seen.add("systems")


def _department(a, c, row, value):
    a.department, a.department_line = clean(value), row.line


def _number_use(a, c, row, value):
    text = clean(value)
    a.number_use = BasisStatement(raw=text, line=row.line, atoms=parse_citations(text))


def _linkage_status(a, c, row, value):
    status = opt.single_choice(value, LINKAGE_STATUS)
    if a.linkage is None:
        a.linkage = Linkage(status=status, status_line=row.line)
    else:
        a.linkage.status, a.linkage.status_line = status, row.line


def _linkage_basis(a, c, row, value):
    text = clean(value)
    if a.linkage is None:
        a.linkage = Linkage(status=None, status_line=row.line)
    provision, inquiry = parse_linkage(text)
    a.linkage.basis = BasisStatement(raw=text, line=row.line, atoms=list(dict.fromkeys(provision + inquiry)))
    a.linkage.provision_atoms, a.linkage.inquiry_atoms = provision, inquiry


def _file_subjects(a, c, row, value):
    c.file.subjects = opt.single_choice(value, SUBJECT_BANDS) or opt.bracket_value(value) or ""
    c.file.subjects_line = row.line


def _file_record_count(a, c, row, value):
    c.file.record_count = opt.single_choice(value, RECORD_BANDS) or opt.bracket_value(value) or ""


def _file_holding_start(a, c, row, value):
    text = clean(value)
    c.file.holding_start_raw, c.file.holding_start_line = text, row.line
    c.file.holding_start = parse_date(text)


def _file_sources(a, c, row, value):
    chosen = opt.selected_labels(value, SOURCE_CATEGORIES, text_selects=True)
    c.file.sources = [Source(o.label, split_entities(o.paren_text), row.line) for o in chosen]
    c.file.sources_line = row.line


def _file_acquisition(a, c, row, value):
    c.file.acquisition_methods, c.file.acquisition_methods_other = choices_with_other(value, ACQUISITION_METHODS)
    c.file.acquisition_line = row.line


def _entrustment_status(a, c, row, value):
    if c.file.entrustment is None:
        c.file.entrustment = Entrustment(line=row.line)
    c.file.entrustment.status = opt.single_choice(value, ENTRUSTMENT_STATUS)
    c.file.entrustment.declared_count = opt.declared_count(value)
    c.file.entrustment.line = row.line


def _provision_transfer(a, c, row, value):
    found = {o.label: o for o in opt.find_options(value, ["提供を行っている", "移転を行っている", "行っていない"])}
    pt = c.file.provision_transfer
    pt.line = row.line
    pt.provides = found["提供を行っている"].selected if "提供を行っている" in found else None
    pt.transfers = found["移転を行っている"].selected if "移転を行っている" in found else None
    pt.provision_count = opt.declared_count(value, "提供を行っている")
    pt.transfer_count = opt.declared_count(value, "移転を行っている")
    if c.file.provisions is None:
        c.file.provisions = []
    if c.file.transfers is None:
        c.file.transfers = []


_SUB_FIELDS = {
    "affair": ((re.compile(r"^事務の名称"), _affair), (re.compile(r"^システムの名称"), _listed_systems)),
    "department": ((re.compile(r"^部署$"), _department),),
    "number_use": ((re.compile(r"^法令上の根拠"), _number_use),),
    "linkage": ((re.compile(r"^実施の有無"), _linkage_status), (re.compile(r"^法令上の根拠"), _linkage_basis)),
    "basic": ((re.compile(r"^対象となる本人の数"), _file_subjects), (re.compile(r"^記録される項目"), _file_record_count),
              (re.compile(r"^保有開始日"), _file_holding_start)),
    "acquisition": ((re.compile(r"^入手元"), _file_sources), (re.compile(r"^入手方法"), _file_acquisition)),
    "entrustment": ((re.compile(r"^委託の有無"), _entrustment_status),),
    "provision": ((re.compile(r"^提供・移転の有無"), _provision_transfer),),
}


# --------------------------------------------------------------------------- annexes


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


def _open_annex(a: Assessment, c: _Context, row: Row, kind: str, number: str, title: str) -> None:
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


def _annex_row(a: Assessment, c: _Context, row: Row) -> None:
    if c.annex_mode == "records":
        _record_items(a, c, row)
    elif c.annex_mode == "changes":
        _change_row(a, c, row)
    elif c.annex_mode == "recipients":
        _recipient_row(c.annex, row)


_GROUP = re.compile(r"^(<[^<>]+>|【[^】]*】|◆.*|\([^)]*\)|<b>.*)$")
_ITEM_NUMBER = re.compile(r"^\d+\s*[.)．]\s*")


def _record_items(a: Assessment, c: _Context, row: Row) -> None:
    file = c.file or (a.files[-1] if a.files else None)
    if file is None:
        file = _current_file(a, c, row.line)
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


def _change_row(a: Assessment, c: _Context, row: Row) -> None:
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


# --------------------------------------------------------------------------- finishing


def _finish(a: Assessment) -> None:
    """Attach annex rows to the entries that point to them; drop empty template slots."""
    if a.kind is None and a.title:
        a.kind = next((kind for kind in ASSESSMENT_KINDS if kind in a.title), None)
        a.kind_line = a.header_line if a.kind else None
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


# Option fields whose choices may go on over rows with an empty label cell.
_OPTION_FIELDS = (_file_sources, _file_acquisition, _system_connections, _flow_methods)
