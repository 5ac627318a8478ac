"""The field handlers of the extractor: a form label, in the block or sub-section being read,
-> the handler that stores its value on the `Assessment`.

Tables of (label pattern, handler) per block (システムk, 委託事項k, 提供先k / 移転先k) and per
sub-section of I and II; `find_handler` picks the handler for a label in the current
`Context`, `fields_from` finds the first labelled cell of a row and hands it its value. Also
the option readers the handlers share (`choices_with_other`) and the lists written in one
cell (`split_listed_names`, `listed_system_names`: the 基礎項目評価書's listed files and systems).
"""
from __future__ import annotations

import re

from ..form import options as opt
from ..form.rows import Row
from ..law.citations import parse_citations, parse_linkage
from ..law.dates import parse_date
from .context import (ACQUISITION_METHODS, ENTRUSTMENT_STATUS, FLOW_METHODS, LINKAGE_STATUS, RECORD_BANDS,
                      REENTRUSTMENT_STATUS, RETENTION_PERIODS, SOURCE_CATEGORIES, SUBJECT_BANDS,
                      SYSTEM_CONNECTIONS, Context, annex_ref, file_name, label_of, new_file)
from .normalise import clean_system_name, split_entities, system_kind
from .records import Assessment, BasisStatement, Entrustment, Linkage, Source, Storage, System
from ..textnorm import clean


def find_handler(c: Context, label: str):
    """The handler of a label: the open block's fields first, then the sub-section's (None: not a field)."""
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


def fields_from(a: Assessment, c: Context, row: Row, start: int) -> None:
    """The first cell from ``start`` that is a known field label, with the value after it."""
    for index, text in enumerate(row.texts):
        if index < start:
            continue
        label = label_of(text)
        if not label:
            continue
        handler = find_handler(c, label)
        if handler is not None:
            value = row.value_after(index)
            handler(a, c, row, value[0] if value else "")
            if handler in _CONTINUED_FIELDS:
                c.last_field = (handler, value[0] if value else "")
            return


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
    c.flow.annex_ref = c.flow.annex_ref or annex_ref(text)


def _flow_text(attribute):
    def handler(a, c, row, value):
        text = clean(value)
        setattr(c.flow, attribute, text)
        c.flow.annex_ref = c.flow.annex_ref or annex_ref(text)
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


_MASK = {ch: chr(0xE000 + i) for i, ch in enumerate("、,・ ")}
_UNMASK = {v: k for k, v in _MASK.items()}


def _mask_parentheses(text: str) -> str:
    """Separators inside (…) masked, so that "宛名システム(住基、税)" stays one name."""
    depth, out = 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        out.append(_MASK.get(ch, ch) if depth else ch)
    return "".join(out)


def split_listed_names(value: str, separators: str = "、,") -> list[str]:
    """Names listed in one cell: one per line (<br>, </p>, </li>, a tab) or per enumerator
    (①, (1), 1., 1)), or separated by one of ``separators`` or by two spaces or more, never
    inside parentheses."""
    # lines and runs of two spaces or more are split before clean() collapses the spaces
    lines = re.split(r"<br\s*/?>|</(?:p|li|div)>|\n|\t|[\u2460-\u2473]|(?:[ \u3000\xa0]|&nbsp;){2,}", value, flags=re.I)
    splitter = re.compile(rf"[{re.escape(separators)}]|(?:^|\s)(?:\d+\s*[.)]|\(\s*\d+\s*\))\s*")
    numbered = (re.sub(r"\(\s*(\d+)\s*\)", r"(\1)", clean(line)) for line in lines)  # "( 1 )" is numbering
    names = (name for line in numbered for name in splitter.split(_mask_parentheses(line)))
    return [name.translate(str.maketrans(_UNMASK)).strip() for name in names if name and name.strip()]


# The end of a system's name ("…システム", "…サーバー", "…基盤"): "A・B" lists two systems only
# when both parts end so; "中間サーバー・プラットフォーム" is one system.
_SYSTEM_NAME_END = re.compile(r"(?:システム|サーバー?|基盤|端末|ネットワーク|データベース|DB)(?:\([^()]*\))?$")


