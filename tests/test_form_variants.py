"""Generalisation audit: layouts of the official 様式 that the four examples do not show.

Each test is a small purpose-built document in the style of the converted examples
(tab-separated cells, option marks such as ``[ ○ ]``, ``■``/``□`` or ``<input …/>``)
and the facts the form rules of ../shared/spec/facts.md give for it. The examples are
three 重点項目評価書 and one 全項目評価書 with lost pages; these cover a complete
全項目評価書 (several files, 移転先, 委託事項 ⑥–⑨, 西暦 dates), a 基礎項目評価書
(I 関連情報 / II しきい値判断項目), option spellings, annex (別紙) tables laid out
differently, and further layouts the first audit found unread (the "layouts" section:
評価書番号/評価書名 as label/value pairs, listed systems on separate lines, "( 2件 )",
unnumbered or "別紙1:" annexes, a "別表…の項" column, an annex ended by the next file or by
III without a heading, options continued under a label cell that spans rows, a heading row
that holds its first field, 第8号の2).
"""
from __future__ import annotations

import json
from functools import lru_cache

import pytest

from pdgraph.extract.machine import extract
from pdgraph.graph.facts import facts_from_graph
from pdgraph.graph.mapping import assessment_graph
from pdgraph.read.text import decode


def header(kind: str = "重点項目評価書", number_block: str | None = None) -> str:
    """Cover page of the form: kind heading, 評価書番号/評価書名, 評価実施機関名, 公表日."""
    block = number_block if number_block is not None else f"評価書番号\t評価書名\n3\t架空市 介護保険事務 {kind}\n"
    return f"""特定個人情報保護評価書({kind})

{block}
評価実施機関名
架空市長
公表日
令和元年5月1日
"""


FILE_HEAD = """
II 特定個人情報ファイルの概要
1. 特定個人情報ファイル名
介護保険ファイル
2. 基本情報
②対象となる本人の数\t[ 1万人以上10万人未満 ]
"""


@lru_cache(maxsize=None)
def facts_of(text: str) -> dict:
    """The facts JSON of one document, read back from its graph (cached: documents are constants)."""
    return facts_from_graph(assessment_graph(extract(decode(text.encode("utf-8"), "variant.txt"))))


def file_facts(body: str, kind: str = "重点項目評価書") -> dict:
    """Facts of the only file of a document made of the cover page, FILE_HEAD and ``body``."""
    (file,) = facts_of(header(kind) + FILE_HEAD + body)["files"]
    return file


def atom(law: str, article: str | None = None, paragraph: str | None = None, item: str | None = None) -> dict:
    return {"law": law, "article": article, "paragraph": paragraph, "item": item}


def row(table: str, number: str | None, law: str = "番号法") -> dict:
    return {"law": law, "table": table, "row": number}


def by_json(atoms: list[dict]) -> list[dict]:
    """Citation atoms in a stable order (the contract compares sets)."""
    return sorted(atoms, key=lambda a: json.dumps(a, ensure_ascii=False, sort_keys=True))


# --------------------------------------------------------------------------- 全項目評価書

