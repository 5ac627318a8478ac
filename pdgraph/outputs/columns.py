"""Column headings for people: every variable of the query catalogue (and of the analysis and
ROPA tables) with a Japanese and an English label, written ``日本語 / English`` in CSV, TSV and
Excel output (docs/outputs.md lists them).

A query outside the catalogue names its own columns in its header
(``# column: recipient 提供先 / recipient``, `pdgraph.query.catalogue`); a variable with no
label anywhere keeps its name. ``DATE_COLUMNS`` are written as dates in a workbook when the
value is a full ISO date (``2020-04-01``; a ``2016-06`` stays text).
"""
from __future__ import annotations

from collections.abc import Mapping

COLUMNS: dict[str, tuple[str, str]] = {
    # who and which document
    "organization": ("評価実施機関", "assessing body"),
    "organizations": ("評価実施機関", "assessing bodies"),
    "body": ("評価実施機関", "assessing body"),
    "holder": ("保有者", "holder"),
    "number": ("評価書番号", "assessment no."),
    "affair": ("事務", "processing activity"),
    "department": ("担当部署", "department"),
    "kindOfAssessment": ("評価書の種類", "kind of assessment"),
    "document": ("評価書ファイル", "document"),
    "line": ("行", "line"),
    "place": ("記載箇所", "document:line"),
    "flow": ("流れのIRI", "flow IRI"),
    "entrustment": ("委託のIRI", "entrustment IRI"),
    # files and flows
    "file": ("特定個人情報ファイル", "personal information file"),
    "fileSubjects": ("本人の数(ファイル)", "data subjects (file)"),
    "retention": ("保管期間", "retention"),
    "erasure": ("消去方法", "erasure method"),
    "direction": ("区分", "direction"),
    "counterpart": ("相手方", "counterpart"),
    "recipient": ("提供先・移転先", "recipient"),
    "recipientType": ("提供先の種類", "recipient type"),
    "source": ("入手元", "source"),
    "sourceKind": ("入手元の区分", "source category"),
    "category": ("入手元の区分", "source category"),
    "contractor": ("委託先", "contractor"),
    "reentrustment": ("再委託", "re-entrustment"),
    "reentrustedTasks": ("再委託事項", "re-entrusted tasks"),
    "title": ("委託事項", "entrusted task"),
    "task": ("委託事項", "entrusted task"),
    "via": ("経由", "via"),
    "target": ("到達先", "reached"),
    "targetType": ("到達先の種類", "reached type"),
    "continues": ("先へ続く", "continues"),
    "citations": ("法令上の根拠", "legal basis"),
    "citation": ("法令上の根拠", "legal basis"),
    "basis": ("根拠の状態", "basis status"),
    "basisText": ("根拠の記載", "basis as written"),
    "match": ("一致", "match"),
    "methods": ("方法", "methods"),
    "method": ("方法", "method"),
    "methodsOther": ("方法(その他)", "other methods"),
    "risk": ("リスク順位", "risk rank"),
    "purpose": ("用途", "purpose"),
    "timing": ("時期・頻度", "timing"),
    "subjects": ("本人の数", "data subjects"),
    "rank": ("本人の数の順位", "size rank"),
    "annex": ("別紙", "annex"),
    "aggregate": ("別紙への集約", "aggregate entry"),
    "role": ("役割", "role"),
    "row": ("別表の項", "table row"),
    "kind": ("種類", "kind"),
    "value": ("値", "value"),
    "system": ("システム", "system"),
    "systemKind": ("システムの種類", "system kind"),
    "checkbox": ("チェック欄", "checkbox"),
    "named": ("その他欄の記載", "named in その他"),
    # changes
    "date": ("変更日", "date"),
    "item": ("変更項目", "item"),
    "before": ("変更前", "before"),
    "after": ("変更後", "after"),
    # counts
    "assessments": ("評価書数", "assessments"),
    "bodies": ("機関数", "bodies"),
    "files": ("ファイル数", "files"),
    "flows": ("流れの数", "flows"),
    "acquisitions": ("入手", "acquisitions"),
    "provisions": ("提供", "provisions"),
    "transfers": ("移転", "transfers"),
    "entrustments": ("委託", "entrustments"),
    "reentrustments": ("再委託", "re-entrustments"),
    "annexRows": ("別紙の行", "annex rows"),
    "citedProvisions": ("引用された条項", "cited provisions"),
    "systems": ("システム数", "systems"),
    "contractors": ("委託先数", "contractors"),
    "recipients": ("提供先数", "recipients"),
    "changes": ("変更箇所", "changes"),
    # network analysis (pdgraph analyze)
    "label": ("名称", "name"),
    "degree": ("次数", "degree"),
    "in_degree": ("入次数", "in-degree"),
    "out_degree": ("出次数", "out-degree"),
    "betweenness": ("媒介中心性", "betweenness"),
    "subcontracting": ("再委託する委託", "re-entrusting"),
    "reentrusting": ("再委託する委託事項", "re-entrusting items"),
    "hops": ("ホップ数", "hops"),
    "start": ("起点", "from"),
    # validation (pdgraph report)
    "violations": ("違反", "violations"),
    "warnings": ("警告", "warnings"),
    "infos": ("情報", "infos"),
    "band": ("本人の数", "data subjects"),
    "share": ("割合", "share"),
}

DATE_COLUMNS = frozenset({"date"})


def heading(name: str, labels: Mapping[str, str] | None = None) -> str:
    """The heading of a column: the query's own label, else ``日本語 / English``, else the name."""
    if labels and name in labels:
        return labels[name]
    if name in COLUMNS:
        ja, en = COLUMNS[name]
        return f"{ja} / {en}"
    return name
