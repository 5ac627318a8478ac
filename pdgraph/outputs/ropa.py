"""The record of processing activities (ROPA, 処理活動の記録) of a corpus of assessments.

The rows are the answer of the catalogue query ``ropa`` (queries/ropa.rq): one row per real
flow of every file — 入手, 提供, 移転, 委託, 再委託 — with the body, 事務, 特定個人情報ファイル,
本人の数, 保管期間 and 消去方法 (where the form states them), counterpart in the column its
direction names, legal-basis citations written out, method, purpose and document:line. This module only shapes them:

- `ropa_tables`: an overview table (one row per assessment: its files and flows by direction)
  followed by one table per assessment (its rows, in the query's order) — the sheets of the
  workbook;
- `ropa_table`: every row in one table (the CSV: the body is a column).

Columns: docs/outputs.md.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..graph.stores import QueryStore
from ..query.catalogue import find_query, run_query
from .tables import Table, Value, table_from_solutions

QUERY = "ropa"
DIRECTIONS = (("入手", "acquisitions"), ("提供", "provisions"), ("移転", "transfers"), ("委託", "entrustments"),
              ("再委託", "reentrustments"))
OVERVIEW_COLUMNS = ["organization", "number", "affair", "department", "document", "files", "flows",
                    *(name for _, name in DIRECTIONS), "recipients", "contractors"]
OVERVIEW_TITLE = "概要 overview"


@dataclass(frozen=True)
class AssessmentKey:
    """The assessment a row belongs to: its document (unique in a corpus), body and number."""

    document: str
    organization: str
    number: str

    def title(self) -> str:
        return " ".join(part for part in (self.organization, self.number) if part) or self.document


def ropa_table(store: QueryStore) -> Table:
    """Every row of the record of processing activities (the ``ropa`` query's answer) in one table."""
    query = find_query(QUERY)
    return table_from_solutions(run_query(query, store), "ROPA", query.headings())


def _key(record: dict[str, Value]) -> AssessmentKey:
    return AssessmentKey(str(record["document"] or ""), str(record["organization"] or ""),
                         str(record["number"] or ""))


def split_by_assessment(table: Table) -> dict[AssessmentKey, Table]:
    """The rows of each assessment, in the order of the whole table (assessments by body, number)."""
    parts: dict[AssessmentKey, Table] = {}
    for row, record in zip(table.rows, table.records()):
        key = _key(record)
        if key not in parts:
            parts[key] = Table(key.title(), table.columns, [], table.headings)
        parts[key].rows.append(row)
    return parts


def overview(parts: dict[AssessmentKey, Table]) -> Table:
    """One row per assessment: files, flows by direction, distinct recipients and contractors."""
    rows = []
    for key, part in parts.items():
        records = part.records()
        first = records[0]
        directions = Counter(str(r["direction"]) for r in records)
        recipients = {str(r["recipient"]) for r in records if r["recipient"]}
        contractors = {str(r["contractor"]) for r in records if r["contractor"] and r["direction"] == "委託"}
        rows.append([key.organization, key.number, first["affair"], first["department"], key.document,
                     len({r["file"] for r in records}), len(records),
                     *(directions.get(direction, 0) for direction, _ in DIRECTIONS),
                     len(recipients), len(contractors)])
    return Table(OVERVIEW_TITLE, OVERVIEW_COLUMNS, rows)


def sheets(table: Table) -> list[Table]:
    """The overview, then one table per assessment, of the whole table (`ropa_table`)."""
    parts = split_by_assessment(table)
    return [overview(parts), *parts.values()]


def ropa_tables(store: QueryStore) -> list[Table]:
    """The overview table, then one table per assessment (the sheets of ``ropa.xlsx``)."""
    return sheets(ropa_table(store))