FULL = header("全項目評価書") + """個人情報保護委員会 承認日【行政機関等のみ】

Ⅰ 基本情報
1. 特定個人情報ファイルを取り扱う事務
①事務の名称\t住民基本台帳に関する事務
②事務の内容 ※\t住民基本台帳法に基づく事務
③対象人数\t[ 30万人以上 ] <選択肢> 1) 1,000人未満(任意実施) 2) 1,000人以上1万人未満 5) 30万人以上
2. 特定個人情報ファイルを取り扱う事務において使用するシステム
システム1
①システムの名称\t既存住民基本台帳システム
②システムの機能\t住民記録の管理
③他のシステムとの接続\t[ ] 情報提供ネットワークシステム [○] 庁内連携システム [○] 住民基本台帳ネットワークシステム [ ] 既存住民基本台帳システム [○] 宛名システム等 [ ] 税務システム [ ] その他 ( )
システム2～5
3. 特定個人情報ファイル名
(1) 住民基本台帳ファイル (2) 本人確認情報ファイル
4. 特定個人情報ファイルを取り扱う理由
①事務実施上の必要性\t住民の居住関係を公証するため。
5. 個人番号の利用 ※
法令上の根拠\t番号法第9条第1項 別表第一の16の項
6. 情報提供ネットワークシステムによる情報連携 ※
①実施の有無\t[ 実施しない ] <選択肢> 1) 実施する 2) 実施しない 3) 未定
②法令上の根拠\t
7. 評価実施機関における担当部署
①部署\t市民部市民課
②所属長の役職名\t市民課長
8. 他の評価実施機関

Ⅱ 特定個人情報ファイルの概要
1. 特定個人情報ファイル名
(1) 住民基本台帳ファイル
2. 基本情報
①ファイルの種類 ※\t[ システム用ファイル ]
②対象となる本人の数\t[ ] 1万人未満 [ ] 1万人以上10万人未満 [ ○ ] 10万人以上100万人未満 [ ] 100万人以上1,000万人未満 [ ] 1,000万人以上
③対象となる本人の範囲 ※\t住民
④記録される項目\t[ 100項目以上 ] <選択肢> 1) 10項目未満 2) 10項目以上50項目未満 3) 50項目以上100項目未満 4) 100項目以上
⑤保有開始日\t2015年10月5日
⑥事務担当部署\t市民課
3. 特定個人情報の入手・使用
①入手元 ※\t[ ○ ] 本人又は本人の代理人 [ ○ ] 評価実施機関内の他部署 ( 税務課 ) [ ] 行政機関・独立行政法人等 ( ) [ ○ ] 地方公共団体・地方独立行政法人 ( 転出元市町村 ) [ ] 民間事業者 ( ) [ ] その他 ( )
②入手方法\t[ ○ ] 紙 [ ] 電子記録媒体(フラッシュメモリを除く。) [ ] フラッシュメモリ [ ] 電子メール [ ○ ] 専用線 [ ○ ] 庁内連携システム [ ] 情報提供ネットワークシステム [ ] その他 ( )
③入手の時期・頻度\t随時
⑥使用目的 ※\t住民の居住関係の公証
⑦使用の主体\t使用部署 ※\t市民課
\t使用者数\t[ 50人以上100人未満 ]
⑨使用開始日\t平成27年10月5日
4. 特定個人情報ファイルの取扱いの委託
委託の有無 ※\t[ 委託する ] <選択肢> 1) 委託する 2) 委託しない ( 2 ) 件
委託事項1\t住民基本台帳システムの運用保守
①委託内容\tシステムの運用及び保守
②取扱いを委託する特定個人情報ファイルの範囲\t[ 特定個人情報ファイルの全体 ] <選択肢> 1) 特定個人情報ファイルの全体 2) 特定個人情報ファイルの一部
\t対象となる本人の数\t[ 10万人以上100万人未満 ]
\t対象となる本人の範囲 ※\t住民
③委託先における取扱者数\t[ 10人以上50人未満 ]
④委託先への特定個人情報ファイルの提供方法\t[ ○ ] 専用線 [ ] 紙
⑤委託先名の確認方法\t問合せがあれば回答する。
⑥委託先名\t架空システム株式会社
再委託\t⑦再委託の有無 ※\t[ 再委託する ] <選択肢> 1) 再委託する 2) 再委託しない
\t⑧再委託の許諾方法\t書面による承認
\t⑨再委託事項\t運用作業の一部
委託事項2～5
委託事項2\t窓口業務
①委託内容\t届出の受付補助
⑥委託先名\t架空サービス株式会社
再委託\t⑦再委託の有無 ※\t[ ] 再委託する [ ○ ] 再委託しない
\t⑧再委託の許諾方法\t
\t⑨再委託事項\t
委託事項3
①委託内容\t
⑥委託先名\t
委託事項6～10
5. 特定個人情報の提供・移転(委託に伴うものを除く。)
提供・移転の有無\t[ ○ ] 提供を行っている ( 2 ) 件 [ ○ ] 移転を行っている ( 1 ) 件 [ ] 行っていない
提供先1\t都道府県知事
①法令上の根拠\t住民基本台帳法第30条の6
②提供先における用途\t本人確認情報の管理
③提供する情報\t本人確認情報
④提供する情報の対象となる本人の数\t[ 10万人以上100万人未満 ] <選択肢> 1) 1万人未満 2) 1万人以上10万人未満
⑤提供する情報の対象となる本人の範囲\t住民
⑥提供方法\t[ ] 情報提供ネットワークシステム [ ○ ] 専用線 [ ] 電子メール [ ] 電子記録媒体(フラッシュメモリを除く。) [ ] フラッシュメモリ [ ] 紙 [ ] その他 ( )
⑦時期・頻度\t異動の都度
提供先2\t選挙管理委員会
①法令上の根拠\t番号法第19条第9号
②提供先における用途\t選挙事務
③提供する情報\t住民票情報
④提供する情報の対象となる本人の数\t[ 1万人以上10万人未満 ]
⑥提供方法\t■ 紙 □ 専用線 ■ その他 ( 窓口での閲覧 )
⑦時期・頻度\t随時
提供先3
①法令上の根拠\t
提供先6～10
移転先1\t市民部税務課
①法令上の根拠\t番号法第9条第1項 別表第一の16の項
②移転先における用途\t個人住民税の賦課
③移転する情報\t住民票関係情報
④移転する情報の対象となる本人の数\t[ 10万人以上100万人未満 ]
⑤移転する情報の対象となる本人の範囲\t住民
⑥移転方法\t<input checked="" type="checkbox"/> 庁内連携システム <input type="checkbox"/> 専用線 <input type="checkbox"/> 紙
⑦時期・頻度\t日次
移転先2～5
6. 特定個人情報の保管・消去
①保管場所 ※\tサーバ室
7. 備考

Ⅱ 特定個人情報ファイルの概要
1. 特定個人情報ファイル名
(2) 本人確認情報ファイル
2. 基本情報
②対象となる本人の数\t[ 10万人以上100万人未満 ]
④記録される項目\t[ 10項目以上50項目未満 ]
⑤保有開始日\tH27.10.5
3. 特定個人情報の入手・使用
①入手元 ※\t[ ] 本人又は本人の代理人 [ ○ ] 評価実施機関内の他部署 ( 市民課 )
②入手方法\t[ ○ ] 庁内連携システム [ ] その他 ( )
4. 特定個人情報ファイルの取扱いの委託
委託の有無 ※\t[ 委託しない ] <選択肢> 1) 委託する 2) 委託しない ( ) 件
委託事項1
①委託内容\t
5. 特定個人情報の提供・移転(委託に伴うものを除く。)
提供・移転の有無\t[ ] 提供を行っている ( ) 件 [ ] 移転を行っている ( ) 件 [ ○ ] 行っていない
提供先1
①法令上の根拠\t
移転先1
①法令上の根拠\t
6. 特定個人情報の保管・消去
7. 備考

(別添2) 特定個人情報ファイル記録項目
(1) 住民基本台帳ファイル
1. 氏名\t2. 住所
(2) 本人確認情報ファイル
1. 個人番号\t2. 住民票コード

Ⅲ 特定個人情報ファイルの取扱いプロセスにおけるリスク対策
1. 特定個人情報ファイル名
(1) 住民基本台帳ファイル
2. 特定個人情報の入手（情報提供ネットワークシステムを通じた入手を除く。）
リスク1: 目的外の入手が行われるリスク
4. 特定個人情報ファイルの取扱いの委託\t[ ○ ] 委託しない
委託の有無\t[ 委託しない ]
5. 特定個人情報の提供・移転（委託や情報提供ネットワークシステムを通じた提供を除く。）\t[ ○ ] 提供・移転しない
6. 情報提供ネットワークシステムとの接続\t[ ] 接続しない(入手)\t[ ] 接続しない(提供)
7. 特定個人情報の保管・消去
Ⅳ その他のリスク対策
1. 監査
Ⅴ 開示請求、問合せ
1. 特定個人情報の開示・訂正・利用停止請求
Ⅵ 評価実施手続
1. 基礎項目評価
①実施日\t2021年4月1日
(別添3) 変更箇所
変更日\t項目\t変更前の記載\t変更後の記載\t提出時期\t提出時期に係る説明
2019/5/1\tⅡ 4. 委託事項2\t(追加)\t窓口業務\t事前\t重要な変更
R3.7.26\tI-7 担当部署\t市民課長 甲\t市民課長\t事後\t様式改正
"""


