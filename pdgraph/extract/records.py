"""Typed records of one assessment, as extracted from the form; each carries its source line.

Every ``line`` / ``*_line`` field is the line of the text as read (`pdgraph.form.rows.Row.line`),
passed on as it came: a `pdgraph.read.text.Line`, which also carries the place a reader finds it
in the file when that is more than the line (``p12:L7`` in a PDF, ``L3:c1201`` in a text of
page-long lines). The graph writes both (pdg:sourceLine, pdg:sourcePlace).

Convention for absent vs blank: ``None`` means the section is not in the
document (lost pages are common); ``""`` / ``[]`` mean present but blank.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..law.atoms import Atom
from ..law.dates import DateValue


@dataclass
class BasisStatement:
    """A legal-basis text (法令上の根拠) and the citations parsed from it."""

    raw: str
    line: int
    atoms: list[Atom] = field(default_factory=list)


@dataclass
class Linkage:
    """情報提供ネットワークシステムによる情報連携: status and the 提供 / 照会 bases."""

    status: str | None
    status_line: int
    basis: BasisStatement | None = None
    provision_atoms: list[Atom] | None = None  # 情報提供の根拠 (this body gives data)
    inquiry_atoms: list[Atom] | None = None  # 情報照会の根拠 (this body asks for data)


@dataclass
class System:
    """A system used by the affair (システムk)."""

    index: int
    line: int
    name: str | None = None
    raw_name: str | None = None
    kind: str | None = None
    connections: list[str] | None = None
    other_connections: list[str] | None = None


@dataclass
class Source:
    """入手元: a selected source category and the entities named for it."""

    category: str
    entities: list[str]
    line: int


@dataclass
class EntrustmentItem:
    """委託事項k: one entrusted task, its contractor (委託先) and 再委託."""

    index: int
    line: int
    title: str = ""
    description: str = ""
    contractor: str | None = None
    contractor_line: int | None = None
    reentrustment: str | None = None  # 再委託する | 再委託しない | None
    reentrustment_line: int | None = None
    permission_method: str | None = None  # ⑤再委託の許諾方法
    permission_line: int | None = None
    reentrusted_tasks: str | None = None  # ⑥再委託事項

    def is_blank(self) -> bool:
        return not (self.title or self.description or self.contractor or self.reentrustment
                    or self.permission_method or self.reentrusted_tasks)


@dataclass
class Entrustment:
    """4. 特定個人情報ファイルの取扱いの委託."""

    line: int
    status: str | None = None
    declared_count: int | None = None
    items: list[EntrustmentItem] = field(default_factory=list)


@dataclass
class ProvisionTransfer:
    """5. 提供・移転の有無 with the declared counts."""

    line: int | None = None
    provides: bool | None = None
    provision_count: int | None = None
    transfers: bool | None = None
    transfer_count: int | None = None


@dataclass
class Flow:
    """A 提供先k / 移転先k entry, or one row of an annex (別紙) enumerating real recipients."""

    direction: str  # "provision" (提供) | "transfer" (移転)
    index: int
    line: int
    recipient: str | None = None
    basis: BasisStatement | None = None
    purpose: str | None = None
    information: str | None = None
    subjects: str | None = None
    scope: str | None = None
    methods: list[str] | None = None
    methods_other: list[str] | None = None
    timing: str | None = None
    annex_ref: str | None = None  # "別紙1" when the entry points to an annex table
    breakdown: list["Flow"] = field(default_factory=list)
    annex_row: bool = False

    def is_blank(self) -> bool:
        return not (self.recipient or (self.basis and self.basis.raw) or self.purpose or self.information
                    or self.subjects or self.scope or self.methods or self.methods_other or self.timing)


@dataclass
class DataFile:
    """A 特定個人情報ファイル (section II)."""

    index: int
    line: int
    name: str | None = None
    subjects: str | None = None
    subjects_line: int | None = None
    record_count: str | None = None
    holding_start: DateValue | None = None
    holding_start_raw: str | None = None
    holding_start_line: int | None = None
    sources: list[Source] | None = None
    sources_line: int | None = None
    acquisition_methods: list[str] | None = None
    acquisition_methods_other: list[str] | None = None
    acquisition_line: int | None = None
    entrustment: Entrustment | None = None
    provision_transfer: ProvisionTransfer = field(default_factory=ProvisionTransfer)
    provisions: list[Flow] | None = None
    transfers: list[Flow] | None = None
    record_items: list[str] | None = None
    record_items_line: int | None = None
    storage: Storage | None = None


@dataclass
class Storage:
    """6. 特定個人情報の保管・消去 of a file: ①保管場所, ②保管期間 (期間 and その妥当性), ③消去方法.

    The 重点項目評価書 asks only for 保管場所; the 全項目評価書 asks for all three. ``None``: the
    field is not in the document (or not in its form)."""

    line: int
    place: str | None = None  # ①保管場所
    place_line: int | None = None
    period: str | None = None  # ②保管期間 期間: the chosen option (or the text as written)
    rationale: str | None = None  # ②保管期間 その妥当性
    period_line: int | None = None
    erasure: str | None = None  # ③消去方法
    erasure_line: int | None = None


@dataclass
class Change:
    """(別添) 変更箇所: one row."""

    line: int
    date: DateValue | None
    date_raw: str
    item: str
    before: str
    after: str
    timing: str
    explanation: str = ""


@dataclass
class Annex:
    """An annex table (別紙k / 別添k) enumerating recipients."""

    label: str  # "別紙1"
    title: str
    line: int
    header: list[str] = field(default_factory=list)
    rows: list[Flow] = field(default_factory=list)
    basis: BasisStatement | None = None  # citations in the annex title


@dataclass
class Assessment:
    """Everything pdgraph reads from one 特定個人情報保護評価書."""

    source: str
    text_sha256: str
    kind: str | None = None
    kind_line: int | None = None
    form_version: str | None = None  # the 様式 stamp, e.g. "平成26年4月 様式3" (never the 公表日)
    form_version_line: int | None = None
    number: str | None = None
    title: str | None = None
    header_line: int | None = None
    organization: str | None = None
    organization_line: int | None = None
    published: DateValue | None = None
    published_raw: str | None = None
    published_line: int | None = None
    affair: str | None = None
    affair_line: int | None = None
    department: str | None = None
    department_line: int | None = None
    systems: list[System] | None = None
    number_use: BasisStatement | None = None
    linkage: Linkage | None = None
    files: list[DataFile] = field(default_factory=list)
    changes: list[Change] | None = None
    annexes: list[Annex] = field(default_factory=list)
    sections_seen: set[str] = field(default_factory=set)
