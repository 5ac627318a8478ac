"""What the parts of the extractor share: the form's option vocabularies, the reading context
(`Context`: the section, sub-section and block being read) and small helpers on it.

`machine` (the pass over the rows), `fields` (the field handlers) and `annexes` (the annex
tables) all read and write one `Context`; this module imports none of them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .records import Annex, Assessment, DataFile, EntrustmentItem, Flow, System
from ..textnorm import tidy

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
# ②保管期間 期間 (全項目評価書).
RETENTION_PERIODS = ["1年未満", "1年", "2年", "3年", "4年", "5年", "6年以上10年未満", "10年以上20年未満", "20年以上",
                     "定められていない"]
ASSESSMENT_KINDS = ("基礎項目評価書", "重点項目評価書", "全項目評価書")

_ANNEX_REF = re.compile(r"(別紙|別添)\s*(\d*)")
_LABEL_PREFIX = re.compile(r"^(?:\(\d+\)|\d+\)?|\s)*")


def label_of(text: str) -> str:
    """A cell as a form label: circled/ASCII numbering, ※ marks and spaces removed."""
    return re.sub(r"[\s※]", "", _LABEL_PREFIX.sub("", text))


@dataclass
class Context:
    """Where the pass over the rows is: section, sub-section, open block and pending label."""

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
    last_field: tuple | None = None  # (handler, raw value) of the last field read that may go on
    seen: set[str] = field(default_factory=set)
    basic_form: bool = False  # the form is the 基礎項目評価書 (様式2): by its heading, stamp or sections

    def close_blocks(self) -> None:
        self.system = self.item = self.flow = None


def file_name(text: str) -> str:
    """A 特定個人情報ファイル名 without its "(1) " numbering or a trailing "※…" remark."""
    return re.sub(r"\s*※.*$", "", re.sub(r"^\s*\(\s*\d+\s*\)\s*", "", tidy(text))).strip()


def new_file(a: Assessment, c: Context, line: int) -> None:
    c.file_counter += 1
    c.file = DataFile(index=c.file_counter, line=line)
    a.files.append(c.file)


def current_file(a: Assessment, c: Context, line: int) -> DataFile:
    if c.file is None:
        new_file(a, c, line)
    return c.file


def annex_ref(text: str) -> str | None:
    """The annex a text points to ("別紙2のとおり" -> "別紙2"), or None."""
    match = _ANNEX_REF.search(text)
    return f"{match.group(1)}{match.group(2)}" if match else None