def test_full_assessment_header_and_section_i():
    facts = facts_of(FULL)
    assert facts["assessment"] == {
        "number": "3", "title": "架空市 介護保険事務 全項目評価書", "kind": "全項目評価書",
        "organization": "架空市長", "published": "2019-05-01", "affair": "住民基本台帳に関する事務",
        "department": "市民部市民課"}
    assert facts["systems"] == [{"name": "既存住民基本台帳システム", "kind": "既存住民基本台帳システム",
                                 "connections": ["庁内連携システム", "住民基本台帳ネットワークシステム", "宛名システム等"],
                                 "other_connections": []}]
    assert by_json(facts["number_use_basis"]) == by_json([atom("番号法", "9", "1"), row("別表第一", "16")])
    # 情報連携 実施しない with a blank ②法令上の根拠: present but blank -> [].
    assert facts["info_linkage"] == {"status": "実施しない", "provision_basis": [], "inquiry_basis": []}


def test_full_assessment_i3_file_list_is_not_a_file_and_each_ii_block_is_one():
    files = facts_of(FULL)["files"]
    assert [(f["name"], f["subjects"], f["record_count"], f["holding_start"]) for f in files] == [
        ("住民基本台帳ファイル", "10万人以上100万人未満", "100項目以上", "2015-10-05"),
        ("本人確認情報ファイル", "10万人以上100万人未満", "10項目以上50項目未満", "2015-10-05")]
    assert [sorted(f["record_items"]) for f in files] == [["住所", "氏名"], ["住民票コード", "個人番号"]]


def test_full_assessment_acquisition():
    first, second = facts_of(FULL)["files"]
    assert first["sources"] == [{"category": "本人又は本人の代理人", "entities": []},
                                {"category": "評価実施機関内の他部署", "entities": ["税務課"]},
                                {"category": "地方公共団体・地方独立行政法人", "entities": ["転出元市町村"]}]
    assert (first["acquisition_methods"], first["acquisition_methods_other"]) == (["紙", "専用線", "庁内連携システム"], [])
    assert second["sources"] == [{"category": "評価実施機関内の他部署", "entities": ["市民課"]}]
    assert second["acquisition_methods"] == ["庁内連携システム"]


def test_full_assessment_entrustment_items_6_to_9():
    """全項目: ⑥委託先名, 再委託 ⑦再委託の有無 ⑧再委託の許諾方法 ⑨再委託事項; 委託事項k～m and blank
    委託事項3 are template slots; the III 4. row "[○] 委託しない" does not touch II 4."""
    first, second = facts_of(FULL)["files"]
    assert first["entrustment"] == {"status": "委託する", "declared_count": 2, "items": [
        {"title": "住民基本台帳システムの運用保守", "contractor": "架空システム株式会社", "reentrustment": "再委託する"},
        {"title": "窓口業務", "contractor": "架空サービス株式会社", "reentrustment": "再委託しない"}]}
    assert second["entrustment"] == {"status": "委託しない", "declared_count": None, "items": []}


