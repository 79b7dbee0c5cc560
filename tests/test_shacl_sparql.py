"""The compiled SPARQL validator gives exactly pyshacl's report.

For the sample data (as ``pipeline.check`` hands it to validation), every broken fixture of
test_shapes.py and small hand-made graphs exercising each supported constraint component (with
their edge cases: language tags against datatypes, blank nodes, ill-typed literals, subclass
targets...), ``shacl_sparql`` must give the same violations (focus, path, value, messages,
severity, shape) and the same conformance as pyshacl run as ``validation.validate`` runs it.
"""

from __future__ import annotations

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import Graph, Literal
from rdflib.namespace import SH

from carnet_kg import pipeline, shacl_sparql, validation
from carnet_kg.config import PROJECT_ROOT, Settings
from carnet_kg.shacl_sparql import Unsupported, compile_shapes, load_graph

from .test_shapes import BASE, FIXTURES, VALID, parse

PREFIXES = """\
@prefix ex: <http://example.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

# the ontology of the hand-made cases: subclasses, and a named individual typed by it only
ONTOLOGY = PREFIXES + """
ex:Super a owl:Class .
ex:Sub a owl:Class ; rdfs:subClassOf ex:Super .
ex:SubSub a owl:Class ; rdfs:subClassOf ex:Sub .
ex:Other a owl:Class .
ex:individual a owl:NamedIndividual , ex:Sub ; rdfs:label "an individual"@en .
"""


def key(violations: list[validation.Violation]) -> list[tuple]:
    return sorted(
        (v.focus, v.path or "", v.value or "", sorted(v.messages.items()), v.severity,
         v.shape or "")
        for v in violations
    )


def graph(text: str) -> Graph:
    return Graph().parse(data=PREFIXES + text, format="turtle", publicID=BASE)


def reference(data: Graph, shapes: Graph, ontology: Graph) -> tuple[bool, list[tuple]]:
    """pyshacl, called as validation.validate calls it."""
    conforms, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none", advanced=True,
        allow_warnings=True,
    )
    return conforms, key(validation._violations(report, shapes, lambda _: None, lambda _: True))


def compiled(data: Graph, shapes: Graph, ontology: Graph) -> tuple[bool, list[tuple]]:
    store, terms = load_graph(data)
    report = compile_shapes(shapes, ontology).validate(store, terms=terms, namespaces=data)
    conforms = report.value(next(report.subjects(SH.conforms, None)), SH.conforms)
    violations = validation._violations(report, shapes, lambda _: None, lambda _: True)
    return bool(conforms.value), key(violations)


def assert_same(shapes_text: str, data_text: str, ontology_text: str = ONTOLOGY) -> list:
    shapes, data, ontology = graph(shapes_text), graph(data_text), graph(ontology_text)
    expected = reference(data, shapes, ontology)
    assert compiled(data, shapes, ontology) == expected
    return expected[1]


def same_report(data: Graph, settings: Settings | None = None, **kwargs) -> validation.Report:
    expected = validation.validate(data, settings, compiled=False, **kwargs)  # pyshacl
    got = shacl_sparql.validate_graph(data, settings, **kwargs)
    assert key(got.violations) == key(expected.violations)
    assert [v.source for v in got.violations] == [v.source for v in expected.violations]
    assert got.conforms == expected.conforms
    return got


# -- our shapes --------------------------------------------------------------------------------


def test_sample_data_as_the_pipeline_reads_it(monkeypatch):
    settings = Settings(base=BASE)
    captured = {}

    def capture(data, settings, source_of=None, concerns=None, compiled=None):
        captured.update(data=data, source_of=source_of, concerns=concerns)
        return validation.Report(conforms=True)

    monkeypatch.setattr(pipeline, "validate", capture)
    pipeline.check([PROJECT_ROOT / "data"], settings)
    assert len(captured["data"]) > 400
    same_report(captured["data"], settings, source_of=captured["source_of"],
                concerns=captured["concerns"])
    same_report(captured["data"], settings)
    merged = Graph()  # the batch as the aggregate of its graphs or as one graph: one report
    for triple in captured["data"]:
        merged.add(triple)
    assert key(same_report(merged, settings).violations) == key(
        same_report(captured["data"], settings).violations)


def test_a_small_valid_knowledge_base():
    report = same_report(parse(VALID))
    assert report.conforms


@pytest.mark.parametrize("name", sorted(p.stem for p in FIXTURES.glob("*.ttl")))
def test_broken_fixture(name: str):
    report = same_report(parse(FIXTURES / f"{name}.ttl"))
    assert not report.conforms


def test_all_fixtures_at_once():
    """One graph holding every fixture (blank nodes of different files kept apart)."""
    same_report(parse(*sorted(FIXTURES.glob("*.ttl"))))


def test_data_that_describes_ontology_terms_is_left_to_pyshacl():
    """A data node the inoculated ontology also describes: pyshacl reads both."""
    data = parse(VALID, """
        @prefix ckg: <https://w3id.org/carnet-kg/ontology#> .
        @prefix dcterms: <http://purl.org/dc/terms/> .
        ckg:Public a ckg:GeneralNote ; dcterms:title "Public"@en .
    """)
    report = same_report(data)
    assert any(v.focus == "https://w3id.org/carnet-kg/ontology#Public" for v in report.violations)


def test_the_queries_can_be_read():
    queries = shacl_sparql.compiled_for().queries()
    assert len(queries) > 100
    assert all(q.lstrip().upper().startswith(("SELECT", "PREFIX")) for _s, _c, q in queries)


# -- hand-made graphs, one component family each -----------------------------------------------

CASES = {
    "datatype": ("""
        ex:S a sh:NodeShape ; sh:targetClass ex:Super ;
            sh:property [ sh:path ex:int ; sh:datatype xsd:integer ] ,
                [ sh:path ex:str ; sh:datatype xsd:string ; sh:message "a string"@en ] ,
                [ sh:path ex:lang ; sh:datatype rdf:langString ] ,
                [ sh:path ex:when ; sh:datatype xsd:dateTime ] ,
                [ sh:path ex:dbl ; sh:datatype xsd:double ] ,
                [ sh:path ex:dec ; sh:datatype xsd:decimal ] ,
                [ sh:path ex:lit ; sh:datatype rdfs:Literal ] ,
                [ sh:path ex:custom ; sh:datatype ex:myType ] .
        """, """
        ex:a a ex:Sub ; ex:int 1 , "abc"^^xsd:integer , "1.5"^^xsd:decimal , "1"@en , ex:x ,
                "٣"^^xsd:integer , "+7"^^xsd:integer ;
            ex:str "plain" , "explicit"^^xsd:string , "tagged"@fr , 3 , [ ex:p 1 ] ;
            ex:lang "x"@en , "y"@EN-GB , "z" , "w"^^xsd:string ;
            ex:when "2024-01-01T10:00:00Z"^^xsd:dateTime , "2024-02-30T10:00:00Z"^^xsd:dateTime ,
                "2024-01-01T24:00:00Z"^^xsd:dateTime , "2024-01-01T10:00:00"^^xsd:dateTime ,
                "2024-01-01T10:00:00.1234567Z"^^xsd:dateTime , "2024-01-01"^^xsd:dateTime ,
                "2024-01-01T10:00:00-05:00"^^xsd:dateTime , "0000-01-01T00:00:00Z"^^xsd:dateTime ;
            ex:dbl "1.5E3"^^xsd:double , "INF"^^xsd:double , "x"^^xsd:double , 2.5 ;
            ex:dec 2.5 , "1e3"^^xsd:decimal ;
            ex:lit "a" , ex:iri , 4 ;
            ex:custom "q"^^ex:myType , "q"^^ex:otherType .
        ex:b a ex:SubSub ; ex:int "12"^^xsd:integer .
        """),
    "node kinds": ("""
        ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:v ;
            sh:property [ sh:path ex:v ; sh:nodeKind sh:IRI ] ,
                [ sh:path ex:v ; sh:nodeKind sh:BlankNode ] ,
                [ sh:path ex:v ; sh:nodeKind sh:Literal ] ,
                [ sh:path ex:v ; sh:nodeKind sh:BlankNodeOrIRI ] ,
                [ sh:path ex:v ; sh:nodeKind sh:BlankNodeOrLiteral ] ,
                [ sh:path ex:v ; sh:nodeKind sh:IRIOrLiteral ] .
        """, """
        ex:a ex:v ex:iri , [ ex:p "in a blank node" ] , "lit" , 5 .
        [ ex:v "from a blank focus node"@en ] .
        """),
    "classes and targets": ("""
        ex:S a sh:NodeShape ; sh:targetClass ex:Super ;
            sh:property [ sh:path ex:link ; sh:class ex:Super ] ,
                [ sh:path ex:other ; sh:class ex:Sub , ex:Other ] .
        ex:T a sh:NodeShape ; sh:targetNode ex:absent , ex:a , "a literal target" ;
            sh:property [ sh:path ex:link ; sh:minCount 1 ] .
        ex:U a sh:NodeShape ; sh:targetObjectsOf ex:link ; sh:nodeKind sh:IRI .
        ex:Implicit a sh:NodeShape , rdfs:Class ; sh:property [ sh:path ex:q ; sh:minCount 1 ] .
        """, """
        ex:a a ex:SubSub ; ex:link ex:b , ex:individual , ex:untyped , "lit" , _:blank ;
            ex:other ex:b , ex:c .
        ex:b a ex:Sub ; ex:link ex:a .
        ex:c a ex:Other , ex:Sub .
        _:blank a ex:Super .
        ex:d a ex:DataSub ; ex:link ex:nothing .
        ex:DataSub rdfs:subClassOf ex:Sub .
        ex:e a ex:Implicit .
        """),
    "cardinalities": ("""
        ex:S a sh:NodeShape ; sh:targetClass ex:Super ;
            sh:property [ sh:path ex:one ; sh:minCount 1 ; sh:maxCount 1 ] ,
                [ sh:path ex:two ; sh:minCount 2 ; sh:maxCount 3 ] ,
                [ sh:path ex:none ; sh:maxCount 0 ] , [ sh:path ex:one ; sh:minCount 0 ] .
        """, """
        ex:a a ex:Super ; ex:one 1 , "1" , _:x ; ex:two 1 ; ex:none ex:z .
        ex:b a ex:Super ; ex:two 1 , 2 , 3 , 4 .
        [ a ex:Sub ; ex:one ex:o ; ex:two [ ] , [ ] ] .
        """),
    "strings": ("""
        ex:S a sh:NodeShape ; sh:targetClass ex:Super ;
            sh:property [ sh:path ex:code ; sh:pattern "^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$" ] ,
                [ sh:path ex:name ; sh:pattern "^ab" ; sh:flags "i" ] ,
                [ sh:path ex:name ; sh:pattern "b(?=c)" ] ,
                [ sh:path ex:url ; sh:pattern "^https?://[^/]+" ; sh:pattern "\\\\.org/" ] ,
                [ sh:path ex:name ; sh:minLength 3 ; sh:maxLength 5 ] ,
                [ sh:path ex:label ; sh:languageIn ( "en" "fr-CA" ) ; sh:uniqueLang true ] ,
                [ sh:path ex:any ; sh:languageIn ( "*" ) ] .
        """, """
        ex:a a ex:Super ; ex:code "fr" , "fr-CA" , "FR" , "fr\\n" , "fré" , 12 , ex:fr ;
            ex:name "Abc" , "abcdef" , "xbcd" , "ab"@en , "ça" , [ ex:p 1 ] , 12345 , 1.50 ;
            ex:url <http://example.org/x> , "https://example.com/y" , <urn:x> ,
                "http://exämple.org/ü" ;
            ex:label "a"@en , "b"@EN , "c"@en-GB , "d"@fr-ca , "e"@fr , "f" , "g"@fr-CA-x-ab ;
            ex:any "x" , "y"@de .
        """),
    "values": ("""
        ex:S a sh:NodeShape ; sh:targetClass ex:Super ;
            sh:property [ sh:path ex:v ; sh:in ( ex:one "two" 3 "four"@en ) ] ,
                [ sh:path ex:v ; sh:hasValue ex:one ] , [ sh:path ex:w ; sh:hasValue "two" ] .
        ex:T a sh:NodeShape ; sh:targetClass ex:Super ; sh:hasValue ex:a ;
            sh:in ( ex:a ex:b ) .
        """, """
        ex:a a ex:Super ; ex:v ex:one , "two" , 3 , "four"@en , "four"@fr , "3" , 3.0 , ex:five ;
            ex:w "two"@en .
        ex:b a ex:Super ; ex:v "two" ; ex:w "two" .
        ex:c a ex:Sub .
        """),
    "ranges": ("""
        ex:S a sh:NodeShape ; sh:targetClass ex:Super ;
            sh:property [ sh:path ex:n ; sh:minInclusive 1 ; sh:maxExclusive 10 ] ,
                [ sh:path ex:d ; sh:minExclusive 0.5 ; sh:maxInclusive 1.0E1 ] ,
                [ sh:path ex:t ; sh:minInclusive "2024-01-01T00:00:00Z"^^xsd:dateTime ] ,
                [ sh:path ex:s ; sh:maxInclusive "m" ] .
        """, """
        ex:a a ex:Super ; ex:n 0 , 1 , 9 , 10 , 5.5 , 2.0E0 , "7" , ex:x , "abc"^^xsd:integer ,
                "99999999999999999999999"^^xsd:integer , "NaN"^^xsd:double ;
            ex:d 0.5 , 0.6 , 10 , "1E1"^^xsd:double , 11.0 , "5"^^xsd:float ;
            ex:t "2023-12-31T23:00:00-05:00"^^xsd:dateTime , "2023-06-01T00:00:00Z"^^xsd:dateTime ,
                "2024-06-01T00:00:00"^^xsd:dateTime ;
            ex:s "a" , "z" , "m"@en , 5 .
        """),
    "property pairs": ("""
        ex:S a sh:NodeShape ; sh:targetClass ex:Super ;
            sh:property [ sh:path ex:start ; sh:lessThan ex:end ] ,
                [ sh:path ex:start ; sh:lessThanOrEquals ex:end ] ,
                [ sh:path ex:a ; sh:equals ex:b ] , [ sh:path ex:a ; sh:disjoint ex:c ] .
        ex:T a sh:NodeShape ; sh:targetClass ex:Sub ; sh:equals ex:self ; sh:disjoint ex:c .
        """, """
        ex:x a ex:Super ;
            ex:start "2024-01-01T10:00:00Z"^^xsd:dateTime ,
                "2024-01-01T05:00:00-05:00"^^xsd:dateTime , "2024-01-02T00:00:00"^^xsd:dateTime ,
                3 , "b" , ex:iri ;
            ex:end "2024-01-01T10:00:00Z"^^xsd:dateTime , 5 , "a" , 2.5 ;
            ex:a 1 , 2 , ex:o ; ex:b 2 , 3 ; ex:c ex:o , 4 .
        ex:y a ex:Sub ; ex:self ex:y , ex:z ; ex:c ex:y , ex:w ; ex:start 1 ; ex:end 1.0 .
        ex:w a ex:Sub ; ex:self ex:w ; ex:c ex:x .
        """),
    "logic and nesting": ("""
        ex:S a sh:NodeShape ; sh:targetClass ex:Super ;
            sh:or ( [ sh:not [ sh:path ex:status ; sh:hasValue ex:open ] ]
                    [ sh:path ex:owner ; sh:minCount 1 ] ) ;
            sh:property
                [ sh:path ex:m ; sh:or ( [ sh:class ex:Sub ] [ sh:datatype xsd:string ] ) ] ,
                [ sh:path ex:m ; sh:xone ( [ sh:nodeKind sh:IRI ] [ sh:class ex:Super ]
                                           [ sh:class ex:Super ] ) ] ,
                [ sh:path ex:m ;
                  sh:and ( [ sh:nodeKind sh:BlankNodeOrIRI ] [ sh:class ex:Super ] ) ] ,
                [ sh:path ex:m ; sh:node ex:Target ] ,
                [ sh:path ex:m ; sh:not [ sh:pattern "^x" ] ] ,
                [ sh:path ex:m ; sh:not [ sh:pattern "b(?=c)" ] ] ,
                [ sh:path ex:m ; sh:or ( [ sh:pattern "^[a-z]+$" ] [ sh:nodeKind sh:IRI ] ) ] ,
                [ sh:path ex:m ; sh:node [ sh:disjoint ex:q ; sh:closed true ;
                                           sh:ignoredProperties ( rdf:type ex:q ) ] ] ,
                [ sh:path ex:m ; sh:node [ sh:equals ex:same ] ] .
        ex:Target a sh:NodeShape ; sh:nodeKind sh:IRI ; sh:not [ sh:class ex:Other ] ;
            sh:or ( [ sh:pattern "^http://example\\\\.org/[a-z]+$" ]
                    [ sh:not [ sh:pattern "^http://example\\\\.org/" ] ] ) ;
            sh:property [ sh:path ex:q ; sh:maxCount 1 ; sh:datatype xsd:integer ] .
        """, """
        ex:a a ex:Super ; ex:status ex:open ; ex:owner ex:o ;
            ex:m ex:b , ex:c , "xyz" , "abc"@en , _:n , <http://example.org/UP> , <urn:x:y> , 5 ,
                "été" , "x\\ny" .
        ex:b a ex:Sub ; ex:q 1 , 2 ; ex:same ex:b .
        ex:c a ex:Other , ex:Super ; ex:q "1" , ex:c ; ex:same ex:b , ex:c .
        _:n a ex:Super .
        ex:d a ex:Super ; ex:status ex:open .
        ex:e a ex:Super ; ex:status ex:closed .
        """),
    "closed": ("""
        ex:S a sh:NodeShape ; sh:targetClass ex:Super ; sh:closed true ;
            sh:ignoredProperties ( rdf:type ex:ignored ) ;
            sh:property [ sh:path ex:ok ] , [ sh:path ex:alsoOk ; sh:deactivated true ] .
        ex:Open a sh:NodeShape ; sh:targetClass ex:Super ; sh:closed false .
        """, """
        ex:a a ex:Super ; ex:ok 1 ; ex:alsoOk 2 ; ex:ignored 3 ; ex:typo "x"@en , [ ex:p 1 ] .
        [ a ex:Sub ; ex:typo ex:a ; ex:ok [ ex:typo 2 ] ] .
        """),
    "qualified values": ("""
        ex:S a sh:NodeShape ; sh:targetClass ex:Super ;
            sh:property ex:kind , ex:parts , ex:wheels .
        ex:kind sh:path rdf:type ; sh:qualifiedValueShape [ sh:in ( ex:Sub ex:Other ) ] ;
            sh:qualifiedMinCount 1 ; sh:qualifiedMaxCount 1 .
        ex:parts sh:path ex:part ; sh:qualifiedValueShape [ sh:class ex:Sub ] ;
            sh:qualifiedValueShapesDisjoint true ; sh:qualifiedMinCount 1 .
        ex:wheels sh:path ex:part ; sh:qualifiedValueShape [ sh:class ex:Other ] ;
            sh:qualifiedValueShapesDisjoint true ; sh:qualifiedMaxCount 1 .
        ex:T a sh:NodeShape ; sh:targetClass ex:Super ; sh:property [ sh:path ex:label ;
            sh:qualifiedValueShape [ sh:pattern "(?i)^p" ] ; sh:qualifiedMinCount 2 ] .
        """, """
        ex:a a ex:Super , ex:Sub , ex:Other ; ex:part ex:p1 , ex:p2 , ex:p3 ;
            ex:label "Pa" , "pb" .
        ex:p1 a ex:Sub , ex:Other .
        ex:p2 a ex:Other .
        ex:p3 a ex:Other .
        ex:b a ex:Super ; ex:label "pa" , "qb" .
        ex:c a ex:Sub ; ex:part ex:p4 .
        ex:p4 a ex:SubSub .
        """),
    "sparql": ("""
        ex:S a sh:NodeShape ; sh:targetClass ex:Super ;
            sh:sparql [ sh:select \"\"\"
                SELECT $this ?value ?other WHERE {
                    $this ex:twin ?value . ?value ex:twin ?other .
                    FILTER NOT EXISTS { ?other ex:ok true }
                }\"\"\" ; sh:prefixes ex:ns ] ;
            sh:message "{$this} has twin {?value} of {?other}"@en , "jumeau {?value}"@fr ;
            sh:property [ sh:path ex:pos ; sh:sparql [ sh:prefixes ex:ns ; sh:select \"\"\"
                SELECT $this ?value WHERE { $this $PATH ?m . ?m ex:n ?value }
                GROUP BY $this ?value HAVING (COUNT(DISTINCT ?m) > 1)\"\"\" ;
                sh:message "duplicate {?value}" ] ] .
        ex:ns sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .
        """, """
        ex:a a ex:Super ; ex:twin ex:b ; ex:pos ex:m1 , ex:m2 , _:m3 .
        ex:b ex:twin ex:a , ex:c .
        ex:c ex:ok true .
        ex:m1 ex:n 1 . ex:m2 ex:n 1 . _:m3 ex:n 2 .
        ex:d a ex:Sub ; ex:twin ex:d .
        """),
    "ontology terms as values": ("""
        ex:S a sh:NodeShape ; sh:targetClass ex:Super ;
            sh:property [ sh:path ex:link ;
                sh:node [ sh:property [ sh:path rdfs:label ; sh:minCount 1 ] ] ] ,
                [ sh:path ex:link ; sh:class ex:Super ] .
        """, """
        ex:a a ex:Sub ; ex:link ex:individual , ex:b , ex:Sub .
        ex:b a ex:Sub .
        """),
    "severities and deactivation": ("""
        ex:S a sh:NodeShape ; sh:targetClass ex:Super ; sh:severity sh:Warning ;
            sh:property [ sh:path ex:v ; sh:minCount 1 ] ,
                [ sh:path ex:w ; sh:datatype xsd:integer ; sh:severity sh:Info ] .
        ex:T a sh:NodeShape ; sh:targetClass ex:Super ; sh:deactivated true ;
            sh:property [ sh:path ex:v ; sh:minCount 5 ] .
        ex:U a sh:NodeShape ; sh:targetClass ex:Super ;
            sh:property [ sh:path ex:w ; sh:maxCount 1 ; sh:severity sh:Warning ] .
        """, """
        ex:a a ex:Super ; ex:w "x" , "y" .
        """),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_component(name: str):
    shapes, data = CASES[name]
    assert assert_same(shapes, data), "each case gives results to compare"


def test_default_messages_use_the_data_graph_prefixes():
    shapes = """
        ex:S a sh:NodeShape ; sh:targetClass ex:Super ; sh:closed true ;
            sh:property [ sh:path ex:v ; sh:minCount 2 ] , [ sh:path ex:w ; sh:maxCount 0 ] .
    """
    data = """
        @prefix my: <http://example.org/mine#> .
        my:a a ex:Super ; ex:w 1 .
        [ a ex:Super ; ex:w "x"@en ; ex:extra my:b ] .
    """
    assert len(assert_same(shapes, data)) >= 4


def test_an_ontology_that_types_focus_nodes():
    ontology = ONTOLOGY + "ex:inOntology a ex:Super ; rdfs:label 'x' ."
    shapes = "ex:S a sh:NodeShape ; sh:targetClass ex:Super ; sh:closed true ."
    assert assert_same(shapes, "ex:a a ex:Super ; ex:p 1 .", ontology)


@pytest.mark.parametrize(
    "shapes",
    [
        "ex:S sh:targetClass ex:C ; sh:property [ sh:path [ sh:inversePath ex:p ] ; "
        "sh:minCount 1 ] .",
        "ex:S sh:targetClass ex:C ; sh:property [ sh:path ( ex:p ex:q ) ; sh:minCount 1 ] .",
        "ex:S sh:targetClass ex:C ; sh:rule [ a sh:TripleRule ; sh:subject sh:this ; "
        "sh:predicate ex:p ; sh:object 1 ] .",
        "ex:S sh:target [ a sh:SPARQLTarget ; sh:select 'SELECT ?this WHERE { ?this ?p ?o }' ] ;"
        " sh:property [ sh:path ex:p ; sh:minCount 1 ] .",
        "ex:S sh:targetClass ex:C ; sh:sparql [ sh:select "
        "'SELECT $this WHERE { $this ex:p ?x MINUS { ?x ex:q 1 } }' ] .",
        "ex:S sh:targetClass ex:C ; sh:sparql [ sh:select "
        "'SELECT (COUNT(*) AS ?n) WHERE { $this ?p ?o }' ] .",
        "ex:S sh:targetClass ex:C ; sh:sparql [ sh:select "
        "'SELECT $this WHERE { $this rdfs:label ?o }' ] .",
        "ex:S sh:targetClass ex:C ; sh:node ex:T . "
        "ex:T sh:sparql [ sh:select 'SELECT $this WHERE { $this ex:p ?o }' ] .",
        "ex:S sh:targetClass ex:C ; sh:node ex:S2 . ex:S2 sh:node ex:S .",
        "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:node "
        "[ sh:severity sh:Warning ; sh:class ex:D ] ] .",
        "ex:S sh:targetClass ex:C ; sh:expression [ ex:f ( ex:p ) ] .",
    ],
)
def test_unsupported_shapes_are_refused(shapes: str):
    with pytest.raises(Unsupported):
        compile_shapes(graph(shapes), graph(ONTOLOGY))


@pytest.mark.parametrize("data", [
    'ex:a a ex:Super ; ex:v "x" , "x"^^xsd:string .',
    'ex:a a ex:Super ; ex:v "3"^^xsd:decimal , "3.0"^^xsd:decimal .',
    'ex:a a ex:Super ; ex:v "x"@fr-x .',
])
def test_data_oxigraph_cannot_hold_faithfully_is_refused(data: str):
    with pytest.raises(Unsupported):
        shacl_sparql.validate_graph(graph(data))


def test_terms_come_back_as_rdflib_wrote_them():
    data = graph("""
        ex:a ex:p "x"@EN-gb , "y"^^xsd:string , "2024-01-01T10:00:00Z"^^xsd:dateTime ,
            "abc"^^xsd:integer , "2024-01-01T24:00:00Z"^^xsd:dateTime , [ ex:q 1 ] .
    """)
    store, terms = load_graph(data)
    back = {terms.to_rdflib(q.object) for q in store}
    originals = set(data.objects())
    assert {o.n3() for o in back if isinstance(o, Literal)} == {
        o.n3() for o in originals if isinstance(o, Literal)
    }
    assert len(store) == len(data)


# -- what SPARQL takes as surely well-formed, rdflib reads too ----------------------------------

@pytest.mark.parametrize("datatype", sorted(shacl_sparql._LEXICAL))
def test_lexical_forms_taken_for_well_formed_are_well_formed_for_rdflib(datatype):
    """A literal that passes the SPARQL well-formedness test is a value for rdflib (what
    pyshacl's sh:datatype checks), checked on random lexical forms of the test's pattern."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    store = ox.Store()
    run = shacl_sparql._Run(shacl_sparql.compiled_for(), store, None, shacl_sparql.TermMap(),
                            None)
    check = run.well_formed(datatype, "?v")
    taken = []

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.from_regex(shacl_sparql._LEXICAL[datatype], fullmatch=True))
    def check_one(lexical: str) -> None:
        literal = ox.Literal(lexical, datatype=ox.NamedNode(str(datatype)))
        if bool(store.query(f"ASK {{ BIND({literal} AS ?v) FILTER({check}) }}")):
            taken.append(lexical)
            value = Literal(lexical, datatype=datatype)
            assert not value.ill_typed, lexical
            assert value.value is not None, lexical

    check_one()
    assert len(taken) > 50


def test_a_named_graph_or_the_union_of_a_store():
    """validate() reads one named graph, or the union of the store's graphs."""
    data = parse(FIXTURES / "note-two-licences.ttl")
    noise = parse(FIXTURES / "person-closed-typo.ttl")
    expected = key(validation.validate(data).violations)
    both = key(validation.validate(data + noise).violations)
    compiled_shapes = shacl_sparql.compiled_for()
    shapes = validation.shapes_graph()
    store = ox.Store()
    mine, other = ox.NamedNode("urn:x:mine"), ox.NamedNode("urn:x:other")
    _, terms = load_graph(data, store, mine)
    load_graph(noise, store, other)

    def found(graph_name):
        report = compiled_shapes.validate(store, graph_name, terms=terms, namespaces=data)
        return key(validation._violations(report, shapes, lambda _: None, lambda _: True))

    assert found(mine) == expected
    assert found(None) == both
