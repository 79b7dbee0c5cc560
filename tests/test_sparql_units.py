"""Unit tests of the endpoint's pure parts: protocol parsing, negotiation, safety, USING."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from carnet_kg.sparql import formats, protocol, safety
from carnet_kg.sparql.lexer import names_dataset
from carnet_kg.sparql.update_dataset import add_using


def parse(method="GET", media=None, charset=None, url="", body=b""):
    return protocol.parse(method, media, charset, url, body)


def test_get_query_and_dataset():
    op = parse(url="query=ASK%20%7B%7D&default-graph-uri=http%3A%2F%2Fg1"
                   "&named-graph-uri=http%3A%2F%2Fg2")
    assert (op.kind, op.text, op.default_graphs, op.named_graphs) == (
        "query", "ASK {}", ["http://g1"], ["http://g2"])


def test_get_without_query_is_the_service_description():
    assert parse() is None


@pytest.mark.parametrize("kwargs, status", [
    ({"url": "query=ASK%20%7B%7D&query=ASK%20%7B%7D"}, 400),
    ({"url": "update=CLEAR%20ALL"}, 400),
    ({"method": "PUT", "url": "query=ASK%20%7B%7D"}, 405),
    ({"method": "POST", "media": "text/plain", "body": b"ASK {}"}, 400),
    ({"method": "POST", "body": b"query=ASK {}"}, 400),
    ({"method": "POST", "media": protocol.QUERY_TYPE, "charset": "UTF-16",
      "body": "ASK {}".encode("utf-16")}, 415),
    ({"method": "POST", "media": protocol.QUERY_TYPE, "body": b"ASK {\xff}"}, 400),
    ({"method": "POST", "media": protocol.FORM_TYPE, "body": b"update=A&update=B"}, 400),
    ({"method": "POST", "media": protocol.FORM_TYPE, "body": b"query=A&update=B"}, 400),
    ({"url": "query=ASK%20%7B%7D&timeout=abc"}, 400),
    ({"url": "query=ASK%20%7B%7D&timeout=nan"}, 400),
    ({"url": "query=ASK%20%7B%7D&timeout=-1"}, 400),
])
def test_bad_requests(kwargs, status):
    with pytest.raises(protocol.ProtocolError) as error:
        parse(**kwargs)
    assert error.value.status == status and error.value.message


def test_form_post_merges_url_parameters():
    op = parse("POST", protocol.FORM_TYPE, None, "default-graph-uri=http%3A%2F%2Fg",
               b"query=ASK%20%7B%7D")
    assert op.text == "ASK {}" and op.default_graphs == ["http://g"]


def test_direct_update_post_with_using_graphs():
    op = parse("POST", protocol.UPDATE_TYPE, "utf-8", "using-graph-uri=http%3A%2F%2Fg",
               b"CLEAR ALL")
    assert op.kind == "update" and op.default_graphs == ["http://g"]


def accept(header: str) -> MIMEAccept:
    return parse_accept_header(header, MIMEAccept)


@pytest.mark.parametrize("header, results, graph", [
    ("", "json", "turtle"),
    ("*/*", "json", "turtle"),
    ("application/sparql-results+xml", "xml", None),
    ("text/csv;q=0.5, text/tab-separated-values", "tsv", None),
    ("application/ld+json", None, "jsonld"),
    ("application/rdf+xml;q=0.9, text/turtle;q=0.1", None, "rdfxml"),
    ("application/json", "json", None),
    ("text/html", None, None),
])
def test_negotiation_honours_q_values(header, results, graph):
    chosen = formats.choose(accept(header), None)
    assert (chosen.results.key if chosen.results else None,
            chosen.graph.key if chosen.graph else None) == (results, graph)


def test_format_parameter_wins_and_unknown_is_refused():
    chosen = formats.choose(accept("text/csv"), "json")
    assert chosen.results.key == "json" and chosen.graph.key == "jsonld"
    # ASK: CSV is not a boolean format, the next acceptable one counts
    ask = formats.choose(accept("text/csv, application/sparql-results+json;q=0.5"), None)
    assert ask.results.key == "csv" and ask.boolean.key == "json"
    with pytest.raises(formats.NotAcceptable, match="unknown format"):
        formats.choose(accept(""), "yaml")


def test_service_is_refused_unless_allowed():
    query = "SELECT * { SERVICE <http://remote.example/sparql> { ?s ?p ?o } }"
    with pytest.raises(safety.Refused, match="not allowed"):
        safety.check_query(query, frozenset())
    safety.check_query(query, frozenset({"http://remote.example/sparql"}))
    safety.check_query('SELECT * { ?s ?p "service" }', frozenset())  # a word, not a call
    with pytest.raises(safety.Refused, match="full IRI"):
        safety.check_query("SELECT * { SERVICE ?e { ?s ?p ?o } }", frozenset())


def test_load_is_refused_and_dataset_clauses_are_seen():
    with pytest.raises(safety.Refused, match="LOAD"):
        safety.check_update("LOAD <http://x.example/data.ttl>", frozenset())
    facts = safety.check_update("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
                                frozenset())
    assert facts.has_dataset_clause
    assert not safety.check_update("INSERT DATA { <a:b> <a:c> <a:d> }",
                                   frozenset()).has_dataset_clause


def test_add_using_before_each_where_but_not_delete_where():
    text = (
        'INSERT DATA { <a:a> <a:p> "WHERE {" } ;\n# WHERE in a comment\n'
        "DELETE WHERE { ?s ?p ?o } ;\n"
        "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o } ;\n"
        "INSERT { ?s ?p ?o } WHERE { { SELECT ?s ?p ?o WHERE { ?s ?p ?o } } }"
    )
    out = add_using(text, ["http://d"], ["http://n"])
    assert out.count("USING <http://d> USING NAMED <http://n> WHERE") == 2
    assert "DELETE WHERE { ?s ?p ?o }" in out
    assert '"WHERE {"' in out and "# WHERE in a comment" in out
    assert add_using(text, [], []) == text


def test_names_dataset_sees_only_real_from_clauses():
    assert names_dataset("SELECT * FROM <http://g> WHERE { ?s ?p ?o }")
    assert names_dataset("SELECT * FROM NAMED <http://g> { GRAPH ?g { ?s ?p ?o } }")
    assert not names_dataset('SELECT * WHERE { ?s ?p "from" } # FROM <x>')
    assert not names_dataset("SELECT * WHERE { ?s <http://ex/from> ?o }")


def test_service_glued_to_a_number_is_still_checked():
    query = "SELECT * WHERE { ?s ?p 1SERVICE <http://127.0.0.1:9/c> { ?a ?b ?c } }"
    with pytest.raises(safety.Refused):
        safety.check_query(query, frozenset())
    with pytest.raises(safety.Refused):
        safety.check_update("INSERT { ?s ?p ?o } WHERE { ?s ?p 1SERVICE <http://x> "
                            "{ ?s ?p ?o } }", frozenset())


def test_a_variable_named_from_is_not_a_dataset_clause():
    assert not names_dataset("SELECT (COUNT(?from) AS ?n) WHERE { ?from ?p ?o }")
    assert not names_dataset("PREFIX from: <http://x/> SELECT * { ?s from:p ?o }")