def test_full_assessment_provisions_and_transfers():
    first, _ = facts_of(FULL)["files"]
    assert first["provision_transfer"] == {"provides": True, "provision_count": 2, "transfers": True, "transfer_count": 1}
    assert first["provisions"] == [
        {"recipient": "都道府県知事", "legal_basis": [atom("住民基本台帳法", "30の6")], "purpose": "本人確認情報の管理",
         "information": "本人確認情報", "subjects": "10万人以上100万人未満", "methods": ["専用線"], "methods_other": [],
         "timing": "異動の都度", "breakdown": []},
        {"recipient": "選挙管理委員会", "legal_basis": [atom("番号法", "19", None, "9")], "purpose": "選挙事務",
         "information": "住民票情報", "subjects": "1万人以上10万人未満", "methods": ["紙", "その他"],
         "methods_other": ["窓口での閲覧"], "timing": "随時", "breakdown": []}]
    assert first["transfers"] == [
        {"recipient": "市民部税務課", "legal_basis": by_json([atom("番号法", "9", "1"), row("別表第一", "16")]),
         "purpose": "個人住民税の賦課", "information": "住民票関係情報", "subjects": "10万人以上100万人未満",
         "methods": ["庁内連携システム"], "methods_other": [], "timing": "日次", "breakdown": []}]


def test_full_assessment_nothing_provided_and_blank_template_slots():
    _, second = facts_of(FULL)["files"]
    assert second["provision_transfer"] == {"provides": False, "provision_count": None,
                                            "transfers": False, "transfer_count": None}
    assert (second["provisions"], second["transfers"]) == ([], [])


def test_full_assessment_changes_with_western_and_abbreviated_dates():
    assert facts_of(FULL)["changes"] == [
        {"date": "2019-05-01", "item": "II 4. 委託事項2", "before": "(追加)", "after": "窓口業務", "timing": "事前"},
        {"date": "2021-07-26", "item": "I-7 担当部署", "before": "市民課長 甲", "after": "市民課長", "timing": "事後"}]


# --------------------------------------------------------------------------- 基礎項目評価書

BASIC = """特定個人情報保護評価書(基礎項目評価書)

評価書番号\t評価書名
12\t架空町 児童手当に関する事務 基礎項目評価書

個人のプライバシー等の権利利益の保護の宣言
架空町は、児童手当に関する事務における特定個人情報ファイルの取扱いに当たり、権利利益の保護に取り組むことを宣言する。
特記事項
なし
評価実施機関名
架空町長
公表日
2021年7月26日
[令和2年4月 様式2]

Ⅰ 関連情報
1. 特定個人情報ファイルを取り扱う事務
①事務の名称\t児童手当に関する事務
②事務の概要\t児童手当法に基づき、児童手当の認定、支給等を行う。
③システムの名称\t児童手当システム、団体内統合宛名システム、中間サーバー
2. 特定個人情報ファイル名
児童手当ファイル
3. 個人番号の利用
法令上の根拠\t番号法第9条第1項 別表第一の56の項
4. 情報提供ネットワークシステムによる情報連携
①実施の有無\t■ 実施する □ 実施しない □ 未定
②法令上の根拠\t【情報提供の根拠】番号法第19条第8号 別表第二の75の項 【情報照会の根拠】番号法第19条第8号 別表第二の74の項
5. 評価実施機関における担当部署
①部署\t子育て支援課
②所属長の役職名\t子育て支援課長
6. 他の評価実施機関

Ⅱ しきい値判断項目
1. 対象人数
評価対象の事務の対象人数は何人か\t[ 1,000人以上1万人未満 ] <選択肢> 1) 1,000人未満(任意実施) 2) 1,000人以上1万人未満 3) 1万人以上10万人未満 4) 10万人以上30万人未満 5) 30万人以上
いつ時点の計数か\t令和3年4月1日 時点
2. 取扱者数
特定個人情報ファイル取扱者数は500人以上か\t[ 500人未満 ] <選択肢> 1) 500人以上 2) 500人未満
3. 重大事故
過去1年以内に、評価実施機関において特定個人情報に関する重大事故が発生したか\t[ 発生なし ] <選択肢> 1) 発生あり 2) 発生なし
Ⅲ しきい値判断結果
しきい値判断結果
[ 基礎項目評価の実施が義務付けられる ]
Ⅳ リスク対策
1. 提出する特定個人情報保護評価書の種類
[ 基礎項目評価書 ]
2. 特定個人情報の入手（情報提供ネットワークシステムを通じた入手を除く。）
目的外の入手が行われるリスクへの対策は十分か\t[ 十分である ]
4. 特定個人情報ファイルの取扱いの委託\t[ ] 委託しない
5. 特定個人情報の提供・移転（委託や情報提供ネットワークシステムを通じた提供を除く。）\t[ ] 提供・移転しない
(別添1) 変更箇所
変更日\t項目\t変更前の記載\t変更後の記載\t提出時期\t提出時期に係る説明
2021年7月26日\tI-5 担当部署 ②所属長の役職名\t子育て支援課長 甲\t子育て支援課長\t事後\t様式改正
"""


