"""Versions of an assessment (issue 14): identity and version apart, every version kept, the order
of the inputs never changes an output.

The second version is 練馬区長's assessment edited by `test_diff.second_version` (a later 公表日,
one 別紙1 row removed, one row's 別表第二 row changed, one 委託先 added, one change row added).
"""
from __future__ import annotations

import itertools

from hypothesis import given, settings, strategies as st
from rdflib import Literal, URIRef
from rdflib import namespace

from pdgraph.graph.versions import (catalogue_iri, catalogue_triples, catalogues, current_graphs, parse_version,
                                    version_graph_iri, version_key, versions_by_assessment)
from pdgraph.graph.vocab import DCAT, ID, PDG
from pdgraph.graph.ingest import assessment_from_path

from conftest import EXAMPLES

AID = "339c1b85fd1cdd79"
NERIMA = EXAMPLES / "003_f2d2f4201ce28b38.txt"


def name(key: str, aid: str = AID) -> str:
    return f"{ID}graph/{aid}/version/{key}"


def test_version_of_a_document_is_its_published_date_and_text(tmp_path):
    a = assessment_from_path(NERIMA)
    key = version_key(a)
    assert key.startswith("2020-01-11-") and len(key) == len("2020-01-11-") + 8
    assert version_graph_iri(a) == URIRef(name(key))
    assert parse_version(version_graph_iri(a)).aid == AID
    again = tmp_path / "again.txt"
    again.write_bytes(NERIMA.read_bytes())
    assert version_key(assessment_from_path(again)) == key  # the same text is the same version
    corrected = tmp_path / "corrected.txt"
    corrected.write_text(NERIMA.read_text(encoding="utf-8").replace("介護保険事務", "介護保険の事務", 1), encoding="utf-8")
    other = version_key(assessment_from_path(corrected))
    assert other != key and other.startswith("2020-01-11-")  # same 公表日, another text: another version


def test_a_document_without_published_date_is_versioned_by_its_text(tmp_path):
    a = assessment_from_path(EXAMPLES / "002_88469595c8747105.txt")  # its 公表日 is blank
    assert a.published is None or a.published.iso is None
    key = version_key(a)
    assert key.startswith("d") and len(key) == 13
    other = tmp_path / "other.txt"
    other.write_text((EXAMPLES / "002_88469595c8747105.txt").read_text(encoding="utf-8") + "\n追記\n", encoding="utf-8")
    assert version_key(assessment_from_path(other)) != key  # other text, other version


V1, V2 = "2020-01-11-0000aaaa", "2021-04-01-0000bbbb"


def test_catalogue_links_versions_oldest_first():
    names = [name(V2), name(V1), name("d0123456789ab")]
    (catalogue,) = catalogues(names).items()
    graph, triples = catalogue
    assert graph == str(catalogue_iri(AID))
    v0, v1, v2 = (URIRef(n) for n in (name("d0123456789ab"), name(V1), name(V2)))
    assessment = ID[f"assessment/{AID}"]
    assert (assessment, DCAT.hasCurrentVersion, v2) in triples
    assert {o for s, p, o in triples if s == assessment and p == DCAT.hasVersion} == {v0, v1, v2}
    assert (v2, namespace.PROV.wasRevisionOf, v1) in triples and (v1, namespace.PROV.wasRevisionOf, v0) in triples
    assert (v2, DCAT.previousVersion, v1) in triples and not any(s == v0 and p == namespace.PROV.wasRevisionOf
                                                                 for s, p, o in triples)
    assert (v1, namespace.DCTERMS.issued, Literal("2020-01-11", datatype=namespace.XSD.date)) in triples
    assert not any(s == v0 and p == namespace.DCTERMS.issued for s, p, o in triples)
    assert [(s, o) for s, p, o in sorted(triples) if p == PDG.versionSequence] == \
        sorted([(v0, Literal(1)), (v1, Literal(2)), (v2, Literal(3))])
    assert all((v, namespace.RDF.type, PDG.AssessmentVersion) in triples for v in (v0, v1, v2))


def test_current_graphs_are_the_newest_versions_and_foreign_graphs():
    other = "https://example.org/graph/1"
    names = [name(V1), name(V2), name("2019-01-0000cccc", "0" * 16), str(catalogue_iri(AID)), other]
    assert current_graphs(names) == sorted([name(V2), name("2019-01-0000cccc", "0" * 16), other])


hexes = st.text("0123456789abcdef", min_size=8, max_size=8)
keys = st.one_of(st.tuples(st.dates(), hexes).map(lambda d: f"{d[0].isoformat()}-{d[1]}"),
                 st.text("0123456789abcdef", min_size=12, max_size=12).map(lambda h: "d" + h))


