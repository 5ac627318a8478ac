"""Legal-basis citations (法令上の根拠): golden cells from the seeds, hand cases, properties."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pdgraph.law.atoms import Atom, canonical_law
from pdgraph.law.citations import has_citation_text, parse_citations, parse_linkage
from pdgraph.law.numerals import to_kanji

FIXTURES = Path(__file__).parent / "fixtures" / "citations"
# The seeds are bundled as examples/; ../shared/seeds is the original location.
SEED_DIRS = (Path(__file__).resolve().parents[1] / "examples",
             Path(__file__).resolve().parents[2] / "shared" / "seeds")

B, T1, T2 = "番号法", "番号法別表第一省令", "番号法別表第二省令"
KOUKAKU = "高齢者の医療の確保に関する法律"
NERIMA = ("練馬区行政手続における特定の個人を識別するための番号の利用等に関する法律に基づく"
          "個人番号の利用および特定個人情報の提供に関する条例")


def A(law: str, article: str | None = None, paragraph: str | None = None, item: str | None = None) -> Atom:
    """An article atom (or a law-only atom when article is None)."""
    return Atom(law, article, paragraph, item)


def R(table: str, rows: str | None, law: str = B) -> list[Atom]:
    """Table atoms for space-separated rows (None: one row-null atom)."""
    if rows is None:
        return [Atom(law, table=table, row=None)]
    return [Atom(law, table=table, row=row) for row in rows.split()]


def fixture(name: str) -> str:
    return (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")


def assert_atoms(got: list[Atom], expected: list[Atom]) -> None:
    """Same set of atoms, and no duplicates in the output."""
    assert len(got) == len(set(got))
    assert set(got) == set(expected), (sorted(map(str, set(got) - set(expected))),
                                       sorted(map(str, set(expected) - set(got))))


# --------------------------------------------------------------------------- golden cells
# Each fixture is the verbatim cell text of the seed line named in SOURCES; the
# expected atoms are those of ../shared/gold/*.yaml for that field.

SOURCES = {
    "000_number_use": ("000_47fd13a79d78c58a", 54),
    "000_linkage": ("000_47fd13a79d78c58a", 57),
    "000_transfer1": ("000_47fd13a79d78c58a", 91),
    "000_transfer2": ("000_47fd13a79d78c58a", 100),
    "001_number_use": ("001_cd2fea1f4c88a1a3", 74),
    "001_linkage": ("001_cd2fea1f4c88a1a3", 82),
    "001_provision1": ("001_cd2fea1f4c88a1a3", 171),
    "002_number_use": ("002_88469595c8747105", 45),
    "002_linkage": ("002_88469595c8747105", 48),
    "002_provision1": ("002_88469595c8747105", 126),
    "003_number_use": ("003_f2d2f4201ce28b38", 50),
    "003_linkage": ("003_f2d2f4201ce28b38", 53),
    "003_provision1": ("003_f2d2f4201ce28b38", 159),
    "003_transfer1": ("003_f2d2f4201ce28b38", 167),
}

GOLD_CITATIONS = {
    "000_number_use": [A(B, "9", "1"), *R("別表第一", "59"), A(T1, "46")],
    "000_transfer1": [A(KOUKAKU, "48"), A(KOUKAKU, "54", "1"), A(KOUKAKU, "54", "10"), A(KOUKAKU, "138")],
    "000_transfer2": [A("住民基本台帳法", "7")],
    "001_number_use": [A(B, "9", "1"), *R("別表第一", "2"), A(T1, "2"), A("住民基本台帳法", "30の9")],
    "001_provision1": [A(B, "19", None, "7"), *R("別表第二", "*")],
    "002_number_use": [A(B, "9", "1"), *R("別表第一", "10 93の2"), A(T1, "10"), A(T1, "67の2")],
    "002_provision1": [A(B, "19", None, "7"), *R("別表第二", "16の2 16の3 115の2")],
    "003_number_use": [A(B, "9", "1"), *R("別表第一", "68"),
                       *[A(T1, "50", "1", str(n)) for n in range(1, 15)], A(T1, "50", "2")],
    "003_provision1": [A(B, "19", None, "7"), *R("別表第二", None)],
    "003_transfer1": [A(B, "9", "2"), *[A(NERIMA, "4", str(n)) for n in (1, 2, 3)]],
}

_001_ENTRUST = [A("健康保険法", "205の4", "1"), A("健康保険法", "205の4", "2")]
_001_PROVISION_ARTICLES = ("1 2 3 4 5 8 10の2 11の2 12の3 15 19 20 22の2 24の2 25 25の2 31の2 33 41の2 "
                           "43 44 46 49 53 55の2 59の3").split()
GOLD_LINKAGE = {
    "000_linkage": ([], [A(B, "19", None, "7"), *R("別表第二", "82"), A(T2)]),
    "001_linkage": (
        [A(B, "19", None, "7"),
         *R("別表第二", "1 2 3 4 5 9 12 15 17 22 26 27 33 39 42 43 58 62 78 80 87 93 97 106 109 120"),
         *[A(T2, article) for article in _001_PROVISION_ARTICLES], *_001_ENTRUST],
        [A(B, "19", None, "7"), *R("別表第二", "3"), A(T2, "3"), *_001_ENTRUST]),
    "002_linkage": (
        [A(B, "19", None, "7"), *R("別表第二", "16の2 115の2")],
        [A(B, "19", None, "7"), *R("別表第二", "16の2 16の3 17 18 19 115の2"), A(T2, "13"), A(T2, "59の2")]),
    "003_linkage": (
        [A(B, "19", None, "7"), *R("別表第二", None),
         *R("別表第二", "1 2 3 4 6 8 11 26 30 33 39 42 46 56の2 58 61 62 80 83 87 90 94 95 108")],
        [A(B, "19", None, "7"), *R("別表第二", None), *R("別表第二", "93 94")]),
}


def test_every_fixture_has_a_case():
    assert set(SOURCES) == set(GOLD_CITATIONS) | set(GOLD_LINKAGE)
    assert {path.stem for path in FIXTURES.glob("*.txt")} == set(SOURCES)


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_fixture_is_verbatim_seed_cell(name):
    doc, line = SOURCES[name]
    seed = next((d / f"{doc}.txt" for d in SEED_DIRS if (d / f"{doc}.txt").exists()), None)
    if seed is None:
        pytest.skip("seed documents not available")
    row = seed.read_text(encoding="utf-8").split("\n")[line - 1]
    label, _, cell = row.partition("\t")
    assert "法令上の根拠" in label
    assert cell.strip("\t \n") == fixture(name).strip("\n")


@pytest.mark.parametrize("name", sorted(GOLD_CITATIONS))
def test_gold_citations(name):
    assert_atoms(parse_citations(fixture(name)), GOLD_CITATIONS[name])


@pytest.mark.parametrize("name", sorted(GOLD_LINKAGE))
def test_gold_linkage(name):
    provision, inquiry = parse_linkage(fixture(name))
    expected_provision, expected_inquiry = GOLD_LINKAGE[name]
    assert_atoms(provision, expected_provision)
    assert_atoms(inquiry, expected_inquiry)


@pytest.mark.parametrize("name", sorted(GOLD_LINKAGE))
def test_linkage_is_a_split_of_all_citations(name):
    provision, inquiry = parse_linkage(fixture(name))
    assert set(provision) | set(inquiry) == set(parse_citations(fixture(name)))


def test_001_number_of_provision_rows_matches_declared_count():
    provision, _ = parse_linkage(fixture("001_linkage"))
    assert len([a for a in provision if a.table]) == 26
    assert len([a for a in provision if a.law == T2]) == 26


# --------------------------------------------------------------------------- Atom / canonical_law


def test_to_json_shapes():
    assert A(B, "9", "1").to_json() == {"law": B, "article": "9", "paragraph": "1", "item": None}
    assert Atom(B, table="別表第一", row="59").to_json() == {"law": B, "table": "別表第一", "row": "59"}
    assert A(T2).to_json() == {"law": T2, "article": None, "paragraph": None, "item": None}


@pytest.mark.parametrize(("name", "canonical"), [
    ("番号法", B),
    ("行政手続における特定の個人を識別するための番号の利用等に関する法律", B),
    ("番号利用法", B), ("マイナンバー法", B), ("「番号法」", B), ("・番号法", B), ("及び番号法", B),
    ("行政手続における特定の個人を識別するための番号の利用等に関する法律別表第一の主務省令で定める事務を定める命令", T1),
    ("別表第一省令", T1), ("番号法別表第1の主務省令で定める事務を定める命令", T1),
    ("番号法別表1の主務省令で定める事務を定める命令", T1),
    ("行政手続における特定の個人を識別するための番号の利用等に関する法律別表第二の主務省令で定める事務及び情報を定める命令", T2),
    ("番号法別表第2の主務省令で定める事務及び情報を定める命令", T2), ("別表第二省令", T2),
    ("住民基本台帳法", "住民基本台帳法"), ("住基法", "住民基本台帳法"),
    ("高確法", KOUKAKU), (KOUKAKU, KOUKAKU),
    ("健康保険法", "健康保険法"), ("介護保険法", "介護保険法"), ("予防接種法", "予防接種法"),
    ("国民年金法", "国民年金法"),
    (f"「{NERIMA}」", NERIMA),  # contains the 番号法 title but ends in 条例
    ("行政手続における特定の個人を識別するための  番号の利用等に関する法律", "行政手続における特定の個人を識別するための 番号の利用等に関する法律"),
])
def test_canonical_law(name, canonical):
    assert canonical_law(name) == canonical


def test_has_citation_text():
    assert has_citation_text("番号法第9条")
    assert has_citation_text("別表第二に定める")
    assert has_citation_text("条例で定める")
    assert has_citation_text("項番3")
    assert not has_citation_text("なし")
    assert not has_citation_text("")
    assert not has_citation_text(None)


# --------------------------------------------------------------------------- hand cases

HAND_CASES = [
    # articles, paragraphs, items
    ("番号法第9条第1項", [A(B, "9", "1")]),
    ("番号法第19条第7号", [A(B, "19", None, "7")]),
    ("番号法第十九条第七号", [A(B, "19", None, "7")]),
    ("番号法第１９条第７号", [A(B, "19", None, "7")]),
    ("住民基本台帳法 第30条の9", [A("住民基本台帳法", "30の9")]),
    ("住基法第三十条の九", [A("住民基本台帳法", "30の9")]),
    ("第1条、第2条", [A(B, "1"), A(B, "2")]),
    ("第54条第1項、第10項", [A(B, "54", "1"), A(B, "54", "10")]),
    ("健康保険法 第205条の4 第1項及び第2項", [A("健康保険法", "205の4", "1"), A("健康保険法", "205の4", "2")]),
    ("第4条第1項から第3項", [A(B, "4", str(n)) for n in (1, 2, 3)]),
    ("番号法第5条第1号～第3号", [A(B, "5", None, str(n)) for n in (1, 2, 3)]),
    ("番号法第5条第1号〜3号", [A(B, "5", None, str(n)) for n in (1, 2, 3)]),
    ("番号法第5条第1号~3", [A(B, "5", None, str(n)) for n in (1, 2, 3)]),
    ("番号法第5条第1号ないし第3号", [A(B, "5", None, str(n)) for n in (1, 2, 3)]),
    ("番号法第1条～第3条", [A(B, str(n)) for n in (1, 2, 3)]),
    ("番号法第50条第1項第1号～第3号、第2項",
     [A(B, "50", "1", "1"), A(B, "50", "1", "2"), A(B, "50", "1", "3"), A(B, "50", "2")]),
    ("番号法第13条及び59条の2", [A(B, "13"), A(B, "59の2")]),
    ("別表第一省令第13条及び59条の2", [A(T1, "13"), A(T1, "59の2")]),
    ("番号法第19条第7号、第9条", [A(B, "19", None, "7"), A(B, "9")]),
    ("第54条第1項 同条第3項", [A(B, "54", "1"), A(B, "54", "3")]),
    ("第3条の一部", [A(B, "3")]),
    # law inheritance and 同法
    ("第1条", [A(B, "1")]),
    ("住民基本台帳法第7条 第8条", [A("住民基本台帳法", "7"), A("住民基本台帳法", "8")]),
    ("高確法第48条、同法第54条", [A(KOUKAKU, "48"), A(KOUKAKU, "54")]),
    ("・高齢者の医療の確保に関する法律第48条", [A(KOUKAKU, "48")]),
    ("及び介護保険法第115条の45", [A("介護保険法", "115の45")]),
    ("健康保険法施行令第3条", [A("健康保険法施行令", "3")]),
    ("予防接種法(昭和23年法律第68号)第5条第1項", [A("予防接種法", "5", "1")]),
    ("番号法第9条第1項(利用範囲)", [A(B, "9", "1")]),
    ("行政手続における特定の個人を識別するための番号の利用等に関する法律(以下「番号法」という。)第9条第1項", [A(B, "9", "1")]),
    ("行政手続における特定の個人を識別するための番号の利用等に関する法律別表第一の主務省令で定める事務を定める命令"
     "(別表第一省令)(平成26年9月10日内閣府・総務省令第5号)第46条", [A(T1, "46")]),
    (f"「{NERIMA}」第4条第1項から第3項", [A(NERIMA, "4", str(n)) for n in (1, 2, 3)]),
    (f"{NERIMA}第4条", [A(NERIMA, "4")]),
    # an ordinance cited without an article is one law-only atom (quoted or named by its municipality)
    (f"{NERIMA}に基づき", [A(NERIMA)]),
    ("番号法第9条第2項及び「練馬区個人番号条例」", [A(B, "9", "2"), A("練馬区個人番号条例")]),
    ("番号法第9条第2項、練馬区個人番号の利用に関する条例", [A(B, "9", "2"), A("練馬区個人番号の利用に関する条例")]),
    ("番号法第9条第2項に基づき条例で定める移転先", [A(B, "9", "2")]),
    # the single 別表 of the act as renumbered in 2024; hyphenated branch rows
    ("番号法別表の24の項", [Atom(B, table="別表", row="24")]),
    ("番号法別表 項番24", [Atom(B, table="別表", row="24")]),
    ("別表第二の16-2の項", [Atom(B, table="別表第二", row="16の2")]),
    ("別表第二十四の項", []),
    # tables
    ("別表第一の59の項", R("別表第一", "59")),
    ("別表第1 項番68", R("別表第一", "68")),
    ("別表1の10の項及び93の2", R("別表第一", "10 93の2")),
    ("別表第2の16の2・16の3・17・18・19・115の2の項", R("別表第二", "16の2 16の3 17 18 19 115の2")),
    ("別表第2 項番1、2、3、 87、120", R("別表第二", "1 2 3 87 120")),
    ("別表第二の二十七の項", R("別表第二", "27")),
    ("別表第2の各項", R("別表第二", "*")),
    ("別表第2 項番1～3", R("別表第二", "1 2 3")),
    ("別表第二", R("別表第二", None)),
    ("番号法第19条第7号別表第二", [A(B, "19", None, "7"), *R("別表第二", None)]),
    ("番号法第19条第7号 別表第2の各項 (別紙1「特定個人情報の提供先一覧」を参照)", [A(B, "19", None, "7"), *R("別表第二", "*")]),
    ("別表第二第一欄が「市町村長」である項(82の項)", R("別表第二", "82")),
    ("別表第2 ・ 別表第2の第3欄(情報提供者)に含まれる項(1項, 2項, 56の2項)", R("別表第二", None) + R("別表第二", "1 2 56の2")),
    ("別表第2の第1欄が「市町村長」である項目(93項・94項)", R("別表第二", "93 94")),
    ("別表第2の項(1項～3項)", R("別表第二", "1 2 3")),
    ("番号法別表第二 第19条", [*R("別表第二", None), A(B, "19")]),
    ("別表第一省令第2条 別表第1 項番2", [A(T1, "2"), *R("別表第一", "2")]),
    # law-only atoms
    ("行政手続における特定の個人を識別するための番号の利用等に関する法律別表第二の主務省令で定める事務及び情報を定める命令"
     "(平成26年12月12日内閣府・総務省令第7号) 1に係る事項については未制定", [A(T2)]),
    ("別表第2の82の項 2行政手続における特定の個人を識別するための番号の利用等に関する法律別表第二の主務省令で定める事務及び情報を定める命令",
     [*R("別表第二", "82"), A(T2)]),
    ("番号法", [A(B)]),
    ("住基法 番号法第9条", [A("住民基本台帳法"), A(B, "9")]),
    # negatives
    ("府番第27号", []),
    ("平成27年2月13日府番第27号、総行住第14号", []),
    ("条例第80号", []),
    ("番号法第19条第7号 府番第27号", [A(B, "19", None, "7")]),
    ("「介護保険法第百三十六条第一項」が含まれる項", []),
    ("第二欄に「高齢者の医療の確保に関する法律」を含む項", []),
    ("「市町村長」", []),
    ("第3欄", []),
    ("第三者点検", []),
    ("第1項", []),
    ("当組合は、健康保険法の規定に基づき、支払基金に委託する。", []),
    ("条例で定める移転先", []),  # describes ordinances, cites none
    ("「一部事務組合又は広域連合と構成地方公共団体との間の特定個人情報の授受について(通知)」(平成27年2月13日府番第27号)の記の2", []),
    ("(1項, 2項)", []),  # rows with no table
    ("<選択肢> 1) 実施する 2) 実施しない", []),
    # stray brackets are plain text
    ("1万人< 番号法第9条 > x", [A(B, "9")]),
    ("【注 番号法第9条", [A(B, "9")]),
    ("", []),
    ("なし", []),
    # de-duplication
    ("番号法第48条、第54条第1項 番号法第48条、第54条第1項", [A(B, "48"), A(B, "54", "1")]),
    # 号 with a branch number; an ordinance named after the item it rests on (the 2024 successor
    # of 別表第二), one law as written, also when the document says 同号
    ("住民基本台帳法第7条第8号の2及び第9号", [A("住民基本台帳法", "7", None, "8の2"), A("住民基本台帳法", "7", None, "9")]),
    ("番号法第19条第8号に基づく主務省令第2条の表1の項", [A("番号法第19条第8号に基づく主務省令", "2")]),
    ("番号法第19条第8号及び同号に基づく主務省令第2条の表の12、13の項",
     [A(B, "19", None, "8"), A("番号法第19条第8号に基づく主務省令", "2")]),
    ("行政手続における特定の個人を識別するための番号の利用等に関する法律第19条第8号に基づく利用特定個人情報の提供に関する命令第2条",
     [A("行政手続における特定の個人を識別するための番号の利用等に関する法律第19条第8号に基づく利用特定個人情報の提供に関する命令", "2")]),
    ("番号法第19条第8号", [A(B, "19", None, "8")]),
    # 基礎項目評価書 cells: a numbered list of citations ("1.… 2.…", "1) …"), a 別表 row written
    # as 第N号, a 別表 named before its law
    ("1.番号法第9条第1項 別表第一の56の項 2.行政手続における特定の個人を識別するための番号の利用等に関する法律"
     "別表第一の主務省令で定める事務を定める命令第49条", [A(B, "9", "1"), *R("別表第一", "56"), A(T1, "49")]),
    ("1.行政手続における特定の個人を識別するための番号の利用等に関する法律(番号法)(平成25年5月31日法律第27号)"
     "・第9条第1項(利用範囲) 別表第一の56の項", [A(B, "9", "1"), *R("別表第一", "56")]),
    ("1) 番号法第9条第1項 別表第一の56の項 2) 番号法第9条第2項", [A(B, "9", "1"), *R("別表第一", "56"), A(B, "9", "2")]),
    ("番号法 第9条第1項 別表第一 項番8", [A(B, "9", "1"), *R("別表第一", "8")]),
    ("番号法第9条第1項 別表第一 第56号", [A(B, "9", "1"), *R("別表第一", "56")]),
    ("番号法第9条第1項別表第一第56号及び第57号", [A(B, "9", "1"), *R("別表第一", "56 57")]),
    ("別表第二の26の項及び番号法第19条第7号", [*R("別表第二", "26"), A(B, "19", None, "7")]),
]


@pytest.mark.parametrize(("text", "expected"), HAND_CASES, ids=[case[0][:40] for case in HAND_CASES])
def test_hand_cases(text, expected):
    assert_atoms(parse_citations(text), expected)


def test_order_of_first_appearance():
    atoms = parse_citations("別表第2の3の項 番号法第19条第7号 別表第2の3の項 第9条")
    assert atoms == [*R("別表第二", "3"), A(B, "19", None, "7"), A(B, "9")]


LINKAGE_CASES = [
    ("【情報提供の根拠】番号法第19条第8号 【情報照会の根拠】番号法第19条第7号",
     [A(B, "19", None, "8")], [A(B, "19", None, "7")]),
    ("(1) 情報提供の根拠 なし(情報提供は行わない。) (2) 情報照会の根拠 番号法第19条第7号",
     [], [A(B, "19", None, "7")]),
    ("番号法第19条第7号 (照会)別表第2 項番3 (提供)別表第2 項番1、2",
     [A(B, "19", None, "7"), *R("別表第二", "1 2")], [A(B, "19", None, "7"), *R("別表第二", "3")]),
    ("(提供)別表第二 (照会)別表第二の3の項", R("別表第二", None), R("別表第二", "3")),
    ("【情報照会の根拠】番号法第19条第7号 (委託の根拠)健康保険法第205条の4",
     [A("健康保険法", "205の4")], [A(B, "19", None, "7"), A("健康保険法", "205の4")]),
    ("別表第2の第3欄(情報提供者)の項(1項) 別表第2の第1欄(情報照会者)の項(93項)",
     R("別表第二", "1"), R("別表第二", "93")),
    # a 提供 inside a parenthetical title is not a label
    ("番号法第19条第7号(特定個人情報の提供の制限)及び別表第2",
     [A(B, "19", None, "7"), *R("別表第二", None)], [A(B, "19", None, "7"), *R("別表第二", None)]),
    ("番号法第30条の9(国の機関等への本人確認情報の提供)", [A(B, "30の9")], [A(B, "30の9")]),
    # a law cited without article under a label goes to that label only
    ("【情報照会の根拠】別表第二省令 【情報提供の根拠】番号法第19条第7号",
     [A(B, "19", None, "7")], [A(T2)]),
    ("<提供>番号法第19条第8号 <照会>番号法第19条第7号", [A(B, "19", None, "8")], [A(B, "19", None, "7")]),
    ("", [], []),
]


@pytest.mark.parametrize(("text", "provision", "inquiry"), LINKAGE_CASES,
                         ids=[case[0][:40] for case in LINKAGE_CASES])
def test_linkage_cases(text, provision, inquiry):
    got_provision, got_inquiry = parse_linkage(text)
    assert_atoms(got_provision, provision)
    assert_atoms(got_inquiry, inquiry)


def test_html_and_full_width_input():
    text = "<ul><li>・番号法　第９条第１項（利用範囲）</li><li>別表第１&nbsp;項番２</li></ul>"
    assert_atoms(parse_citations(text), [A(B, "9", "1"), *R("別表第一", "2")])


# --------------------------------------------------------------------------- properties

LAW_WRITINGS = {
    B: ["番号法", "行政手続における特定の個人を識別するための番号の利用等に関する法律", "番号利用法", "マイナンバー法",
        "行政手続における特定の個人を識別するための番号の利用等に関する法律(番号法)"],
    T1: ["別表第一省令", "番号法別表第1の主務省令で定める事務を定める命令",
         "行政手続における特定の個人を識別するための番号の利用等に関する法律別表第一の主務省令で定める事務を定める命令"],
    T2: ["番号法別表第2の主務省令で定める事務及び情報を定める命令",
         "行政手続における特定の個人を識別するための番号の利用等に関する法律別表第二の主務省令で定める事務及び情報を定める命令"],
    "住民基本台帳法": ["住民基本台帳法", "住基法"],
    KOUKAKU: [KOUKAKU, "高確法"],
    "健康保険法": ["健康保険法"], "介護保険法": ["介護保険法"], "予防接種法": ["予防接種法"], "国民年金法": ["国民年金法"],
}
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
KANJI_DIGITS = "〇一二三四五六七八九"


def kanji(value: int) -> str:
    """Kanji numeral renderer (independent of pdgraph.law.numerals.to_kanji)."""
    parts = []
    for unit, mark in ((1000, "千"), (100, "百"), (10, "十")):
        count = value // unit % 10
        if count:
            parts.append(mark if count == 1 else KANJI_DIGITS[count] + mark)
    if value % 10:
        parts.append(KANJI_DIGITS[value % 10])
    return "".join(parts)


def render(value: int, style: str) -> str:
    return {"ascii": str(value), "full": str(value).translate(FULL_WIDTH), "kanji": kanji(value)}[style]


laws = st.sampled_from(sorted(LAW_WRITINGS))
styles = st.sampled_from(["ascii", "full", "kanji"])
numbers = st.integers(min_value=1, max_value=300)
optional_numbers = st.none() | numbers


@given(laws, st.data(), styles, numbers, st.none() | st.integers(min_value=2, max_value=9),
       optional_numbers, optional_numbers, st.sampled_from(["", " "]))
def test_single_article_property(law, data, style, article, branch, paragraph, item, space):
    written_law = data.draw(st.sampled_from(LAW_WRITINGS[law]))
    text = f"{written_law}{space}第{render(article, style)}条"
    if branch:
        text += f"の{render(branch, style)}"
    if paragraph:
        text += f"第{render(paragraph, style)}項"
    if item:
        text += f"第{render(item, style)}号"
    expected_article = f"{article}の{branch}" if branch else str(article)
    assert parse_citations(text) == [A(law, expected_article, paragraph and str(paragraph), item and str(item))]


@given(laws, st.data(), styles, numbers, st.integers(min_value=1, max_value=40),
       st.integers(min_value=0, max_value=30), st.sampled_from(["～", "~", "〜", "から"]), st.booleans())
def test_item_range_property(law, data, style, article, start, length, dash, repeat_dai):
    written_law = data.draw(st.sampled_from(LAW_WRITINGS[law]))
    end = start + length
    text = (f"{written_law}第{render(article, style)}条第{render(start, style)}号{dash}"
            f"{'第' if repeat_dai else ''}{render(end, style)}号")
    atoms = parse_citations(text)
    assert len(atoms) == end - start + 1
    assert atoms == [A(law, str(article), None, str(n)) for n in range(start, end + 1)]


@given(laws, st.data(), styles, st.lists(numbers, min_size=1, max_size=8, unique=True),
       st.lists(st.sampled_from(["、", "・", "及び", "、 ", "並びに"]), min_size=7, max_size=7))
def test_article_list_property(law, data, style, articles, joiners):
    written_law = data.draw(st.sampled_from(LAW_WRITINGS[law]))
    text = written_law + "".join(
        (joiners[k - 1] if k else "") + f"第{render(n, style)}条" for k, n in enumerate(articles))
    assert parse_citations(text) == [A(law, str(n)) for n in articles]


@given(st.sampled_from([1, 2]), st.sampled_from(["第{}", "{}", "第{k}"]), styles,
       st.lists(numbers, min_size=1, max_size=8, unique=True),
       st.sampled_from(["、", "・", "及び", ", "]), st.sampled_from(["の{}", " 項番{}", "の{}の項"]))
def test_table_rows_property(table, table_style, style, rows, joiner, head):
    table_text = "別表" + table_style.format(table, k=to_kanji(table))
    first, *rest = rows
    rows_text = head.format(render(first, style)) + "".join(joiner + render(n, style) for n in rest)
    atoms = parse_citations(f"番号法第19条第7号及び{table_text}{rows_text}")
    name = "別表第一" if table == 1 else "別表第二"
    assert atoms == [A(B, "19", None, "7"), *[Atom(B, table=name, row=str(n)) for n in rows]]


@given(st.lists(numbers, min_size=1, max_size=10, unique=True), styles)
def test_parenthesised_rows_property(rows, style):
    text = "別表第2の第4欄に「情報」が含まれる項(" + "、".join(f"{render(n, style)}項" for n in rows) + ")"
    assert parse_citations(text) == [Atom(B, table="別表第二", row=str(n)) for n in rows]


@given(st.text(alphabet="番号法第条項号の一二三十百0123456789別表、・及び()「」【】~から 提供照会根拠欄", max_size=60))
def test_never_crashes(text):
    atoms = parse_citations(text)
    provision, inquiry = parse_linkage(text)
    assert set(provision) | set(inquiry) == set(atoms)
    for atom in atoms:
        assert atom.law
        assert (atom.table is None) or (atom.article is None)