def test_basic_assessment_related_information():
    """基礎項目評価書 I 関連情報: 1.①事務の名称 / ③システムの名称 (a list), 3. 個人番号の利用,
    4. 情報連携 ①②, 5. 担当部署 ①部署; 西暦 公表日; (別添1) 変更箇所."""
    facts = facts_of(BASIC)
    assert facts["assessment"] == {
        "number": "12", "title": "架空町 児童手当に関する事務 基礎項目評価書", "kind": "基礎項目評価書",
        "organization": "架空町長", "published": "2021-07-26", "affair": "児童手当に関する事務",
        "department": "子育て支援課"}
    assert [(s["name"], s["kind"]) for s in facts["systems"]] == [
        ("児童手当システム", "業務システム"), ("団体内統合宛名システム", "宛名システム等"), ("中間サーバー", "中間サーバー")]
    assert by_json(facts["number_use_basis"]) == by_json([atom("番号法", "9", "1"), row("別表第一", "56")])
    linkage = facts["info_linkage"]
    assert linkage["status"] == "実施する"
    assert by_json(linkage["provision_basis"]) == by_json([atom("番号法", "19", None, "8"), row("別表第二", "75")])
    assert by_json(linkage["inquiry_basis"]) == by_json([atom("番号法", "19", None, "8"), row("別表第二", "74")])
    assert facts["changes"] == [{"date": "2021-07-26", "item": "I-5 担当部署 2所属長の役職名",
                                 "before": "子育て支援課長 甲", "after": "子育て支援課長", "timing": "事後"}]


def test_basic_assessment_threshold_and_risk_rows_give_no_file_facts():
    """II しきい値判断項目 (対象人数, 取扱者数) and IV リスク対策 4./5. are not file facts."""
    for file in facts_of(BASIC)["files"]:
        assert file["subjects"] in (None, "") and file["entrustment"] is None
        assert file["provision_transfer"]["provides"] is None


def test_basic_assessment_names_its_files_in_section_one():
    """A 基礎 has no II file overview: I 2. 特定個人情報ファイル名 gives name-only files, every
    other file field absent (null), not blank."""
    (file,) = facts_of(BASIC)["files"]
    assert file["name"] == "児童手当ファイル"
    assert all(value is None for key, value in file.items() if key not in ("name", "provision_transfer"))
    assert set(file["provision_transfer"].values()) == {None}


@pytest.mark.parametrize("listing", [
    "2. 特定個人情報ファイル名\n(1) 児童手当ファイル\n(2) 住民・税務情報ファイル\n",
    "2. 特定個人情報ファイル名\t児童手当ファイル、住民・税務情報ファイル\n",
    "2. 特定個人情報ファイル名\n児童手当ファイル<br>住民・税務情報ファイル\n",
])
def test_basic_assessment_lists_several_files_and_keeps_a_middle_dot_in_a_name(listing):
    text = BASIC.replace("2. 特定個人情報ファイル名\n児童手当ファイル\n", listing)
    assert [f["name"] for f in facts_of(text)["files"]] == ["児童手当ファイル", "住民・税務情報ファイル"]


def test_a_file_name_list_in_section_one_of_other_kinds_makes_no_file():
    """重点・全項目 I 3. lists the names again; their files are the II blocks, so I 3. adds none."""
    text = BASIC.replace("(基礎項目評価書)", "(重点項目評価書)").replace("基礎項目評価書\n", "重点項目評価書\n", 1)
    assert facts_of(text)["assessment"]["kind"] == "重点項目評価書"
    assert facts_of(text)["files"] == []


# --------------------------------------------------------------------------- option spellings

@pytest.mark.parametrize("cell, status, count", [
    ("[ ○ ] 委託する [ ] 委託しない ( 3 ) 件", "委託する", 3),
    ("■ 委託する □ 委託しない ( 3 ) 件", "委託する", 3),
    ('<input type="checkbox"/> 委託する <input checked="" type="checkbox"/> 委託しない ( ) 件', "委託しない", None),
    ("[ 委託しない ] <選択肢> 1) 委託する 2) 委託しない ( ) 件", "委託しない", None),
])
def test_entrustment_status_mark_spellings(cell, status, count):
    entrustment = file_facts(f"4. 特定個人情報ファイルの取扱いの委託\n委託の有無 ※\t{cell}\n")["entrustment"]
    assert (entrustment["status"], entrustment["declared_count"]) == (status, count)


@pytest.mark.parametrize("cell, expected", [
    ("■ 提供を行っている ( 3 ) 件 □ 移転を行っている ( ) 件 □ 行っていない", (True, 3, False, None)),
    ('<input type="checkbox"/> 提供を行っている ( ) 件 <input checked="" type="checkbox"/> 移転を行っている ( 24件 ) '
     '<input type="checkbox"/> 行っていない', (False, None, True, 24)),
    ("[ ] 提供を行っている ( ) 件 [ ] 移転を行っている ( ) 件 [ ○ ] 行っていない", (False, None, False, None)),
])
def test_provision_transfer_mark_spellings(cell, expected):
    pt = file_facts(f"5. 特定個人情報の提供・移転(委託に伴うものを除く。)\n提供・移転の有無\t{cell}\n")["provision_transfer"]
    assert (pt["provides"], pt["provision_count"], pt["transfers"], pt["transfer_count"]) == expected


@pytest.mark.parametrize("cell, status", [
    ("[ 未定 ] <選択肢> 1) 実施する 2) 実施しない 3) 未定", "未定"),
    ('<input type="checkbox"/> 実施する <input checked="" type="checkbox"/> 実施しない <input type="checkbox"/> 未定', "実施しない"),
    ("□ 実施する ■ 実施しない □ 未定", "実施しない"),
])
def test_linkage_status_mark_spellings(cell, status):
    body = f"5. 情報提供ネットワークシステムによる情報連携 ※\n①実施の有無\t{cell}\n②法令上の根拠\t\n"
    assert facts_of(header() + body)["info_linkage"]["status"] == status