@settings(deadline=None)  # the machine is shared: no timing in unit tests
@given(st.lists(keys, min_size=1, max_size=6, unique=True), st.randoms())
def test_catalogue_and_current_do_not_depend_on_order(found, random):
    names = [name(k) for k in found]
    assert (len(catalogues(names)) == 1) == (len(names) > 1)  # one version needs no catalogue
    shuffled = list(names)
    random.shuffle(shuffled)
    assert catalogues(names) == catalogues(shuffled)
    assert current_graphs(names) == current_graphs(shuffled)
    versions = versions_by_assessment(names)[AID]
    if len(names) > 1:
        assert catalogue_triples(AID, versions) == catalogues(shuffled)[str(catalogue_iri(AID))]
    dated = sorted(k for k in found if not k.startswith("d"))
    if dated:
        assert current_graphs(names) == [name(dated[-1])]


def test_permutations_of_three_versions_agree():
    names = [name("2016-03-24-00000001"), name("2020-01-11-00000002"), name("2018-10-00000003"),
             name("2020-01-11-00000000")]
    results = {tuple(sorted(map(tuple, catalogues(list(p))[str(catalogue_iri(AID))])))
               for p in itertools.permutations(names)}
    assert len(results) == 1


# -- two versions in one batch: every command keeps both, and the order of the inputs changes nothing

import json  # noqa: E402

import pytest  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from pdgraph.cli import main  # noqa: E402
from test_diff import versions  # noqa: E402


def run(*args: str):
    return CliRunner().invoke(main, [*args, "--quiet"] if args[0] not in ("diff",) else list(args))


@pytest.fixture
def two_versions(tmp_path):
    old, new = versions(tmp_path)
    return str(old), str(new)


def test_build_keeps_both_versions_in_any_order(two_versions, tmp_path):
    old, new = two_versions
    outputs = []
    for order in ((old, new), (new, old)):
        (tmp_path / str(len(outputs))).mkdir()
        out = tmp_path / str(len(outputs)) / "g.trig"
        result = run("build", *order, "-o", str(out))
        assert result.exit_code == 0, result.output
        outputs.append((out.read_bytes(), result.output))
    assert outputs[0][0] == outputs[1][0]
    assert outputs[0][1].replace("/0/", "/1/") == outputs[1][1]
    trig, summary = outputs[0][0].decode("utf-8"), outputs[0][1]
    assert trig.count(f"/graph/{AID}/version/2020-01-11-") >= 1 and f"/graph/{AID}/version/2021-04-01-" in trig
    assert f"/graph/{AID}/versions>" in trig and "hasCurrentVersion" in trig
    assert "2 assessment graph(s)" in summary
    assert "new.txt: 練馬区長 重点項目評価書 No.7" in summary and ", version 2021-04-01-" in summary
    assert "(2 of 2, current)" in summary and "(1 of 2)" in summary