def listed_system_names(value: str) -> list[str]:
    """The systems listed in one cell (基礎項目評価書 I 1. ③): split as `split_listed_names`, and
    on ・ where every part is itself a system's name."""
    names = []
    for name in split_listed_names(value):
        parts = [part.strip() for part in _mask_parentheses(name).split("・")]
        if len(parts) > 1 and all(_SYSTEM_NAME_END.search(part) for part in parts):
            names.extend(part.translate(str.maketrans(_UNMASK)) for part in parts)
        else:
            names.append(name)
    return names


def listed_files(a, c, row, value):
    """基礎項目評価書 I.2 特定個人情報ファイル名: name-only files (the form has no II overview of them).

    Names are split on lines, enumerators and 、 / , only: a ・ can be part of a file's name."""
    for name in split_listed_names(value):
        name = file_name(name)
        if name:
            new_file(a, c, row.line)
            c.file.name = name
    c.file = None  # nothing else in the form belongs to these files


def _listed_systems(a, c, row, value):
    """基礎項目評価書 I.1 ③システムの名称: the systems as a list in one cell (no ③接続 item)."""
    if a.systems is None:
        a.systems = []
    for name in listed_system_names(value):
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


def _storage(c: Context, row: Row) -> Storage:
    if c.file.storage is None:
        c.file.storage = Storage(line=row.line)
    return c.file.storage


def _storage_place(a, c, row, value):
    storage = _storage(c, row)
    storage.place, storage.place_line = clean(value), storage.place_line or row.line


def retention_period(value: str) -> str:
    """②保管期間 期間: the chosen option of the form, else the text as written (legend dropped)."""
    chosen = opt.single_choice(value, RETENTION_PERIODS) or opt.bracket_value(value)
    if chosen is not None:
        return chosen
    return clean(value.split("<選択肢>")[0])


def _retention(a, c, row, value):
    """②保管期間: 期間 and その妥当性 as sub-labels on this row (flattened) or on the next rows;
    without a 期間 label the value after 保管期間 is the period."""
    storage = _storage(c, row)
    labels = [label_of(text) for text in row.texts]
    if "期間" not in labels and not any(label.startswith("その妥当性") for label in labels):
        if value:
            storage.period, storage.period_line = retention_period(value), row.line
        return
    for index, label in enumerate(labels):
        if label == "期間":
            _retention_choice(a, c, row, _value(row, index))
        elif label.startswith("その妥当性"):
            _retention_rationale(a, c, row, _value(row, index))


def _value(row: Row, index: int) -> str:
    value = row.value_after(index)
    if value is None or label_of(row.texts[value[1]]).startswith(("その妥当性", "期間")):
        return ""  # blank: the next cell is the next sub-label
    return value[0]


def _retention_choice(a, c, row, value):
    storage = _storage(c, row)
    storage.period, storage.period_line = retention_period(value), row.line


def _retention_rationale(a, c, row, value):
    storage = _storage(c, row)
    storage.rationale = clean(value)
    storage.period_line = storage.period_line or row.line


def _erasure(a, c, row, value):
    storage = _storage(c, row)
    storage.erasure, storage.erasure_line = clean(value), storage.erasure_line or row.line


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
    "storage": ((re.compile(r"^保管場所"), _storage_place), (re.compile(r"^保管期間"), _retention),
                (re.compile(r"^期間$"), _retention_choice), (re.compile(r"^その妥当性"), _retention_rationale),
                (re.compile(r"^消去方法"), _erasure)),
}

# Option fields whose choices may go on over rows with an empty label cell.
_OPTION_FIELDS = (_file_sources, _file_acquisition, _system_connections, _flow_methods)
# Fields whose value may go on over rows with an empty label cell: those options, and the texts of
# II 6. (a label alone on its row, its text on the next rows; the field's line stays the label's).
_CONTINUED_FIELDS = _OPTION_FIELDS + (_storage_place, _retention_rationale, _erasure)