# --------------------------------------------------------------------------- blocks and annexes

def test_entrustment_items_under_a_group_heading_1_to_5():
    """委託事項1～5 as a group heading above 委託事項1 … (not only 委託事項2～5 after item 1)."""
    entrustment = file_facts("""4. 特定個人情報ファイルの取扱いの委託
委託の有無 ※\t[ 委託する ] <選択肢> 1) 委託する 2) 委託しない ( 2 ) 件
委託事項1～5
委託事項1\tシステム保守
③委託先名\tA社
再委託\t④再委託の有無 ※\t[ ] 再委託する [ ○ ] 再委託しない
委託事項2\t帳票印刷
③委託先名\tB社
再委託\t④再委託の有無 ※\t<input checked="" type="checkbox"/> 再委託する <input type="checkbox"/> 再委託しない
\t⑤再委託の許諾方法\t書面により承認
委託事項3
委託事項6～10
""")["entrustment"]
    assert entrustment["items"] == [{"title": "システム保守", "contractor": "A社", "reentrustment": "再委託しない"},
                                    {"title": "帳票印刷", "contractor": "B社", "reentrustment": "再委託する"}]


def test_annex_table_with_columns_in_another_order():
    """An annex whose columns come in another order and with other header words (法令上の根拠,
    時期・頻度, 対象となる本人の数 as columns) still gives one breakdown flow per row."""
    (transfer,) = file_facts("""5. 特定個人情報の提供・移転(委託に伴うものを除く。)
提供・移転の有無\t[ ] 提供を行っている ( ) 件 [ ○ ] 移転を行っている ( 2 ) 件 [ ] 行っていない
移転先1\t庁内の他部署(別紙2のとおり)
(別紙2) 移転先一覧
移転方法\t移転する情報\t移転先における用途\t移転先\t法令上の根拠\t時期・頻度\t対象となる本人の数
庁内連携システム\t介護保険資格情報\t住民税の賦課\t税務課\t番号法第9条第2項\t日次\t1万人以上10万人未満
紙\t給付情報\t生活保護の決定\t生活福祉課\t番号法第9条第2項\t随時\t1万人未満
""")["transfers"]
    assert [(b["recipient"], b["purpose"], b["information"], b["subjects"], b["methods"], b["timing"], b["legal_basis"])
            for b in transfer["breakdown"]] == [
        ("税務課", "住民税の賦課", "介護保険資格情報", "1万人以上10万人未満", ["庁内連携システム"], "日次", [atom("番号法", "9", "2")]),
        ("生活福祉課", "生活保護の決定", "給付情報", "1万人未満", ["紙"], "随時", [atom("番号法", "9", "2")])]


@pytest.mark.parametrize("before_annex, before_next_file", [
    ("", "II 特定個人情報ファイルの概要\n"),  # the II heading repeated for the next file
    ("6. 特定個人情報の保管・消去\n7. 備考\n", ""),  # no heading: the next file's 1. + 2. 基本情報 end the annex
], ids=["with its own II heading", "without a repeated II heading"])
def test_second_file_after_an_annex(before_annex, before_next_file):
    facts = facts_of(header() + FILE_HEAD + f"""5. 特定個人情報の提供・移転(委託に伴うものを除く。)
提供・移転の有無\t[ ○ ] 提供を行っている ( 1 ) 件 [ ] 移転を行っている ( ) 件 [ ] 行っていない
提供先1\t情報照会者(別紙1のとおり)
{before_annex}(別紙1) 提供先一覧
No.\t情報照会者\t事務
1\t厚生労働大臣\t健康保険に関する事務
{before_next_file}1. 特定個人情報ファイル名
介護保険受給者ファイル
2. 基本情報
②対象となる本人の数\t[ 1万人未満 ]
""")
    assert [(f["name"], f["subjects"]) for f in facts["files"]] == [
        ("介護保険ファイル", "1万人以上10万人未満"), ("介護保険受給者ファイル", "1万人未満")]
    assert [b["recipient"] for b in facts["files"][0]["provisions"][0]["breakdown"]] == ["厚生労働大臣"]


# --------------------------------------------------------------------------- layouts found unread by the first audit, now read

@pytest.mark.parametrize("block", [
    "評価書番号\n3\n評価書名\n架空市 介護保険事務 重点項目評価書\n",
    "評価書番号\t3\t評価書名\t架空市 介護保険事務 重点項目評価書\n",
])
def test_layout_number_and_title_as_label_value_pairs(block):
    assessment = facts_of(header(number_block=block))["assessment"]
    assert (assessment["number"], assessment["title"]) == ("3", "架空市 介護保険事務 重点項目評価書")


@pytest.mark.parametrize("cell", [
    "児童手当システム<br>団体内統合宛名システム<br>中間サーバー",
    "<p>児童手当システム</p><p>団体内統合宛名システム</p><p>中間サーバー</p>",
    "(1) 児童手当システム (2) 団体内統合宛名システム (3) 中間サーバー",
    "①児童手当システム ②団体内統合宛名システム ③中間サーバー",
])
def test_layout_basic_system_list_on_lines_or_numbered(cell):
    text = BASIC.replace("③システムの名称\t児童手当システム、団体内統合宛名システム、中間サーバー", f"③システムの名称\t{cell}")
    assert [s["name"] for s in facts_of(text)["systems"]] == ["児童手当システム", "団体内統合宛名システム", "中間サーバー"]


