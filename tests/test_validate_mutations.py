"""Mutation tests on the seeds: change one line of a real assessment, get exactly the expected finding at that line.

The unmutated seed is validated too; the mutation must ADD exactly the
expected findings and remove none (so a fault elsewhere cannot hide behind an
existing finding, and a mutation cannot silently fix something).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from pdgraph.conformance import validate_paths

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@dataclass(frozen=True)
class Mutation:
    id: str
    seed: str  # file-name prefix in examples/
    line: int  # the one line changed (1-based)
    old: str  # text of that line to replace (every occurrence in the line)
    new: str
    expect: tuple[tuple[str, str, int], ...]  # (shape, severity, line) findings added


MUTATIONS = (
    Mutation("nerima-transfer1-basis-blank", "003", 167,
             "番号法第9条第2項、「練馬区行政手続における特定の個人を識別するための番号の利用等に関する法律に基づく"
             "個人番号の利用および特定個人情報の提供に関する条例」第4条第1項から第3項", "",
             (("FlowLegalBasisShape", "Violation", 167),)),
    Mutation("nerima-item1-reentrusted-without-permission", "003", 105, "[ 再委託しない ]", "[ 再委託する ]",
             (("ReentrustmentPermissionShape", "Violation", 105),)),
    Mutation("nerima-network-provision-article-20", "003", 159, "番号法第19条第7号別表第二", "番号法第20条別表第二",
             (("NetworkFlowArticle19Shape", "Violation", 159),)),
    Mutation("oita-network-provision-article-9", "002", 126, "番号法第19条第7号", "番号法第9条第1項",
             (("NetworkFlowArticle19Shape", "Violation", 126),)),
    Mutation("aichi-item2-permission-blank", "001", 141,
             "委託先の支払基金から再委託先の商号又は名称、住所、再委託する理由、再委託する業務及び取り扱う特定個人情報の範囲、"
             "再委託先に係る業務の履行能力、再委託先への立入調査に係る要件、その他当組合が求める情報について記載した書面による"
             "再委託申請及び再委託に係る履行体制図(委託先による再委託先に対する監督体制を含む。)の提出を受け、支払基金と再委託先が"
             "秘密保持に関する契約を締結していること等、再委託先における安全管理措置を確認し、決裁等必要な手続を経た上で、"
             "再委託を許諾する。(再委託先が更に再委託する場合も同様とする。)", "",
             (("ReentrustmentPermissionShape", "Violation", 140),)),
    Mutation("oita-full-form-permission-blank", "002", 114,
             "業務委託契約後に、再委託の許可について届出を提出させ、業務の範囲を指定して許可する。", "",
             (("ReentrustmentPermissionShape", "Violation", 113),)),
    Mutation("aichi-item1-reentrusted-without-permission", "001", 132, "[ 再委託しない ]", "[ 再委託する ]",
             (("ReentrustmentPermissionShape", "Violation", 132),)),
    Mutation("aichi-network-provision-article-20", "001", 171, "番号法第19条第7号", "番号法第20条",
             (("NetworkFlowArticle19Shape", "Violation", 171),)),
    Mutation("nerima-annex1-row-hyphen", "003", 194, "\t56の2\t", "\t56-2\t",
             (("TableRowIdentifierShape", "Violation", 194),)),
    Mutation("matsudo-transfer2-basis-blank", "000", 100, "住民基本台帳法第7条", "",
             (("FlowLegalBasisShape", "Violation", 100),)),
    Mutation("oita-linkage-article-20", "002", 48, "番号法第19条第7号", "番号法第20条",
             (("LinkageArticle19Shape", "Violation", 48), ("LinkageArticle19Shape", "Violation", 48))),
    Mutation("aichi-linkage-item-6", "001", 82, "第19条第7号", "第19条第6号",
             (("LinkageArticle19Shape", "Violation", 82), ("LinkageArticle19Shape", "Violation", 82))),
    Mutation("nerima-number-use-article-10", "003", 50, "第9条第1項", "第10条第1項",
             (("NumberUseArticle9Shape", "Violation", 50),)),
    Mutation("nerima-number-use-without-table-row", "003", 50, "別表第1 項番68", "",
             (("NumberUseArticle9Shape", "Violation", 50),)),
    # no false positives: the aggregate entry states its own basis, annex rows inherit it
    Mutation("nerima-annex1-title-without-article", "003", 179, "番号法第19条第7号別表第二に定める事務",
             "別表第二に定める事務", ()),
    Mutation("nerima-annex2-title-without-basis", "003", 206, "番号法第9条第2項、", "", ()),
    # the 2024 wording: the ordinance under 第19条第8号 (successor of 別表第二) implies 第19条第8号
    Mutation("oita-network-provision-2024-ordinance", "002", 126, "番号法第19条第7号及び別表第2の",
             "番号法第19条第8号に基づく主務省令第2条の表", ()),
    Mutation("oita-linkage-2024-ordinance", "002", 48, "番号法第19条第7号及び別表第2の",
             "番号法第19条第8号に基づく主務省令第2条の表", ()),
)


def seed_path(prefix: str) -> Path:
    (path,) = EXAMPLES.glob(f"{prefix}_*.txt")
    return path


def mutated_text(mutation: Mutation) -> str:
    lines = seed_path(mutation.seed).read_text(encoding="utf-8").split("\n")
    target = lines[mutation.line - 1]
    assert mutation.old in target, f"{mutation.id}: {mutation.old!r} is not on line {mutation.line}"
    lines[mutation.line - 1] = target.replace(mutation.old, mutation.new)
    return "\n".join(lines)


def write_mutation(mutation: Mutation, directory: Path) -> Path:
    path = directory / f"{mutation.id}.txt"
    path.write_text(mutated_text(mutation), encoding="utf-8")
    return path


def finding_keys(report) -> list[tuple]:
    return sorted((f.shape_name, f.severity.value, f.source.line, f.focus, str(f.value)) for f in report.findings)


@pytest.fixture(scope="module")
def seed_findings():
    cache = {}

    def get(prefix: str):
        if prefix not in cache:
            cache[prefix] = finding_keys(validate_paths([seed_path(prefix)], jobs=1))
        return cache[prefix]

    return get


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.id for m in MUTATIONS])
def test_mutation_gives_exactly_the_expected_finding(mutation: Mutation, seed_findings, tmp_path):
    before = seed_findings(mutation.seed)
    report = validate_paths([write_mutation(mutation, tmp_path)], jobs=1)
    assert not report.problems
    after = finding_keys(report)
    added = list(after)
    for key in before:
        assert key in added, f"the mutation removed a finding: {key}"
        added.remove(key)
    assert sorted((k[0], k[1], k[2]) for k in added) == sorted(mutation.expect)
    for finding in report.findings:
        if (finding.shape_name, finding.severity.value, finding.source.line) in mutation.expect:
            assert finding.source.document == f"{mutation.id}.txt"
            assert finding.message_ja and finding.message_en


def test_seeds_have_no_violation(seed_paths):
    report = validate_paths(seed_paths)
    assert len(report.results) == 4
    assert report.conforms
    assert report.counts()["Violation"] == 0
