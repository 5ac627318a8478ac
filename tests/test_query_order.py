"""Runner-side ORDER BY (`queries.split_order`, `queries.order_rows`): which clauses are taken out
of a query, and that the rows come back in the order SPARQL's ORDER BY gives (checked against
Oxigraph's own ORDER BY on generated rows)."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from pdgraph.query.order import OrderKey, Ordering, order_rows, split_order
from pdgraph.query.params import sparql_term
from pdgraph.graph.stores import OxigraphStore, Solutions

SELECT = "SELECT ?a ?b WHERE { ?s <urn:p> ?a ; <urn:q> ?b }"


# --------------------------------------------------------------------------- split_order

def test_a_final_order_by_over_projected_variables_is_taken_out():
    text, ordering = split_order(SELECT + "\nORDER BY ?a DESC(?b) ASC(?a)")
    assert text.strip() == SELECT
    assert ordering == Ordering((OrderKey("a"), OrderKey("b", True), OrderKey("a")))


def test_a_key_the_query_does_not_project_is_added_and_hidden():
    text, ordering = split_order(SELECT + " ORDER BY ?s ?a")
    assert text.startswith("SELECT ?a ?b ?s WHERE")
    assert ordering == Ordering((OrderKey("s"), OrderKey("a")), hidden=("s",))


def test_a_grouped_query_may_hide_a_group_key_only():
    grouped = "SELECT ?a (COUNT(*) AS ?n) WHERE { ?s <urn:p> ?a } GROUP BY ?a ?s"
    text, ordering = split_order(grouped + " ORDER BY ?s")
    assert ordering.hidden == ("s",) and "?a (COUNT(*) AS ?n) ?s WHERE" in text
    not_a_key = "SELECT ?a (COUNT(*) AS ?n) WHERE { ?s <urn:p> ?a } GROUP BY ?a ORDER BY ?s"
    assert split_order(not_a_key) == (not_a_key, Ordering())


def test_clauses_that_cannot_be_applied_afterwards_stay_in_the_query():
    for text in (
        SELECT + " ORDER BY ?a LIMIT 10",                      # LIMIT needs the order first
        SELECT + " ORDER BY STR(?a)",                          # an expression, not a variable
        "SELECT DISTINCT ?a WHERE { ?s <urn:p> ?a } ORDER BY ?s",  # hiding ?s would change DISTINCT
        "SELECT * WHERE { ?s <urn:p> ?a } ORDER BY ?a",        # projection unknown
        SELECT,                                                # no ORDER BY at all
    ):
        assert split_order(text) == (text, Ordering())


def test_a_list_column_is_never_a_runner_side_key():
    text = SELECT + " ORDER BY ?a ?b"
    assert split_order(text, lists=("b",)) == (text, Ordering())


def test_order_by_inside_a_subquery_a_string_or_a_comment_is_not_the_final_clause():
    inner = "SELECT ?a WHERE { { SELECT ?a WHERE { ?s <urn:p> ?a } ORDER BY ?a LIMIT 1 } }"
    assert split_order(inner) == (inner, Ordering())
    quoted = 'SELECT ?a WHERE { ?s <urn:p> ?a FILTER(?a != "} ORDER BY ?a") }'
    assert split_order(quoted) == (quoted, Ordering())
    commented = SELECT + "\n# ORDER BY ?a"
    assert split_order(commented) == (commented, Ordering())


# --------------------------------------------------------------------------- order_rows

def ordered(rows, *keys, hidden=()):
    variables = ["a", "b", "c"][:len(rows[0])] if rows else ["a", "b"]
    return order_rows(Solutions(variables, rows), Ordering(tuple(keys), hidden)).rows


def test_sparql_order_of_kinds_numbers_and_strings():
    terms = [Literal("b"), Literal(10), None, URIRef("urn:x"), Literal(2), BNode("n"), Literal("a", lang="ja"),
             Literal(True), Literal("2020-01-01", datatype=XSD.date)]
    got = [row[0] for row in ordered([(t,) for t in terms], OrderKey("a"))]
    assert got[:3] == [None, BNode("n"), URIRef("urn:x")]
    assert got[3:5] == [Literal(2), Literal(10)]  # numbers by value, not as text
    assert got[5] == Literal(True)
    assert got[6:8] == [Literal("a", lang="ja"), Literal("b")]
    assert got[8] == Literal("2020-01-01", datatype=XSD.date)


def test_descending_keys_mixed_directions_ties_and_hidden_columns():
    rows = [(Literal("x"), Literal(1), Literal("first")), (Literal("y"), Literal(1), Literal("second")),
            (Literal("x"), Literal(2), Literal("third")), (Literal("x"), Literal(1), Literal("fourth"))]
    got = ordered(rows, OrderKey("a"), OrderKey("b", True))
    assert [str(r[2]) for r in got] == ["third", "first", "fourth", "second"]  # ties by the whole row
    hidden = order_rows(Solutions(["a", "b", "c"], rows), Ordering((OrderKey("b", True),), hidden=("b",)))
    assert hidden.variables == ["a", "c"] and [str(r[1]) for r in hidden.rows] == ["third", "first", "fourth", "second"]
    # the order the engine found the ties in (it follows the order the graphs were loaded in) never shows
    again = order_rows(Solutions(["a", "b", "c"], rows[::-1]), Ordering((OrderKey("b", True),), hidden=("b",)))
    assert again.rows == hidden.rows


def test_equal_terms_that_are_different_objects_rank_equal():
    rows = [(Literal("same"), Literal(2)), (Literal("same"), Literal(1))]
    got = ordered(rows, OrderKey("a"), OrderKey("b"))
    assert [int(r[1]) for r in got] == [1, 2]


# SPARQL leaves the order between literals of different types (a number and a string) to the
# engine, and no catalogue column mixes them: each generated column holds one literal type.
others = st.one_of(st.none(), st.sampled_from([URIRef("urn:a"), URIRef("urn:b")]))  # no blank nodes in VALUES
numbers = st.one_of(others, st.integers(-50, 50).map(Literal))
strings = st.one_of(others, st.text(alphabet="abcあい", max_size=3).map(Literal),
                    st.sampled_from(["a", "あ"]).map(lambda t: Literal(t, lang="ja")))


@settings(max_examples=80, deadline=None)
@given(rows=st.lists(st.tuples(numbers, strings), min_size=1, max_size=12),
       descending=st.tuples(st.booleans(), st.booleans()))
def test_runner_side_order_equals_oxigraph_order_by(rows, descending):
    values = " ".join(f"({' '.join('UNDEF' if t is None else sparql_term(t) for t in row)} {index})"
                      for index, row in enumerate(rows))
    keys = " ".join(f"{'DESC' if d else 'ASC'}(?{n})" for n, d in zip("ab", descending))
    query = f"SELECT ?a ?b ?i WHERE {{ VALUES (?a ?b ?i) {{ {values} }} }} ORDER BY {keys} ?i"
    store = OxigraphStore()
    expected = store.select(query).rows
    text, ordering = split_order(query)
    assert ordering.keys and "ORDER BY" not in text
    assert order_rows(store.select(text), ordering).rows == expected


def test_braces_in_an_end_of_line_comment_do_not_count():
    text = "SELECT ?a WHERE { ?s <urn:p> ?a # a stray { here\n}\nORDER BY ?a"
    stripped, ordering = split_order(text)
    assert ordering == Ordering((OrderKey("a"),)) and "ORDER BY" not in stripped