@pytest.mark.parametrize("count", ["( 2 件 )", "( 2件 )"])
def test_layout_entrustment_count_with_ken_inside_the_parentheses(count):
    body = f"4. 特定個人情報ファイルの取扱いの委託\n委託の有無 ※\t[ 委託する ] <選択肢> 1) 委託する 2) 委託しない {count}\n"
    entrustment = file_facts(body)["entrustment"]
    assert entrustment["declared_count"] == 2


ANNEX_ROWS = """No.\t情報照会者\t事務\t特定個人情報
1\t厚生労働大臣\t健康保険に関する事務\t介護保険給付等関係情報
2\t全国健康保険協会\t健康保険法による保険給付の支給\t介護保険給付等関係情報
"""


def _provision_with_annex(recipient: str, annex_heading: str, rows: str = ANNEX_ROWS) -> dict:
    (provision,) = file_facts(f"""5. 特定個人情報の提供・移転(委託に伴うものを除く。)
提供・移転の有無\t[ ○ ] 提供を行っている ( 2 ) 件 [ ] 移転を行っている ( ) 件 [ ] 行っていない
提供先1\t{recipient}
①法令上の根拠\t番号法第19条第8号 別表第二
{annex_heading}
{rows}""")["provisions"]
    return provision


def test_layout_unnumbered_annex():
    provision = _provision_with_annex("別表第二に定める情報照会者(別紙のとおり)", "(別紙) 提供先一覧")
    assert [b["recipient"] for b in provision["breakdown"]] == ["厚生労働大臣", "全国健康保険協会"]


@pytest.mark.parametrize("heading", ["別紙1:提供先一覧", "別紙1「特定個人情報の提供先一覧」"])
def test_layout_annex_heading_with_colon_or_quote(heading):
    provision = _provision_with_annex("別表第二に定める情報照会者(別紙1参照)", heading)
    assert [b["recipient"] for b in provision["breakdown"]] == ["厚生労働大臣", "全国健康保険協会"]


def test_layout_annex_basis_column_named_beppyou_no_kou():
    rows = ANNEX_ROWS.replace("No.\t情報照会者", "No.\t番号法別表第二の項\t情報照会者").replace(
        "1\t厚生労働大臣", "1\t1\t厚生労働大臣").replace("2\t全国健康保険協会", "2\t2\t全国健康保険協会")
    provision = _provision_with_annex("別表第二に定める情報照会者(別紙1参照)", "(別紙1) 提供先一覧", rows)
    assert [b["legal_basis"] for b in provision["breakdown"]] == [[row("別表第二", "1")], [row("別表第二", "2")]]


def test_layout_lost_iii_heading_after_the_record_items_annex():
    (file,) = facts_of(header() + FILE_HEAD + """7. 備考
(別添1) 特定個人情報ファイル記録項目
1. 氏名
2. 住所
1. 特定個人情報ファイル名
介護保険ファイル
2. 特定個人情報の入手（情報提供ネットワークシステムを通じた入手を除く。）
リスク1: 目的外の入手が行われるリスク
リスクに対する措置の内容\t窓口で本人確認を行う。
3. 特定個人情報の使用
""")["files"]
    assert sorted(file["record_items"]) == ["住所", "氏名"]


def test_layout_options_continued_on_rows_with_an_empty_label_cell():
    file = file_facts("""3. 特定個人情報の入手・使用
①入手元 ※\t[ ○ ] 本人又は本人の代理人
\t[ ○ ] 評価実施機関内の他部署 ( 市民課、税務課 )
\t[ ] 行政機関・独立行政法人等 ( )
\t[ ○ ] 地方公共団体・地方独立行政法人 ( 他市町村 )
②入手方法\t[ ○ ] 紙 [ ] 電子記録媒体(フラッシュメモリを除く。)
\t[ ] フラッシュメモリ [ ○ ] 庁内連携システム
\t[ ○ ] その他 ( 住基ネット )
③使用目的 ※\t介護保険事務
""")
    assert file["sources"] == [{"category": "本人又は本人の代理人", "entities": []},
                               {"category": "評価実施機関内の他部署", "entities": ["市民課", "税務課"]},
                               {"category": "地方公共団体・地方独立行政法人", "entities": ["他市町村"]}]
    assert (file["acquisition_methods"], file["acquisition_methods_other"]) == (
        ["紙", "庁内連携システム", "その他"], ["住基ネット"])


def test_layout_subsection_heading_row_holding_its_first_field():
    file = file_facts("""4. 特定個人情報ファイルの取扱いの委託\t委託の有無 ※\t[ 委託しない ] <選択肢> 1) 委託する 2) 委託しない ( ) 件
5. 特定個人情報の提供・移転(委託に伴うものを除く。)\t提供・移転の有無\t[ ] 提供を行っている ( ) 件 [ ] 移転を行っている ( ) 件 [ ○ ] 行っていない
""")
    assert file["entrustment"] == {"status": "委託しない", "declared_count": None, "items": []}
    assert file["provision_transfer"] == {"provides": False, "provision_count": None,
                                          "transfers": False, "transfer_count": None}


