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