def test_a_store_adds_a_version_and_reingest_is_idempotent(two_versions, tmp_path):
    old, new = two_versions
    store = str(tmp_path / "store")
    assert run("build", old, "--store", store).exit_code == 0
    first = run("build", old, "--store", store)  # the same file again: nothing new
    assert "(1 graph(s) in all)" in first.output and ", version " not in first.output
    added = run("build", new, "--store", store)
    assert "(3 graph(s) in all)" in added.output  # two versions and their catalogue
    assert "version 2021-04-01-" in added.output and "(2 of 2, current)" in added.output
    again = run("build", new, "--store", store)
    assert "(3 graph(s) in all)" in again.output
    # diff between the two versions held in the store: the current one and the one before it
    result = CliRunner().invoke(main, ["diff", "--store", store, "--format", "json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    assert (data["old"]["published"], data["new"]["published"]) == ("2020-01-11", "2021-04-01")
    assert data["counts"] == {"differences": 5, "undeclared": 2, "declared": 1}
    assert data["new"]["version"].startswith("2021-04-01-")
    same = CliRunner().invoke(main, ["diff", "--store", store, "--old", "2021", "--new", "2021"])
    assert same.exit_code == 0 and same.output.splitlines()[-1] == "差分なし"
    wrong = CliRunner().invoke(main, ["diff", "--store", store, "--old", "2019"])
    assert wrong.exit_code == 2 and "its versions, oldest first: 2020-01-11-" in wrong.output


def test_facts_writes_each_version_in_any_order(two_versions, tmp_path):
    old, new = two_versions
    folders = []
    for order in ((old, new), (new, old)):
        out = tmp_path / f"f{len(folders)}"
        assert run("facts", *order, "-o", str(out)).exit_code == 0
        folders.append({p.name: p.read_text(encoding="utf-8") for p in sorted(out.iterdir())})
    assert folders[0] == folders[1]
    assert sorted(folders[0]) == ["new.json", "old.json"]
    published = {name: json.loads(text)["assessment"]["published"] for name, text in folders[0].items()}
    assert published == {"old.json": "2020-01-11", "new.json": "2021-04-01"}


def test_facts_of_versions_with_one_file_name(tmp_path):
    old, new = versions(tmp_path)
    (tmp_path / "v1").mkdir()
    (tmp_path / "v2").mkdir()
    a, b = tmp_path / "v1" / "nerima.txt", tmp_path / "v2" / "nerima.txt"
    a.write_bytes(old.read_bytes())
    b.write_bytes(new.read_bytes())
    names = []
    for order in ((a, b), (b, a)):
        out = tmp_path / f"f{len(names)}"
        assert run("facts", *map(str, order), "-o", str(out)).exit_code == 0
        names.append(sorted(p.name for p in out.iterdir()))
    assert names[0] == names[1]
    assert [n[:len("nerima-2020-01-11")] for n in names[0]] == ["nerima-2020-01-11", "nerima-2021-04-01"]


def test_validate_reports_both_versions_in_any_order(two_versions):
    old, new = two_versions
    outputs = [run("validate", *order, "--format", "json") for order in ((old, new), (new, old))]
    assert outputs[0].exit_code == outputs[1].exit_code
    first, second = (json.loads(o.stdout) for o in outputs)
    for data in (first, second):
        data.pop("elapsed_seconds", None)
    assert first == second
    assert sorted(a["document"] for a in first["assessments"]) == ["new.txt", "old.txt"]
    text = [run("validate", *order) for order in ((old, new), (new, old))]
    assert text[0].output == text[1].output
    assert "old.txt, new.txt are 2 versions of the same assessment" in text[0].output


def test_query_answers_on_the_current_version_in_any_order(two_versions, tmp_path):
    old, new = two_versions

    def answer(*args):
        result = run("query", "recipients-of", *args, "--param", "organization=練馬区長", "--format", "csv")
        assert result.exit_code == 0, result.output
        return result.stdout
    alone = answer(new)
    for store in ("rdflib", "oxigraph"):
        assert answer(old, new, "--store", store) == answer(new, old, "--store", store) == alone
    history = answer(old, new, "--all-versions")
    assert history == answer(new, old, "--all-versions") != alone
    assert "日本私立学校振興・共済事業団" in history and "日本私立学校振興・共済事業団" not in alone
    stored = str(tmp_path / "store")
    assert run("build", new, old, "--store", stored).exit_code == 0
    assert answer("--store", stored) == alone
    # the same rows (two versions tie on the query's ORDER BY keys, and engines break ties apart)
    assert sorted(answer("--store", stored, "--all-versions").splitlines()) == sorted(history.splitlines())


def test_map_draws_the_current_version_in_any_order(two_versions, tmp_path):
    old, new = two_versions
    pages = []
    for order in ((old, new), (new, old), (new,)):
        out = tmp_path / f"m{len(pages)}.html"
        assert run("map", *order, "-o", str(out)).exit_code == 0
        pages.append(out.read_bytes())
    assert pages[0] == pages[1] == pages[2]


def test_map_diff_cli(two_versions, tmp_path):
    old, new = two_versions
    out = tmp_path / "d.html"
    result = run("map", old, new, "--diff", "-o", str(out))
    assert result.exit_code == 1, result.output
    assert "old.txt -> new.txt: 1 flow(s) added, 1 removed, 1 with another legal basis" in result.output
    assert run("map", old, old, "--diff", "-o", str(out)).exit_code == 0
    assert run("map", old, "--diff", "-o", str(out)).exit_code == 2


def test_run_keeps_both_versions_in_any_order(two_versions, tmp_path):
    old, new = two_versions
    outputs = []
    for order in ((old, new), (new, old)):
        out = tmp_path / f"run{len(outputs)}"
        result = run("run", *order, "-o", str(out))
        assert result.exit_code in (0, 1), result.output
        files = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
        files.pop("validation.html")  # it states the run's duration
        outputs.append(files)
    assert outputs[0] == outputs[1]
    assert sorted(n for n in outputs[0] if n.startswith("facts/")) == ["facts/new.json", "facts/old.json"]
    assert b"/versions>" in outputs[0]["graph.trig"]
    alone = tmp_path / "alone"
    assert run("run", new, "-o", str(alone)).exit_code in (0, 1)
    assert outputs[0]["map.html"] == (alone / "map.html").read_bytes()  # the map draws the current version