@pytest.mark.parametrize("text, expected", [
    ("住民基本台帳法第7条第8号の2", [atom("住民基本台帳法", "7", None, "8の2")]),
    ("番号法第19条第8号の2及び第9号", [atom("番号法", "19", None, "8の2"), atom("番号法", "19", None, "9")]),
])
def test_layout_item_with_a_branch_number(text, expected):
    body = f"4. 個人番号の利用 ※\n法令上の根拠\t{text}\n"
    assert by_json(facts_of(header() + body)["number_use_basis"]) == by_json(expected)


# --------------------------------------------------------------------------- II 6. 保管・消去

RETENTION_LEGEND = ("<選択肢> 1) 1年未満 2) 1年 3) 2年 4) 3年 5) 4年 6) 5年 7) 6年以上10年未満 8) 10年以上20年未満 "
                    "9) 20年以上 10) 定められていない")
INTAKE = "3. 特定個人情報の入手・使用\n①入手元 ※\t[ ○ ] 本人又は本人の代理人 [ ] その他 ( )\n"
# 全項目評価書 II 6.: ①保管場所, ②保管期間 (期間 and その妥当性 as sub-labels), ③消去方法; in the
# 様式's table layout (sub-labels under a label cell spanning rows), with every label on its own row, and
# flattened onto one row.
STORAGE_FULL = {
    "table": f"""6. 特定個人情報の保管・消去
①保管場所 ※\t<p>データセンターのサーバ室(入退室管理)</p>
②保管期間\t期間\t[ 6年以上10年未満 ]\t{RETENTION_LEGEND}
\tその妥当性\t地方税法の定める期間による。
③消去方法\t保管期間を過ぎたデータをシステムで一括消去する。
7. 備考
""",
    "stacked": f"""6. 特定個人情報の保管・消去
①保管場所 ※
\tデータセンターのサーバ室(入退室管理)
②保管期間
\t期間\t[ 6年以上10年未満 ] {RETENTION_LEGEND}
\tその妥当性\t地方税法の定める期間による。
③消去方法\t保管期間を過ぎたデータをシステムで一括消去する。
7. 備考
""",
    "flattened": f"""6. 特定個人情報の保管・消去\t①保管場所 ※\tデータセンターのサーバ室(入退室管理)
②保管期間\t期間\t<input type="checkbox"/> 5年 <input checked="" type="checkbox"/> 6年以上10年未満 <input type="checkbox"/> 20年以上\tその妥当性\t地方税法の定める期間による。
③消去方法\t保管期間を過ぎたデータをシステムで一括消去する。
7. 備考
""",
}


def storage_document(storage: str, kind: str = "全項目評価書") -> str:
    return header(kind) + FILE_HEAD + INTAKE + storage


@pytest.mark.parametrize("layout", sorted(STORAGE_FULL))
def test_full_assessment_storage_retention_and_erasure(layout):
    """全項目: the three fields of II 6. are read into the file's record, with their lines, and
    reach the file node of the graph; the facts contract does not carry them."""
    text = storage_document(STORAGE_FULL[layout])
    (file,) = extract(decode(text.encode("utf-8"), "variant.txt")).files
    storage = file.storage
    assert (storage.place, storage.period, storage.rationale, storage.erasure) == (
        "データセンターのサーバ室(入退室管理)", "6年以上10年未満", "地方税法の定める期間による。",
        "保管期間を過ぎたデータをシステムで一括消去する。")
    lines = text.splitlines()
    assert "保管場所" in lines[storage.place_line - 1] and "期間" in lines[storage.period_line - 1]
    assert "消去方法" in lines[storage.erasure_line - 1]
    from pdgraph.graph.vocab import PDG
    graph = assessment_graph(extract(decode(text.encode("utf-8"), "variant.txt")))
    (node,) = graph.subjects(PDG.retentionPeriod, None)
    assert {str(graph.value(node, p)) for p in (PDG.storagePlace, PDG.retentionPeriod, PDG.retentionRationale,
                                                PDG.erasureMethod)} == {
        storage.place, storage.period, storage.rationale, storage.erasure}
    assert graph.value(node, PDG.retentionLine).toPython() == storage.period_line
    assert facts_of(text) == facts_of(storage_document("6. 特定個人情報の保管・消去\n7. 備考\n"))


@pytest.mark.parametrize("cell, expected", [
    (f"[ 1年 ] {RETENTION_LEGEND}", "1年"),  # not 1年未満 of the legend
    (f"[ 定められていない ] {RETENTION_LEGEND}", "定められていない"),
    ("■ 1年未満 □ 1年 □ 2年", "1年未満"),
    ("永年", "永年"),  # written out rather than chosen: kept as written
])
def test_retention_period_choice_spellings(cell, expected):
    storage = STORAGE_FULL["table"].replace(f"[ 6年以上10年未満 ]\t{RETENTION_LEGEND}", cell)
    (file,) = extract(decode(storage_document(storage).encode("utf-8"), "variant.txt")).files
    assert file.storage.period == expected


def test_focused_assessment_states_only_the_storage_place():
    """重点項目: II 6. has 保管場所 only; no period or erasure is made up."""
    text = storage_document("6. 特定個人情報の保管・消去\n保管場所 ※\t<p>施錠できるキャビネット</p>\n7. 備考\n", "重点項目評価書")
    (file,) = extract(decode(text.encode("utf-8"), "variant.txt")).files
    assert (file.storage.place, file.storage.period, file.storage.erasure) == ("施錠できるキャビネット", None, None)
