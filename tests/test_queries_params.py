"""Parameters are bound as RDF terms: any text round-trips through the VALUES block unchanged
on both stores, and can never change the query (property test)."""
from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Dataset, Literal, URIRef

from pdgraph.query.catalogue import parse_query, run_query
from pdgraph.query.order import where_start
from pdgraph.query.params import sparql_term
from pdgraph.graph.stores import OxigraphStore, RdflibStore

ECHO = parse_query(
    "# title: echo\n# ja: 値をそのまま返す\n# en: echo a parameter\n"
    "# param: value string required — any text\n"
    "# param: tag label optional — a Japanese label\n"
    "SELECT ?value ?tag WHERE { }\n", "echo")


@pytest.fixture(scope="module")
def stores():
    dataset = Dataset()
    dataset.graph(URIRef("https://example.org/g")).add(
        (URIRef("https://example.org/s"), URIRef("https://example.org/p"), Literal("o")))
    oxigraph = OxigraphStore()
    oxigraph.add_dataset(dataset)
    return RdflibStore(dataset), oxigraph


# Texts a SPARQL processor may rewrite before parsing (backslash-u escapes, control characters) are
# refused as parameters (tested below); every other text must come back unchanged.
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40).filter(
    lambda text: "\\u" not in text and "\\U" not in text) | st.sampled_from([
        '"', '\\', '\\"', '"}', '" } UNION { ?s ?p ?o } #', "'''", '"""', "#", "{ }", "<x>", "a\tb", "a\nb",
        '松戸市長" } UNION { ?s ?p ?o } #', "?value", "$value", "\\\\ ."])


@pytest.mark.parametrize("value", ["\\u0022", "a\\U00000022", "nul\x00", "bell\x07"])
def test_values_a_processor_would_rewrite_are_refused(value):
    from pdgraph.query.params import QueryParameterError
    with pytest.raises(QueryParameterError, match="not accepted"):
        ECHO.bind({"value": value})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=TEXT)
def test_any_text_round_trips_as_one_literal(stores, value):
    expected = Literal(unicodedata.normalize("NFKC", value).strip())
    for store in stores:
        answer = run_query(ECHO, store, {"value": value})
        assert answer.rows == [(expected, None)], store.name


def test_undef_for_an_omitted_optional_parameter():
    text = ECHO.render(ECHO.bind({"value": "x"}))
    assert 'VALUES (?value ?tag) { ("x" UNDEF) }' in text


def test_terms_are_written_in_sparql_syntax():
    assert sparql_term(Literal('a"b\\c\nd')) == '"a\\"b\\\\c\\nd"'
    assert sparql_term(Literal("x", lang="ja")) == '"x"@ja'
    assert sparql_term(Literal(5)) == '"5"^^<http://www.w3.org/2001/XMLSchema#integer>'
    assert sparql_term(URIRef("https://example.org/a")) == "<https://example.org/a>"
    assert sparql_term(None) == "UNDEF"


def test_the_values_block_opens_the_where_group():
    text = '# a { in a comment\nPREFIX p: <https://x.org/a#{>\nSELECT ("{" AS ?x) WHERE { ?s ?p ?o }'
    assert text[where_start(text)] == "{" and text[where_start(text) - 6:where_start(text)] == "WHERE "


def test_a_system_kind_is_derived_as_its_concept_and_an_unknown_kind_as_nothing():
    from pdgraph.query.catalogue import load_catalogue
    from pdgraph.query.params import NOTHING
    from pdgraph.graph.vocab import PDG

    query = load_catalogue()["systems-connected-to"]
    assert query.values(query.bind({"kind": "中間サーバ"}))["kindNode"] == [PDG.IntermediateServer]
    assert query.values(query.bind({"kind": "宛名システム"}))["kindNode"] == [PDG.AddressSystem]
    assert query.values(query.bind({"kind": "存在しない種類"}))["kindNode"] == [NOTHING]
    assert "VALUES (?kindNode) { (<urn:pdgraph:none>) }" in query.render(query.bind({"kind": "x"}))
