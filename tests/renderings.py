"""Renderings of a converted assessment (tab-separated cells) as other converters print it.

Test helpers, no pdgraph code: each function takes text in the cells layout the examples use
(one form row per line, label TAB value) and prints it the way a reader of PDFs or a web page
would hand it over, so that a test can compare the facts of both:

- `as_lines`: ``pdftotext`` default mode: every cell alone on its lines, wrapped at the cell
  width, a blank line after each cell;
- `as_beside`: ``pdftotext -raw`` and many web copies: the value on the label's line, after a space,
  its continuation lines wrapped under it;
- `paginate`: pages with a running header (the 評価書名) and a page number ("3 / 12", "- 3 -",
  "3 / 12 ページ"), separated by form feeds or not;
- `one_line_per_page`: each page's lines joined by single spaces (document-sharing sites);
- `in_web_page`: site menus and breadcrumbs before the form, "ページの先頭へ" and a site footer
  after it.
"""
from __future__ import annotations

import unicodedata

# A 重点項目評価書 written by hand from the labels of the 様式 (様式3) in the cells layout of the
# examples: header, I (事務, two systems, ファイル名, 個人番号の利用, 情報連携, 担当部署), II (基本情報,
# 入手, 委託, 提供), (別添1) 記録項目 and (別添2) 変更箇所.
FORM = """特定個人情報保護評価書(重点項目評価書)
評価書番号\t評価書名
12\t架空市 介護保険に関する事務 重点項目評価書
個人のプライバシー等の権利利益の保護の宣言
架空市は、介護保険に関する事務における特定個人情報ファイルの取扱いに当たり、その取扱いが個人のプライバシー等の権利利益に影響を及ぼしかねないことを認識し、適切な措置を講じることで、個人のプライバシー等の権利利益の保護に取り組んでいることを宣言する。
特記事項
—
評価実施機関名
架空市長
公表日
平成30年6月18日
I 基本情報
1. 特定個人情報ファイルを取り扱う事務
①事務の名称\t介護保険に関する事務
②事務の内容 ※\t介護保険法に基づき、資格管理、保険料の賦課・収納、要介護認定、保険給付などの事務を行う。
③対象人数\t[ 10万人以上30万人未満 ] <選択肢> 1) 1,000人未満(任意実施) 2) 1,000人以上1万人未満 3) 1万人以上10万人未満 4) 10万人以上30万人未満 5) 30万人以上
2. 特定個人情報ファイルを取り扱う事務において使用するシステム
システム1
①システムの名称\t介護保険システム
②システムの機能\t資格管理、賦課、収納、認定、給付の各機能を持つ。
③他のシステムとの接続\t[ ○ ] 情報提供ネットワークシステム [ ] 庁内連携システム [ ] 住民基本台帳ネットワークシステム [ ○ ] 既存住民基本台帳システム [ ○ ] 宛名システム等 [ ] 税務システム [ ] その他 ( )
システム2
①システムの名称\t中間サーバー
②システムの機能\t符号管理機能、情報照会機能、情報提供機能を持つ。
③他のシステムとの接続\t[ ○ ] 情報提供ネットワークシステム [ ] 庁内連携システム [ ] 住民基本台帳ネットワークシステム [ ] 既存住民基本台帳システム [ ○ ] 宛名システム等 [ ] 税務システム [ ] その他 ( )
3. 特定個人情報ファイル名
介護保険ファイル
4. 個人番号の利用 ※
法令上の根拠\t番号法第9条第1項 別表第一の68の項
5. 情報提供ネットワークシステムによる情報連携 ※
①実施の有無\t[ 実施する ] <選択肢> 1) 実施する 2) 実施しない 3) 未定
②法令上の根拠\t【情報提供の根拠】番号法第19条第7号 別表第二の94の項 【情報照会の根拠】番号法第19条第7号 別表第二の93の項
6. 評価実施機関における担当部署
①部署\t健康福祉部 介護保険課
②所属長の役職名\t介護保険課長
7. 他の評価実施機関
II 特定個人情報ファイルの概要
1. 特定個人情報ファイル名
介護保険ファイル
2. 基本情報
①ファイルの種類 ※\t[ システム用ファイル ] <選択肢> 1) システム用ファイル 2) その他の電子ファイル(表計算ファイル等)
②対象となる本人の数\t[ 10万人以上100万人未満 ] <選択肢> 1) 1万人未満 2) 1万人以上10万人未満 3) 10万人以上100万人未満 4) 100万人以上1,000万人未満 5) 1,000万人以上
③対象となる本人の範囲 ※\t介護保険の被保険者及びその世帯員
④記録される項目\t[ 50項目以上100項目未満 ] <選択肢> 1) 10項目未満 2) 10項目以上50項目未満 3) 50項目以上100項目未満 4) 100項目以上
⑤保有開始日\t平成28年1月1日
⑥事務担当部署\t介護保険課
3. 特定個人情報の入手・使用
①入手元 ※\t[ ○ ] 本人又は本人の代理人 [ ○ ] 評価実施機関内の他部署 ( 市民課、税務課 ) [ ] 行政機関・独立行政法人等 ( ) [ ] 地方公共団体・地方独立行政法人 ( ) [ ] 民間事業者 ( ) [ ] その他 ( )
②入手方法\t[ ○ ] 紙 [ ] 電子記録媒体(フラッシュメモリを除く。) [ ] フラッシュメモリ [ ] 電子メール [ ○ ] 専用線 [ ○ ] 庁内連携システム [ ] 情報提供ネットワークシステム [ ] その他 ( )
③使用目的 ※\t介護保険の資格管理、賦課、給付を行うため。
4. 特定個人情報ファイルの取扱いの委託
委託の有無 ※\t[ 委託する ] <選択肢> 1) 委託する 2) 委託しない ( 1 ) 件
委託事項1\t介護保険システムの運用保守
①委託内容\t介護保険システムの運用及び保守
②委託先における取扱者数\t[ 10人未満 ] <選択肢> 1) 10人未満 2) 10人以上50人未満
③委託先名\t架空システム株式会社
④再委託の有無 ※\t[ 再委託しない ] <選択肢> 1) 再委託する 2) 再委託しない
5. 特定個人情報の提供・移転(委託に伴うものを除く。)
提供・移転の有無\t[ ○ ] 提供を行っている ( 1 ) 件 [ ] 移転を行っている ( ) 件 [ ] 行っていない
提供先1\t架空県後期高齢者医療広域連合
①法令上の根拠\t番号法第19条第7号 別表第二の94の項
②提供先における用途\t後期高齢者医療制度に関する事務
③提供する情報\t介護保険給付等関係情報
④提供する情報の対象となる本人の数\t[ 1万人以上10万人未満 ] <選択肢> 1) 1万人未満 2) 1万人以上10万人未満
⑥提供方法\t[ ○ ] 情報提供ネットワークシステム [ ] 専用線 [ ] 電子メール [ ] 紙 [ ] その他 ( )
⑦時期・頻度\t照会の都度
(別添1) 特定個人情報ファイル記録項目
氏名\t住所
生年月日\t性別
被保険者番号\t個人番号
(別添2) 変更箇所
変更日\t項目\t変更前の記載\t変更後の記載\t提出時期\t提出時期に係る説明
平成30年6月18日\tI-6 ②所属長の役職名\t介護保険課長 甲\t介護保険課長\t事後\t人事異動
"""


