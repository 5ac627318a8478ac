"""pdgraph.map and `pdgraph map`: reading the graph, selections, safety and self-containment of the HTML."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from pdgraph.cli import main
from pdgraph.graph.ingest import ingest
from pdgraph.map import (AGGREGATE_ABOVE, MapOptions, MapSelectionError, build_map, map_from_dataset, payload,
                            read_map, render_html, script_json, select, short_label)
from pdgraph.graph.ingest import assessment_graphs

ROOT = Path(__file__).resolve().parent.parent
MATSUDO = ROOT / "examples" / "000_47fd13a79d78c58a.txt"
NERIMA = ROOT / "examples" / "003_f2d2f4201ce28b38.txt"

HOSTILE = {
    "script": "<script>window.__pwned=1</script>",
    "img": '<img src=x onerror="window.__pwned=1">',
}


def hostile_text() -> str:
    """松戸市 with markup in a recipient and a legal-basis cell, raw and as HTML entities."""
    text = MATSUDO.read_text(encoding="utf-8")
    entities = "&lt;script&gt;window.__pwned=1&lt;/script&gt; &lt;img src=x onerror=\"window.__pwned=1\"&gt;"
    raw = HOSTILE["script"] + " " + HOSTILE["img"]
    text = text.replace("移転先2\t市民部 市民課", f"移転先2\t市民部 市民課 {entities} {raw} &lt;/script&gt;&lt;!--")
    text = text.replace("①法令上の根拠\t住民基本台帳法第7条", f"①法令上の根拠\t住民基本台帳法第7条 {entities} {raw}")
    assert text.count("window.__pwned") == 8
    return text


def no_basis_text() -> str:
    """松戸市 with the ①法令上の根拠 of 移転先2 left blank."""
    text = MATSUDO.read_text(encoding="utf-8")
    assert "①法令上の根拠\t住民基本台帳法第7条" in text
    return text.replace("①法令上の根拠\t住民基本台帳法第7条", "①法令上の根拠\t")


@pytest.fixture(scope="module")
def seed_map(seed_ingested):
    return map_from_dataset(seed_ingested.dataset)


def edge_to(fmap, label: str, category: str | None = None):
    found = [e for e in fmap.edges.values() if fmap.nodes[e.target].label == label
             and (category is None or e.category == category)]
    assert found, f"no edge to {label}"
    return found[0]


# -- reading the graph


def test_tooltip_of_a_flow_writes_out_its_legal_basis(seed_map):
    edge = edge_to(seed_map, "市民部 市民課", "移転")
    info = dict(edge.info)
    assert info["法令上の根拠"] == "住民基本台帳法 第7条"
    assert info["時期・頻度"] == "資格情報の異動発生時に随時連携"
    assert info["本人の数"] == "(空欄)"  # the document leaves ④ unmarked
    assert info["出典"] == "000_47fd13a79d78c58a.txt:99"
    assert edge.label == "庁内共通連携基盤シ…"  # その他 (text): the method's own words, shortened
    assert not edge.warning


def test_provision_tooltip_lists_every_cited_provision_in_order(seed_map):
    oita = select(seed_map, MapOptions(organization="大分市"))
    edge = edge_to(oita, "都道府県知事又は市町村長", "提供")
    basis = dict(edge.info)["法令上の根拠"]
    # 大分市: 番号法第19条第7号 and 別表第二 rows 16の2, 16の3, 115の2 in natural order.
    assert basis.index("番号法 第19条第7号") < basis.index("16の2") < basis.index("16の3") < basis.index("115の2")
    assert edge.label == "情報提供NWS"


def test_annex_rows_are_edges_of_their_own_from_the_aggregate_entry(seed_map):
    groups = [n for n in seed_map.nodes.values() if n.kind == "recipient_group"]
    def annex(node):
        return re.search(r"別紙\d+のとおり\d+件", node.label).group(0)

    assert sorted(map(annex, groups)) == ["別紙1のとおり24件", "別紙2のとおり15件"]
    for group, rows in zip(sorted(groups, key=annex), (24, 15)):
        assert len([e for e in seed_map.edges.values() if e.source == group.id]) == rows
        assert len([e for e in seed_map.edges.values() if e.target == group.id]) == 1


def test_annex_rows_inherit_the_legal_basis_written_for_their_annex(seed_map):
    rows = [e for e in seed_map.edges.values() if e.category == "移転" and "別紙の行" in dict(e.info)["種別"]]
    assert len(rows) == 15
    for row in rows:
        info = dict(row.info)
        assert not row.warning
        assert "番号法 第9条第2項" in info["法令上の根拠 (別紙2の記載から)"]


def test_flow_without_legal_basis_is_a_warning(write_doc):
    result = ingest([write_doc(no_basis_text(), "000_no_basis.txt")])
    fmap = map_from_dataset(result.dataset)
    edge = edge_to(fmap, "市民部 市民課", "移転")
    assert edge.warning
    assert dict(edge.info)["法令上の根拠"].startswith("記載なし")
    assert [e.id for e in fmap.edges.values() if e.warning] == [edge.id]
    record = next(r for r in payload(fmap)["edges"] if r["id"] == edge.id)
    assert record["warn"] is True


def test_node_roles_belong_to_the_selected_assessments(seed_map):
    both = [n for n in seed_map.nodes.values() if n.label == "全国健康保険協会"][0]
    assert both.roles == {"入手元", "提供先"}
    alone = select(seed_map, MapOptions(assessments=("001_cd2fea1f4c88a1a3",))).nodes[both.id]
    assert alone.roles == {"入手元"} and alone.kind == "source"


def test_dataset_and_graph_readers_agree(seed_ingested, seed_map):
    by_graphs = read_map(assessment_graphs(seed_ingested.dataset))
    assert by_graphs.counts() == seed_map.counts()
    assert sorted(by_graphs.edges) == sorted(seed_map.edges)


def test_rdf_sources_give_the_same_map(tmp_path, seed_paths, seed_map):
    runner = CliRunner()
    trig = tmp_path / "seeds.trig"
    assert runner.invoke(main, ["build", *map(str, seed_paths), "-o", str(trig)]).exit_code == 0
    fmap = map_from_dataset(ingest([trig]).dataset)
    assert fmap.counts() == seed_map.counts()


# -- selections


def test_select_by_document_organization_and_layers(seed_map):
    assert set(select(seed_map, MapOptions(assessments=("003_f2d2f4201ce28b38.txt",))).assessments) == \
        set(select(seed_map, MapOptions(organization="練馬")).assessments)
    contractors = select(seed_map, MapOptions(organization="練馬区", layers=("contractors",)))
    assert {e.category for e in contractors.edges.values()} == {"保有", "委託", "再委託"}
    assert {n.kind for n in contractors.nodes.values()} == {"body", "file", "contractor", "subcontractor"}


def test_focus_keeps_the_neighbourhood(seed_map):
    one = select(seed_map, MapOptions(focus="市民部 市民課", depth=1))
    assert sorted(n.label for n in one.nodes.values()) == ["市民部 市民課", "後期高齢者医療ファイル"]
    two = select(seed_map, MapOptions(focus="市民部 市民課", depth=2))
    assert {n.label for n in two.nodes.values()} >= {"松戸市長", "千葉県後期高齢者医療広域連合"}
    assert set(two.assessments) == set(one.assessments) and len(one.assessments) == 1


@pytest.mark.parametrize("options, message", [
    (MapOptions(assessments=("nope",)), "--assessment nope"),
    (MapOptions(organization="存在しない市"), "--organization"),
    (MapOptions(focus="存在しないノード"), "--focus"),
    (MapOptions(layers=("flows", "colours")), "unknown layer"),
])
def test_selection_errors_name_the_option(seed_map, options, message):
    with pytest.raises(MapSelectionError, match=message):
        select(seed_map, options)


def test_short_label_wraps_japanese_text():
    assert short_label("番号法第19条第7号別表第二に定める情報照会者(別紙1のとおり24件)", 10, 2) == \
        "番号法第19条第7号\n別表第二に定める情…"


# -- the HTML page

RESOURCE = re.compile(r"""(?:\b(?:src|href|action|poster|data|formaction)\s*=\s*["']?\s*(?:https?:)?//)"""
                      r"""|url\(\s*["']?\s*(?:https?:)?//|@import|<link\b|<iframe\b|<object\b|<embed\b""", re.I)


@pytest.fixture(scope="module")
def seed_html(seed_map):
    return render_html(seed_map)


def test_page_is_self_contained(seed_html):
    assert "vis-network" in seed_html and "@version 9.1.2" in seed_html  # inlined from pyvis's package
    assert not RESOURCE.findall(seed_html)
    assert "sourceMappingURL" not in seed_html
    assert "cdn.jsdelivr" not in seed_html and "bootstrap" not in seed_html.lower()
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', seed_html).group(1)
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp and "unsafe-inline" not in csp


def test_page_embeds_the_map_as_escaped_json(seed_html, seed_map):
    blocks = re.findall(r'<script id="pdgraph-data" type="application/json">(.*?)</script>', seed_html, re.S)
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert data["counts"]["nodes"] == len(seed_map.nodes) and len(data["edges"]) == len(seed_map.edges)
    assert seed_html.count("</script>") == 3  # data, vis-network, the page's code


def test_script_json_cannot_close_the_script_element():
    text = script_json({"a": "</script><!-- <script>alert(1)</script> & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text)["a"] == "</script><!-- <script>alert(1)</script> & \u2028"


def test_hostile_text_stays_data(write_doc):
    result = ingest([write_doc(hostile_text(), "000_hostile.txt")])
    fmap = map_from_dataset(result.dataset)
    page = render_html(fmap)
    edge = edge_to(fmap, next(n.label for n in fmap.nodes.values() if "市民課" in n.label and "<script>" in n.label))
    assert HOSTILE["script"] in dict(edge.info)["移転先"]  # decoded entities are kept as text …
    assert HOSTILE["script"] in dict(edge.info)["根拠の記載"]
    assert "window.__pwned" in page
    assert HOSTILE["script"] not in page and "<img" not in page and "<!--" not in page  # … and escaped in the page
    assert page.count("</script>") == 3


def test_page_code_never_parses_text_as_html():
    code = (ROOT / "pdgraph" / "data" / "map.js").read_text(encoding="utf-8")
    code = re.sub(r"/\*.*?\*/", "", code, flags=re.S)  # the header comment names the sinks it avoids
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
                 "setTimeout(\"", "fetch(", "XMLHttpRequest", "import("):
        assert sink not in code


def test_render_is_deterministic(seed_ingested):
    first = render_html(map_from_dataset(seed_ingested.dataset))
    second = render_html(map_from_dataset(seed_ingested.dataset))
    assert first == second


def test_aggregated_view_has_one_node_per_body(seed_map, monkeypatch):
    data = payload(seed_map, aggregate=True)
    assert data["mode"] == "aggregated"
    assert sorted(s["id"] for s in data["summaries"]) == sorted(n.id for n in seed_map.nodes.values() if n.kind == "body")
    assert len(data["nodes"]) == len(seed_map.nodes)  # the detail travels with the page
    assert payload(seed_map)["mode"] == "full"
    monkeypatch.setattr("pdgraph.map.AGGREGATE_ABOVE", len(seed_map.nodes) - 1)
    assert payload(seed_map)["mode"] == "aggregated"
    assert AGGREGATE_ABOVE == 500


def test_to_network_is_a_pyvis_network_without_html_titles(seed_map):
    from pyvis.network import Network

    from pdgraph.map import to_network

    net = to_network(seed_map)
    assert isinstance(net, Network)
    assert len(net.nodes) == len(seed_map.nodes) and len(net.edges) == len(seed_map.edges)
    assert not any("title" in n for n in net.nodes)


# -- the command


def test_map_command_writes_one_file_and_no_lib_folder(tmp_path, seed_paths, monkeypatch):
    cwd, out_dir = tmp_path / "cwd", tmp_path / "out"
    cwd.mkdir()
    out_dir.mkdir()
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(main, ["map", *map(str, seed_paths), "-o", str(out_dir / "map.html")])
    assert result.exit_code == 0, result.output
    assert "4 assessment(s), 84 nodes, 118 edges" in result.output
    assert os.listdir(cwd) == []  # pyvis's cdn_resources="local" would have written lib/ here
    assert os.listdir(out_dir) == ["map.html"]


@pytest.mark.parametrize("args, message", [
    (["--assessment", "nope"], "--assessment nope"),
    (["--layers", "flows,colours"], "unknown layer"),
    (["--focus", "存在しないノード"], "--focus"),
])
def test_map_command_bad_selection_exits_2(tmp_path, args, message):
    result = CliRunner().invoke(main, ["map", str(MATSUDO), "-o", str(tmp_path / "m.html"), *args])
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "m.html").exists()


def test_map_command_reports_a_bad_document_and_maps_the_rest(tmp_path, write_doc):
    bad = write_doc("これは評価書ではありません。\n", "bad.txt")
    result = CliRunner().invoke(main, ["map", str(bad), str(MATSUDO), "-o", str(tmp_path / "m.html")])
    assert result.exit_code == 2
    assert "bad.txt" in result.output
    assert "1 assessment(s), 12 nodes, 16 edges" in result.output
    assert (tmp_path / "m.html").exists()


def test_map_command_with_only_bad_documents_exits_2(tmp_path, write_doc):
    bad = write_doc("これは評価書ではありません。\n", "bad.txt")
    result = CliRunner().invoke(main, ["map", str(bad), "-o", str(tmp_path / "m.html")])
    assert result.exit_code == 2
    assert "no assessment" in result.output


def test_build_map_accepts_graphs_or_a_dataset(seed_ingested):
    options = MapOptions(assessments=("000_47fd13a79d78c58a",))
    assert build_map(seed_ingested.dataset, options).counts() == \
        build_map(assessment_graphs(seed_ingested.dataset), options).counts()


def test_map_command_aggregates_on_request_and_reads_rdf(tmp_path, seed_paths):
    runner = CliRunner()
    trig = tmp_path / "seeds.trig"
    assert runner.invoke(main, ["build", *map(str, seed_paths), "-o", str(trig)]).exit_code == 0
    out = tmp_path / "agg.html"
    result = runner.invoke(main, ["map", str(trig), "-o", str(out), "--aggregate", "--title", "<b>四件</b>"])
    assert result.exit_code == 0, result.output
    assert "84 nodes, 118 edges, aggregated" in result.output
    page = out.read_text(encoding="utf-8")
    assert '"mode":"aggregated"' in page
    assert "<title>&lt;b&gt;四件&lt;/b&gt; — pdgraph</title>" in page