def width_of(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


def wrap(text: str, width: int) -> list[str]:
    """Lines of ``text`` wrapped character by character at ``width`` columns (Japanese breaks
    anywhere); a space that falls at a wrap is dropped, as a PDF renderer does."""
    lines, line = [], ""
    for ch in text:
        if line and width_of(line + ch) > width:
            lines.append(line.rstrip())
            line = "" if ch == " " else ch
            continue
        line += ch
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def _rows(cells_text: str) -> list[list[str]]:
    return [line.split("\t") for line in cells_text.strip("\n").split("\n")]


def as_lines(cells_text: str, width: int = 60, label_width: int = 16) -> list[str]:
    """pdftotext's default output: each cell on its own lines, the first cell of a row (the
    label) wrapped at ``label_width``, the others at ``width``, a blank line after a cell."""
    out: list[str] = []
    for cells in _rows(cells_text):
        cells = [c.strip() for c in cells if c.strip()]
        for index, cell in enumerate(cells):
            out.extend(wrap(cell, label_width if index == 0 and len(cells) > 1 else width))
            out.append("")
    return out


def as_beside(cells_text: str, width: int = 60) -> list[str]:
    """``pdftotext -raw``: the cells of a row on one line joined by a space, wrapped at ``width``
    (a table row of short cells, three or more, fits its line: each cell has its own column)."""
    out: list[str] = []
    for cells in _rows(cells_text):
        line = " ".join(c.strip() for c in cells if c.strip())
        out.extend(wrap(line, width) if len(cells) < 3 else [line])
    return out


FOOTERS = {"slash": "{n} / {m}", "tight": "{n}/{m}", "dashes": "- {n} -", "page-word": "{n} / {m} ページ"}


def paginate(lines: list[str], per_page: int, header: str, footer: str = "{n} / {m}",
             feeds: bool = True) -> list[list[str]]:
    """The lines cut into pages of ``per_page`` lines, each opening with ``header`` and closing
    with its page number; with ``feeds`` each page after the first starts with a form feed."""
    bodies = [lines[i:i + per_page] for i in range(0, len(lines), per_page)]
    pages = []
    for n, body in enumerate(bodies, 1):
        page = [header, "", *body, "", footer.format(n=n, m=len(bodies))]
        if feeds and n > 1:
            page[0] = "\f" + page[0]
        pages.append(page)
    return pages


def joined(pages: list[list[str]]) -> str:
    return "\n".join(line for page in pages for line in page) + "\n"


def one_line_per_page(pages: list[list[str]]) -> str:
    """Each page as one line: its non-blank lines joined by single spaces."""
    return "\n".join(" ".join(line.strip("\f") for line in page if line.strip()) for page in pages) + "\n"


WEB_BEFORE = """メインメニューへ移動
本文へ移動
サイトマップ
English
文字サイズ 標準 拡大
ホーム > 市政情報 > 個人情報保護 > 特定個人情報保護評価
特定個人情報保護評価書を公表します
更新日:2019年6月18日
ページID:1234
"""

WEB_AFTER = """ページの先頭へ
このページに関するお問い合わせ
総務部 総務課 情報公開担当
電話:000-000-0000
プライバシーポリシー
リンク・著作権
Copyright © Kakuu City. All rights reserved.
"""


def in_web_page(text: str) -> str:
    """The form as a web page prints it: site menus and a breadcrumb before it, a link back to the
    top and the site footer after it."""
    return WEB_BEFORE + "\n" + text.rstrip("\n") + "\n\n" + WEB_AFTER
