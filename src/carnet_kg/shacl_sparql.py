"""SHACL shapes compiled to SPARQL and run set-based on a pyoxigraph store: fast validation.

pyshacl (``carnet_kg.validation``) stays the reference validator; this module gives the same
report, much faster on large batches. ``compile_shapes`` reads the shapes once and prepares, for
every (shape, constraint component) pair, a SPARQL ``SELECT`` run once on the whole store (not
once per focus node: a query scans the values of a path for every subject, and the rows are then
kept for the shape's focus nodes); ``CompiledShapes.validate`` runs them and returns a SHACL
validation report graph that ``validation._violations`` reads exactly as it reads pyshacl's.
``validate_graph`` does it all for an rdflib data graph and returns ``validation.Report``.

Supported: targets ``sh:targetClass`` (with ``rdfs:subClassOf``), ``sh:targetNode``,
``sh:targetSubjectsOf``, ``sh:targetObjectsOf``, implicit class targets; every SHACL Core
constraint component (``sh:class``, ``datatype``, ``nodeKind``, ``minCount``, ``maxCount``,
``minInclusive``/``minExclusive``/``maxInclusive``/``maxExclusive``, ``minLength``,
``maxLength``, ``pattern`` with ``flags``, ``languageIn``, ``uniqueLang``, ``equals``,
``disjoint``, ``lessThan``, ``lessThanOrEquals``, ``not``, ``and``, ``or``, ``xone``, ``node``,
``property``, ``qualifiedValueShape`` with ``qualifiedValueShapesDisjoint``, ``closed`` with
``ignoredProperties``, ``hasValue``, ``in``), SPARQL-based constraints (``sh:sparql`` with
``$this``, ``$PATH``, ``sh:prefixes``, messages with ``{?var}`` / ``{$var}``), ``sh:severity``,
``sh:deactivated``, ``sh:message``; property paths that are a single IRI.

How the report is kept identical to pyshacl's
---------------------------------------------
- The shapes are read by pyshacl's own ``ShapesGraph``, and every result is built by the
  ``make_v_result`` of pyshacl's own constraint component objects: the same result triples and
  the same messages (a shape's ``sh:message`` values with their language tags, pyshacl's default
  texts otherwise, the ``{?var}`` substitutions of SPARQL-based constraints that drop the tag).
- Queries return the rows SPARQL decides with certainty (violations of ``sh:class``,
  ``sh:minCount``, ``sh:closed``...) and, where the outcome depends on rdflib's or Python's
  semantics (``sh:datatype`` of ill-typed literals, ``sh:pattern`` with Python's ``re``,
  ``sh:minInclusive`` with rdflib's literal ordering, ``sh:lessThanOrEquals``), the values SPARQL
  cannot prove conforming: pyshacl's component code decides those few. Nested shapes
  (``sh:node``, ``sh:or``, ``sh:not``, ``sh:qualifiedValueShape``...) become three-valued SPARQL
  expressions (surely conforms / surely not / unknown); for an unknown value pyshacl evaluates
  the component on the neighbourhood of that value, copied from the store.
- ``validation.validate`` passes the ontology as ``ont_graph`` with ``inference="none"`` (and
  ``advanced=True``, whose SHACL-AF features our shapes do not use): pyshacl then *inoculates* the
  data graph with the ontology's RDFS/OWL axioms (class and property declarations,
  ``rdfs:subClassOf``, named individuals; not the whole ontology), so that ``sh:targetClass`` and
  ``sh:class`` follow ``rdfs:subClassOf``. The same triples are computed here with pyshacl's own
  ``inoculate``: their subclass links and types go into the queries, and the nodes the ontology
  describes (a focus node, or a value whose own triples a nested shape reads) are left to pyshacl.

Limits
------
- ``compile_shapes`` raises ``Unsupported`` (callers then use pyshacl) for: property paths other
  than a single IRI, ``sh:property`` on property shapes, recursive shapes, SHACL-AF rules, custom
  targets, functions and ``sh:expression``, SHACL-JS, custom (SPARQL-defined) constraint
  components, severities other than ``sh:Violation`` on nested shapes, SPARQL-based constraints in
  nested shapes, and SPARQL-based constraints whose query pyshacl rejects or that cannot be shown
  to give, run once for all focus nodes, what pyshacl gets per focus node (``$this`` must be
  projected, bound by a triple pattern of the main group, and a ``GROUP BY`` key of aggregates;
  no sub-query, ``VALUES``, ``MINUS``, ``SERVICE``, ``GRAPH``; no predicate the inoculated ontology
  uses outside ``NOT EXISTS``).
- ``validate`` / ``validate_graph`` raise ``Unsupported`` for data they cannot hold faithfully:
  IRIs or language tags Oxigraph rejects, two literals rdflib keeps apart that Oxigraph stores as
  one (``"x"`` and ``"x"^^xsd:string``, ``"3"`` and ``"3.0"^^xsd:decimal``), a blank node used as
  a subclass.
- Nested ``sh:detail`` results are omitted when SPARQL decides a ``sh:node`` violation
  (``validation.py`` reads only the top-level ``sh:result``); they are there when pyshacl decides.
- ``validate_graph`` restores rdflib's terms in the report (language tag case, lexical forms
  Oxigraph canonicalises, explicit ``xsd:string``). A store filled by another parser holds
  Oxigraph's canonical forms, and its literals are judged in those forms (rdflib rejects some
  forms Oxigraph accepts and canonicalises, such as ``T24:00:00``). A literal rdflib finds
  ill-typed is stored with a private datatype, which a SPARQL-based constraint would see. The
  union of a store's named graphs repeats a triple held by two graphs, which only the aggregates
  of a SPARQL-based constraint without ``DISTINCT`` could notice.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import quote

import pyoxigraph as ox
from pyshacl.constraints import CONSTRAINT_PARAMETERS_MAP
from pyshacl.constraints.core.cardinality_constraints import (
    MaxCountConstraintComponent,
    MinCountConstraintComponent,
)
from pyshacl.constraints.core.logical_constraints import (
    AndConstraintComponent,
    NotConstraintComponent,
    OrConstraintComponent,
    XoneConstraintComponent,
)
from pyshacl.constraints.core.other_constraints import (
    ClosedConstraintComponent,
    HasValueConstraintComponent,
    InConstraintComponent,
)
from pyshacl.constraints.core.property_pair_constraints import (
    DisjointConstraintComponent,
    EqualsConstraintComponent,
    LessThanConstraintComponent,
    LessThanOrEqualsConstraintComponent,
)
from pyshacl.constraints.core.shape_based_constraints import (
    NodeConstraintComponent,
    PropertyConstraintComponent,
    QualifiedValueShapeConstraintComponent,
    SH_QualifiedMaxCountConstraintComponent,
    SH_QualifiedMinCountConstraintComponent,
)
from pyshacl.constraints.core.string_based_constraints import (
    LanguageInConstraintComponent,
    MaxLengthConstraintComponent,
    MinLengthConstraintComponent,
    PatternConstraintComponent,
    UniqueLangConstraintComponent,
)
from pyshacl.constraints.core.value_constraints import (
    ClassConstraintComponent,
    DatatypeConstraintComponent,
    NodeKindConstraintComponent,
)
from pyshacl.constraints.core.value_range_constraints import (
    MaxExclusiveConstraintComponent,
    MaxInclusiveConstraintComponent,
    MinExclusiveConstraintComponent,
    MinInclusiveConstraintComponent,
)
from pyshacl.constraints.sparql.sparql_based_constraints import SPARQLBasedConstraint
from pyshacl.errors import ConstraintLoadError, ConstraintLoadWarning, ShapeLoadError
from pyshacl.graph_abstraction import DataGraph
from pyshacl.pytypes import SHACLExecutor
from pyshacl.rdfutil import load_from_source
from pyshacl.rdfutil.inoculate import inoculate
from pyshacl.rdfutil.stringify import stringify_blank_node
from pyshacl.shapes_graph import ShapesGraph
from pyshacl.validator import Validator
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.graph import ReadOnlyGraphAggregate
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.stores.memory import Memory
from rdflib.term import Variable, _toPythonMapping

from . import validation
from .config import Settings
from .memory import cyclic_gc_paused
from .namespaces import bind_prefixes
from .store.terms import to_rdflib as _plain_rdflib

__all__ = ["CompiledShapes", "TermMap", "Unsupported", "compile_shapes", "validate_graph"]

_LOG = logging.getLogger(__name__)

# pyshacl's options in validation.validate: allow_warnings=True allows Info and Warning results
_ALLOWED = {SH.Info, SH.Warning}
_ILL_TYPED = "urn:x-carnet-kg:ill-typed:"  # private datatype prefix of ill-typed literals
_XSD_NS = str(XSD)
_STRING = XSD.string

_T = f"<{RDF.type}>"
_SUBCLASS = f"<{RDFS.subClassOf}>"
_XSD_STRING = f"<{XSD.string}>"
_LANGSTRING = f"<{RDF.langString}>"
_TRUE, _FALSE = "true", "false"

# lexical forms that rdflib surely reads as a value of the datatype (checked on Oxigraph's forms)
_LEXICAL = {
    XSD.integer: "^[+-]?[0-9]+$",
    XSD.decimal: "^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$",
    XSD.double: "^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?$",
    XSD.dateTime: (
        "^([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])-(0[1-9]|1[0-2])-"
        "(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,6})?"
        "(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?$"
    ),
}
_TZ = "(Z|[+-][0-9][0-9]:[0-9][0-9])$"
_NUMERIC = (XSD.integer, XSD.decimal, XSD.double)


def _sh(name: str) -> URIRef:
    """A term of the SHACL namespace (rdflib's SH lacks the SHACL-AF and SHACL-JS ones)."""
    return URIRef(f"http://www.w3.org/ns/shacl#{name}")


class Unsupported(Exception):  # noqa: N818 - the name the callers expect
    """A shape, component, query or piece of data this module does not handle: use pyshacl."""


# ---------------------------------------------------------------------------------------------
# SPARQL text helpers
# ---------------------------------------------------------------------------------------------


def _and(*parts: str) -> str:
    parts = tuple(p for p in parts if p != _TRUE)
    if not parts:
        return _TRUE
    if _FALSE in parts:
        return _FALSE
    return parts[0] if len(parts) == 1 else "(" + " && ".join(parts) + ")"


def _or(*parts: str) -> str:
    parts = tuple(p for p in parts if p != _FALSE)
    if not parts:
        return _FALSE
    if _TRUE in parts:
        return _TRUE
    return parts[0] if len(parts) == 1 else "(" + " || ".join(parts) + ")"


def _not(part: str) -> str:
    if part == _TRUE:
        return _FALSE
    if part == _FALSE:
        return _TRUE
    return f"!{part}"


def _safe(expr: str) -> str:
    """An expression that is false where ``expr`` raises an error."""
    return expr if expr in (_TRUE, _FALSE) else f"COALESCE({expr}, false)"


def _string(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"'


def _iri(node) -> str:
    return f"<{node}>"


@dataclass
class _Three:
    """A three-valued test of a node: ``ok`` surely conforms, ``ko`` surely does not (both
    error-free SPARQL boolean expressions; neither: pyshacl decides)."""

    ok: str
    ko: str


_UNKNOWN = _Three(_FALSE, _FALSE)


class _Vars:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, stem: str = "v") -> str:
        self.count += 1
        return f"?_{stem}{self.count}"


# ---------------------------------------------------------------------------------------------
# Terms
# ---------------------------------------------------------------------------------------------


class TermMap:
    """rdflib terms to pyoxigraph terms and back, so that a report shows the data's own terms.

    Oxigraph lower-cases language tags, stores ``"x"^^xsd:string`` as ``"x"`` and canonicalises
    typed literals (``"3.0"^^xsd:decimal`` becomes ``"3"``); the rdflib form of every literal
    whose round trip is not the identity is remembered (``finish`` computes the canonical forms).
    Literals rdflib finds ill-typed get a private datatype, so that no query takes them for
    values of their datatype (Oxigraph accepts some that rdflib rejects, ``T24:00:00``)."""

    def __init__(self) -> None:
        self._back: dict[ox.Literal, Literal] = {}
        # typed literals whose stored form finish() must learn, by (lexical form, datatype)
        self._pending: dict[tuple[str, str], Literal] = {}
        self._bnodes: dict[str, ox.BlankNode] = {}
        self._bnodes_back: dict[ox.BlankNode, BNode] = {}
        self._iris: dict[str, ox.NamedNode] = {}

    def iri(self, node) -> ox.NamedNode:
        text = str(node)
        found = self._iris.get(text)
        if found is None:
            try:
                found = ox.NamedNode(text)
            except ValueError as error:
                raise Unsupported(f"an IRI Oxigraph rejects: <{text}> ({error})") from error
            self._iris[text] = found
        return found

    def to_ox(self, term):
        if isinstance(term, URIRef):
            return self.iri(term)
        if isinstance(term, BNode):
            label = str(term)
            found = self._bnodes.get(label)
            if found is None:
                try:
                    found = ox.BlankNode(label)
                except ValueError:
                    found = ox.BlankNode()
                    self._bnodes_back[found] = term
                self._bnodes[label] = found
            return found
        if isinstance(term, Literal):
            return self._literal(term)
        raise Unsupported(f"a term of an unknown kind: {term!r}")

    def constant(self, term):
        """A term of the shapes (sh:in member, sh:hasValue...), converted as ``to_ox`` does but
        without remembering anything about it."""
        if isinstance(term, Literal):
            return self._literal(term, remember=False)
        return self.to_ox(term)

    def _literal(self, lit: Literal, remember: bool = True) -> ox.Literal:
        lex = str(lit)
        lang = lit.language
        datatype = lit.datatype
        try:
            if lang:
                made = ox.Literal(lex, language=lang)
                if remember and made.language != lang:
                    self._remember(made, lit)
                return made
            if datatype is None:
                return ox.Literal(lex)
            if datatype == XSD.string:
                made = ox.Literal(lex)
                if remember:
                    self._remember(made, lit)
                return made
            if getattr(lit, "ill_typed", False):
                private = _ILL_TYPED + quote(str(datatype), safe="")
                made = ox.Literal(lex, datatype=self.iri(private))
                if remember:
                    self._remember(made, lit)
                return made
            made = ox.Literal(lex, datatype=self.iri(datatype))
        except ValueError as error:
            raise Unsupported(f"a literal Oxigraph rejects: {lit.n3()} ({error})") from error
        if remember and datatype.startswith(_XSD_NS):
            self._pending[(lex, str(datatype))] = lit  # Oxigraph may store another form
        return made

    def _remember(self, made: ox.Literal, lit: Literal) -> None:
        known = self._back.get(made)
        if known is not None and known.n3() != lit.n3():
            raise Unsupported(f"two literals Oxigraph reads as one: {known.n3()} and {lit.n3()}")
        self._back[made] = lit

    def nt_literal(self, lit: Literal) -> str:
        """A literal in N-Triples, as ``to_ox`` would convert it (remembering the same)."""
        lex = str(lit)
        lang = lit.language
        datatype = lit.datatype
        if lang and lang != lang.lower() or datatype == _STRING or (
                datatype is not None and lit.ill_typed):
            return str(self._literal(lit))
        if "\\" in lex or '"' in lex or "\n" in lex or "\r" in lex:
            lex = (lex.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
                   .replace("\r", "\\r"))
        if datatype is None:
            return f'"{lex}"@{lang}' if lang else f'"{lex}"'
        iri = str(datatype)
        if iri.startswith(_XSD_NS):
            self._pending[(str(lit), iri)] = lit  # Oxigraph may store another form
        return f'"{lex}"^^<{iri}>'

    def _canonical(self, literals: list[tuple[str, str]]) -> list[ox.Literal]:
        """Oxigraph's stored forms of typed literals (lexical form, datatype IRI)."""
        scratch = ox.Store()
        scratch.load("".join(
            f"<urn:x-carnet-kg:{i}> <urn:x-carnet-kg:p> {_nt_typed(lex, datatype)} .\n"
            for i, (lex, datatype) in enumerate(literals)
        ).encode(), format=ox.RdfFormat.N_TRIPLES)
        found: list = [None] * len(literals)
        for quad in scratch:
            found[int(quad.subject.value.rsplit(":", 1)[1])] = quad.object
        return found

    def finish(self, graphs: Iterable[Graph] = ()) -> None:
        """Learn Oxigraph's forms of the typed literals converted so far, and raise
        ``Unsupported`` if Oxigraph holds as one term two literals that rdflib keeps apart (two
        converted ones, or a converted one and a term of ``graphs``)."""
        pending, self._pending = self._pending, {}
        if pending:
            keys = list(pending)
            for key, stored in zip(keys, self._canonical(keys), strict=True):
                if stored.value == key[0]:
                    continue  # stored as written
                if _plain_rdflib(stored).n3() != pending[key].n3():
                    self._remember(stored, pending[key])
        graphs = list(graphs)
        for made, original in self._back.items():
            natural = _plain_rdflib(made)
            if natural != original and _present(natural, graphs):
                raise Unsupported(
                    f"two literals Oxigraph reads as one: {original.n3()} and {natural.n3()}"
                )

    def check_constants(self, literals: Iterable[Literal], graphs: Iterable[Graph]) -> None:
        """Raise ``Unsupported`` if Oxigraph would take a literal of the shapes (an sh:in
        member...) for a different literal of the data (``"3.0"^^xsd:decimal`` for ``"3"``)."""
        graphs = list(graphs)
        typed, converted = [], []
        for lit in literals:
            made = self.constant(lit)
            datatype = lit.datatype
            if (datatype is not None and datatype.startswith(_XSD_NS) and datatype != XSD.string
                    and not made.datatype.value.startswith(_ILL_TYPED)):
                typed.append(lit)
            else:
                converted.append((lit, made))
        if typed:
            stored = self._canonical([(str(lit), str(lit.datatype)) for lit in typed])
            converted += list(zip(typed, stored, strict=True))
        for lit, made in converted:
            known = self._back.get(made)
            natural = _plain_rdflib(made)
            if (known is not None and known != lit) or (
                natural != lit and _present(natural, graphs)
            ):
                raise Unsupported(f"a literal of the shapes Oxigraph reads as another: {lit.n3()}")

    def to_rdflib(self, term):
        if isinstance(term, ox.NamedNode):
            return URIRef(term.value)
        if isinstance(term, ox.BlankNode):
            found = self._bnodes_back.get(term)
            return found if found is not None else BNode(term.value)
        if isinstance(term, ox.Literal):
            found = self._back.get(term)
            if found is not None:
                return found
            if term.datatype.value.startswith(_ILL_TYPED):
                raise Unsupported(f"a literal with a private datatype: {term}")
            return _plain_rdflib(term)
        raise Unsupported(f"a term of an unknown kind: {term!r}")


def _nt_typed(lex: str, datatype: str) -> str:
    if "\\" in lex or '"' in lex or "\n" in lex or "\r" in lex:
        lex = (lex.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r"))
    return f'"{lex}"^^<{datatype}>'


def _present(term, graphs: list[Graph]) -> bool:
    return any(next(iter(g.triples((None, None, term))), None) is not None for g in graphs)


def _text(term) -> str:
    """A pyoxigraph IRI or literal in SPARQL syntax (never a blank node)."""
    if isinstance(term, ox.BlankNode):
        raise Unsupported("a blank node where a SPARQL query needs a constant")
    return str(term)


# ---------------------------------------------------------------------------------------------
# Regular expressions that Python's re and Oxigraph's REGEX read alike on printable ASCII
# ---------------------------------------------------------------------------------------------

_PLAIN_ESCAPES = set(".^$*+?()[]{}|\\/-") | set("dDwWsS")
_CLASS_ESCAPES = set("\\]-[^./") | set("dDwWsS")
_QUANT = re.compile(r"\{[0-9]+(,[0-9]*)?\}")


def _portable_pattern(pattern: str) -> bool:
    """Whether ``pattern`` is in a subset of regex syntax that Python ``re.search`` and the
    Rust regex of Oxigraph's ``REGEX`` read the same way on printable ASCII text (no newline)."""
    if not pattern.isascii() or any(not (" " <= c <= "~") for c in pattern):
        return False
    i, n = 0, len(pattern)
    can_repeat = False  # whether a quantifier may follow
    last_quantified = False
    while i < n:
        c = pattern[i]
        if c == "\\":
            if i + 1 >= n or pattern[i + 1] not in _PLAIN_ESCAPES:
                return False
            i += 2
            can_repeat, last_quantified = True, False
        elif c == "[":
            j = i + 1
            if j < n and pattern[j] == "^":
                j += 1
            if j < n and pattern[j] == "]":
                return False
            while j < n and pattern[j] != "]":
                if pattern[j] == "[" or pattern[j : j + 2] in ("&&", "--", "~~"):
                    return False
                if pattern[j] == "\\":
                    if j + 1 >= n or pattern[j + 1] not in _CLASS_ESCAPES:
                        return False
                    j += 2
                else:
                    j += 1
            if j >= n:
                return False
            i = j + 1
            can_repeat, last_quantified = True, False
        elif c == "(":
            if pattern.startswith("(?", i):
                if not pattern.startswith("(?:", i):
                    return False
                i += 3
            else:
                i += 1
            can_repeat, last_quantified = False, False
        elif c in "*+?":
            if c == "?" and last_quantified and pattern[i - 1] != "?":
                i += 1  # lazy quantifier
                can_repeat, last_quantified = False, False
                continue
            if not can_repeat:
                return False
            i += 1
            can_repeat, last_quantified = False, True
        elif c == "{":
            found = _QUANT.match(pattern, i)
            if not found or not can_repeat:
                return False
            i = found.end()
            can_repeat, last_quantified = False, True
        elif c in "}]":
            return False
        elif c == "|":
            i += 1
            can_repeat, last_quantified = False, False
        elif c == ")":
            i += 1
            can_repeat, last_quantified = True, False
        elif c in "^$":
            i += 1
            can_repeat, last_quantified = False, False
        else:
            i += 1
            can_repeat, last_quantified = True, False
    return True


# ---------------------------------------------------------------------------------------------
# SPARQL-based constraints: when running the query once for all focus nodes is equivalent
# ---------------------------------------------------------------------------------------------


@dataclass
class _SparqlQuery:
    helper: object  # pyshacl's SPARQLQueryHelper
    text: str  # with prefixes, $PATH substituted; $this free
    depth: int  # farthest subject (in triple-pattern hops from $this) the query reads
    variables: list[str]  # projected, in order


_ALLOWED_ALGEBRA = {
    "Project", "Distinct", "Reduced", "Filter", "Group", "AggregateJoin", "Extend", "BGP",
    "Join", "LeftJoin", "Union", "OrderBy",
}  # fmt: skip


def _analyse_sparql(text: str, ontology_predicates: set) -> tuple[int, list[str]]:
    """Check that running ``text`` with ``$this`` free and keeping the rows of each focus node
    gives what pyshacl gets with ``$this`` pre-bound, and that the inoculated ontology triples
    (absent from the store) cannot add rows. Return the depth the query reads."""
    try:
        query = prepareQuery(text)
    except Exception as error:  # noqa: BLE001 - any parse error
        raise Unsupported(f"a SPARQL constraint rdflib cannot parse: {error}") from error
    algebra = query.algebra
    if algebra.name != "SelectQuery":
        raise Unsupported("a SPARQL constraint that is not a SELECT query")
    this = Variable("this")
    projected = algebra.get("PV") or []
    if this not in projected:
        raise Unsupported("a SPARQL constraint whose SELECT does not project $this")
    edges: list[tuple] = []  # (subject, object) of every triple pattern, for the depth
    positive_predicates: set = set()

    def expressions(node, negated: bool) -> None:
        if isinstance(node, CompValue):
            if node.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
                pattern(node.graph, negated or node.name == "Builtin_NOTEXISTS", top=False)
                return
            for value in node.values():
                expressions(value, negated)
        elif isinstance(node, list | tuple):
            for item in node:
                expressions(item, negated)

    def pattern(node, negated: bool, top: bool) -> set:
        """The variables every solution of ``node`` binds."""
        if not isinstance(node, CompValue):
            raise Unsupported(f"a SPARQL constraint with an unexpected part: {node!r}")
        name = node.name
        if name == "ToMultiSet" or name == "SelectQuery":
            raise Unsupported("a SPARQL constraint with a sub-query")
        if name not in _ALLOWED_ALGEBRA:
            raise Unsupported(f"a SPARQL constraint using {name}")
        if name == "BGP":
            bound = set()
            for s, p, o in node.triples:
                if not isinstance(p, URIRef):
                    raise Unsupported("a SPARQL constraint with a variable or path predicate")
                if not negated:
                    positive_predicates.add(p)
                edges.append((s, o))
                bound.update(t for t in (s, o) if isinstance(t, Variable))
            return bound
        if name == "Filter":
            expressions(node.expr, negated)
            return pattern(node.p, negated, top)
        if name == "Extend":
            expressions(node.expr, negated)
            return pattern(node.p, negated, top) | {node.var}
        if name in ("Join",):
            return pattern(node.p1, negated, top) | pattern(node.p2, negated, top)
        if name == "LeftJoin":
            left = pattern(node.p1, negated, top)
            pattern(node.p2, negated, False)
            expressions(node.get("expr"), negated)
            return left
        if name == "Union":
            return pattern(node.p1, negated, False) & pattern(node.p2, negated, False)
        if name == "Group":
            keys = node.get("expr") or []
            if this not in keys:
                raise Unsupported("a SPARQL constraint grouping without $this as a key")
            return pattern(node.p, negated, top)
        if name == "AggregateJoin":
            expressions(node.A, negated)
            if node.p.name != "Group":
                raise Unsupported("a SPARQL constraint aggregating without GROUP BY $this")
            return pattern(node.p, negated, top)
        if name == "OrderBy":
            return pattern(node.p, negated, top)
        # Project, Distinct, Reduced
        return pattern(node.p, negated, top)

    bound = pattern(algebra.p, negated=False, top=True)
    if this not in bound:
        raise Unsupported("a SPARQL constraint where $this is not bound by a triple pattern")
    clash = positive_predicates & ontology_predicates
    if clash:
        raise Unsupported(
            "a SPARQL constraint matching predicates the inoculated ontology also uses: "
            + ", ".join(sorted(str(p) for p in clash))
        )
    # depth: hops from $this to the farthest subject of a triple pattern (forward edges only)
    distance = {this: 0}
    changed = True
    while changed:
        changed = False
        for s, o in edges:
            if (s in distance and isinstance(o, Variable | URIRef | BNode)
                    and distance.get(o, 1 << 30) > distance[s] + 1):
                distance[o] = distance[s] + 1
                changed = True
    depth = 0
    for s, _o in edges:
        if isinstance(s, Variable):
            if s not in distance:
                raise Unsupported(
                    f"a SPARQL constraint reading ?{s} that is not reached from $this"
                )
            depth = max(depth, distance[s])
    return depth, [str(v) for v in projected]


# ---------------------------------------------------------------------------------------------
# The compiled shapes
# ---------------------------------------------------------------------------------------------

_VALUE_LEVEL = (
    ClassConstraintComponent, DatatypeConstraintComponent, NodeKindConstraintComponent,
    MinExclusiveConstraintComponent, MinInclusiveConstraintComponent,
    MaxExclusiveConstraintComponent, MaxInclusiveConstraintComponent, NotConstraintComponent,
    AndConstraintComponent, OrConstraintComponent, XoneConstraintComponent,
    MinLengthConstraintComponent, MaxLengthConstraintComponent, PatternConstraintComponent,
    LanguageInConstraintComponent, NodeConstraintComponent, InConstraintComponent,
)  # fmt: skip
# value-level components whose outcome pyshacl's code decides for the rows SPARQL cannot prove
_DECIDED_BY_PYSHACL = (
    DatatypeConstraintComponent, PatternConstraintComponent, MinLengthConstraintComponent,
    MaxLengthConstraintComponent, LanguageInConstraintComponent, MinExclusiveConstraintComponent,
    MinInclusiveConstraintComponent, MaxExclusiveConstraintComponent,
    MaxInclusiveConstraintComponent,
)  # fmt: skip
_SHAPE_BASED = (
    NotConstraintComponent, AndConstraintComponent, OrConstraintComponent,
    XoneConstraintComponent, NodeConstraintComponent,
)  # fmt: skip
_SUPPORTED = set(CONSTRAINT_PARAMETERS_MAP.values())

_RANGE_OPS = {
    MinExclusiveConstraintComponent: ">",
    MinInclusiveConstraintComponent: ">=",
    MaxExclusiveConstraintComponent: "<",
    MaxInclusiveConstraintComponent: "<=",
}


@dataclass
class _Shape:
    """One pyshacl shape and its constraint components (pyshacl's objects)."""

    shape: object  # pyshacl.shape.Shape
    components: list  # pyshacl ConstraintComponent instances
    path: URIRef | None
    properties: list[_Shape] = field(default_factory=list)
    sparql: list[_SparqlQuery] = field(default_factory=list)

    @property
    def node(self):
        return self.shape.node

    @property
    def is_property(self) -> bool:
        return self.shape.is_property_shape


@dataclass
class _Top:
    """A shape that has targets: where validation starts."""

    shape: _Shape
    classes: list  # target classes, implicit class targets included
    nodes: list  # sh:targetNode values
    subjects_of: list
    objects_of: list


class CompiledShapes:
    """Shapes compiled for ``validate`` (build with ``compile_shapes``)."""

    def __init__(self, shapes: Graph, ontology: Graph | None) -> None:
        self.shapes_graph = shapes
        self._sg = ShapesGraph(load_from_source(shapes, multigraph=True), False, _LOG)
        self._check_shapes_graph()
        self._ontology = (
            load_from_source(ontology, multigraph=True) if ontology is not None else None
        )
        self._inoculated = Graph()
        for triple in self._inoculate(Graph()).triples((None, None, None)):
            self._inoculated.add(triple)
        self.ontology_subjects = {s for s in self._inoculated.subjects() if isinstance(s, URIRef)}
        self.ontology_predicates = set(self._inoculated.predicates())
        self._ontology_types = [
            (s, o) for s, o in self._inoculated.subject_objects(RDF.type) if isinstance(s, URIRef)
        ]
        self._ontology_subclass = list(self._inoculated.subject_objects(RDFS.subClassOf))
        self.executor = SHACLExecutor(
            validator=None, advanced_mode=True, allow_warnings=True, max_validation_depth=15
        )
        self._shapes: dict = {}
        self._building: set = set()
        self.tops: list[_Top] = []
        for shape in self._sg.shapes:
            shape.set_advanced(True)
        for shape in self._sg.shapes:
            if shape.deactivated:
                continue
            nodes, classes, implicit, objects_of, subjects_of = (
                list(part) for part in shape.target()
            )
            if list(shape.sg.objects(shape.node, _sh("target"))):
                raise Unsupported(f"custom targets (sh:target) on {shape.node}")
            if not (nodes or classes or implicit or objects_of or subjects_of):
                continue
            for node in nodes:
                if isinstance(node, BNode):
                    raise Unsupported(f"a blank node as sh:targetNode of {shape.node}")
            for cls in classes + implicit + objects_of + subjects_of:
                if not isinstance(cls, URIRef):
                    raise Unsupported(f"a target that is not an IRI on {shape.node}")
            self.tops.append(
                _Top(self._compile(shape, nested=False), classes + implicit, nodes,
                     subjects_of, objects_of)
            )

    # -- compile time ------------------------------------------------------------------------

    def _check_shapes_graph(self) -> None:
        g = self._sg.graph
        checks = [(_sh("rule"), "SHACL rules (sh:rule)"),
                  (_sh("expression"), "node expressions (sh:expression)"),
                  (_sh("js"), "SHACL-JS constraints (sh:js)")]
        for predicate, what in checks:
            if next(iter(g.subject_objects(predicate)), None) is not None:
                raise Unsupported(what)
        for name in ("SPARQLFunction", "SHACLFunction", "JSFunction", "SPARQLTargetType",
                     "JSTargetType", "TripleRule", "SPARQLRule", "JSRule"):
            if next(iter(g.subjects(RDF.type, _sh(name))), None) is not None:
                raise Unsupported(f"SHACL-AF sh:{name}")
        if next(iter(g.subjects(RDFS.subClassOf, SH.Target)), None) is not None:
            raise Unsupported("custom target types")
        try:
            custom = self._sg.custom_constraints
        except Exception as error:  # noqa: BLE001
            raise Unsupported(f"custom constraint components: {error}") from error
        if custom:
            raise Unsupported("custom constraint components (sh:ConstraintComponent)")

    def _inoculate(self, graph: Graph) -> DataGraph:
        target = DataGraph.from_rdflib_graph(graph)
        if self._ontology is not None:
            inoculate(target, self._ontology)
        return target

    def _lookup(self, node):
        try:
            return self._sg.lookup_shape_from_node(node)
        except KeyError as error:
            raise Unsupported(f"a reference to a shape that does not exist: {node}") from error

    def _compile(self, shape, nested: bool) -> _Shape:
        key = (shape.node, nested)
        if key in self._shapes:
            return self._shapes[key]
        if shape.node in self._building:
            raise Unsupported(f"recursive shapes (through {shape.node})")
        self._building.add(shape.node)
        try:
            compiled = self._compile_shape(shape, nested)
        finally:
            self._building.discard(shape.node)
        self._shapes[key] = compiled
        return compiled

    def _compile_shape(self, shape, nested: bool) -> _Shape:
        if nested and not shape.deactivated and shape.severity != SH.Violation:
            raise Unsupported(
                f"a nested shape with severity {shape.severity} ({shape.node}): pyshacl's "
                "conformance then depends on allowed severities"
            )
        path = None
        if shape.is_property_shape:
            path = shape.path()
            if not isinstance(path, URIRef):
                raise Unsupported(f"a property path that is not a single IRI on {shape.node}")
        params = {p for p, _ in self._sg.predicate_objects(shape.node)}
        if _sh("expression") in params:
            raise Unsupported(f"sh:expression on {shape.node}")
        kinds = []
        for param in params:
            kind = CONSTRAINT_PARAMETERS_MAP.get(param)
            if kind is not None and kind not in kinds:
                kinds.append(kind)
        components = []
        for kind in kinds:
            if kind not in _SUPPORTED:
                raise Unsupported(f"{kind.constraint_name()} on {shape.node}")
            try:
                components.append(kind(shape))
            except ConstraintLoadWarning:
                continue  # pyshacl ignores it too (sh:qualifiedValueShape on a node shape)
            except (ConstraintLoadError, ShapeLoadError) as error:
                raise Unsupported(f"{kind.constraint_name()} on {shape.node}: {error}") from error
        compiled = _Shape(shape, components, path)
        if shape.deactivated:
            return compiled
        for comp in components:
            self._check_component(compiled, comp, nested)
        return compiled

    def _check_component(self, compiled: _Shape, comp, nested: bool) -> None:
        shape = compiled.shape
        if isinstance(comp, PropertyConstraintComponent):
            if shape.is_property_shape:
                raise Unsupported(f"sh:property on a property shape ({shape.node})")
            for node in comp.property_shapes:
                prop = self._lookup(node)
                if not prop.is_property_shape:
                    raise Unsupported(f"sh:property pointing at a node shape ({node})")
                compiled.properties.append(self._compile(prop, nested))
        elif isinstance(comp, _SHAPE_BASED):
            for member in self._members(comp):
                self._compile(self._lookup(member), nested=True)
        elif isinstance(comp, QualifiedValueShapeConstraintComponent):
            for node in comp.value_shapes:
                self._compile(self._lookup(node), nested=True)
            for node in self._siblings(comp, next(iter(comp.value_shapes))):
                self._compile(self._lookup(node), nested=True)
        elif isinstance(comp, SPARQLBasedConstraint):
            if nested:
                raise Unsupported(f"a SPARQL-based constraint in a nested shape ({shape.node})")
            for helper in comp.sparql_constraints:
                if helper.deactivated:
                    continue
                try:
                    _binds, text = helper.pre_bind_variables(URIRef("urn:x-carnet-kg:focus"))
                except Exception as error:  # noqa: BLE001 - pyshacl's ValidationFailure...
                    raise Unsupported(f"a SPARQL constraint pyshacl rejects: {error}") from error
                if re.search(r"[$?](currentShape|shapesGraph)\b", text):
                    raise Unsupported("$currentShape or $shapesGraph in a SPARQL constraint")
                text = helper.apply_prefixes(text)
                depth, variables = _analyse_sparql(text, self.ontology_predicates)
                compiled.sparql.append(_SparqlQuery(helper, text, depth, variables))
        elif isinstance(comp, HasValueConstraintComponent):
            if any(isinstance(v, BNode) for v in comp.has_value_set):
                raise Unsupported(f"a blank node as sh:hasValue on {shape.node}")
        elif isinstance(comp, ClassConstraintComponent):
            if any(not isinstance(c, URIRef) for c in comp.class_rules):
                raise Unsupported(f"sh:class that is not an IRI on {shape.node}")
        elif isinstance(comp, PatternConstraintComponent):
            if len(set(shape.objects(SH.flags))) > 1:
                raise Unsupported(f"several sh:flags on {shape.node}")
        elif isinstance(comp, LanguageInConstraintComponent):
            for item in self._sg.graph.items(comp.string_rules[0]):
                if not isinstance(item, Literal) or not isinstance(item.value, str):
                    raise Unsupported(f"sh:languageIn with a non-string on {shape.node}")
        elif isinstance(comp, LessThanConstraintComponent | LessThanOrEqualsConstraintComponent
                        | EqualsConstraintComponent | DisjointConstraintComponent) and any(
                not isinstance(q, URIRef) for q in comp.property_compare_set):
            raise Unsupported(f"a property pair constraint with a non-IRI on {shape.node}")

    def _members(self, comp) -> list:
        """The shapes a shape-based component refers to (list members repeated as pyshacl
        counts them: sh:xone counts a repeated member twice)."""
        g = self._sg.graph
        if isinstance(comp, NotConstraintComponent):
            return list(comp.not_list)
        if isinstance(comp, NodeConstraintComponent):
            return list(comp.node_shapes)
        lists = {
            AndConstraintComponent: "and_list",
            OrConstraintComponent: "or_list",
            XoneConstraintComponent: "xone_nodes",
        }[type(comp)]
        return [m for lst in getattr(comp, lists) for m in g.items(lst)]

    def _siblings(self, comp, value_shape) -> set:
        """pyshacl's sibling shapes of a qualified value shape (sh:qualifiedValueShapesDisjoint)."""
        if not comp.is_disjoint:
            return set()
        sg = comp.shape.sg
        siblings = set()
        for parent in set(sg.subjects(SH.property, comp.shape.node)):
            for prop in set(sg.objects(parent, SH.property)):
                for sibling in set(sg.objects(prop, SH.qualifiedValueShape)):
                    if sibling != value_shape:
                        siblings.add(sibling)
        return siblings

    def _nested(self, node) -> _Shape:
        return self._shapes[(node, True)] if (node, True) in self._shapes else self._compile(
            self._lookup(node), nested=True
        )

    # -- validation --------------------------------------------------------------------------

    def validate(
        self,
        store: ox.Store,
        graph: ox.NamedNode | None = None,
        *,
        terms: TermMap | None = None,
        namespaces: Graph | None = None,
    ) -> Graph:
        """Validate the union of the store's graphs (or the named ``graph``) and return the
        validation report graph pyshacl would return for the same data (see the module
        docstring for the nested ``sh:detail`` results this may leave out).

        ``terms`` maps the store's terms back to the rdflib terms they came from (as
        ``validate_graph`` does); ``namespaces`` is a graph whose prefixes pyshacl's default
        messages would use (those of the data graph pyshacl would get)."""
        run = _Run(self, store, graph, terms or TermMap(), namespaces)
        conforms, results = run.execute()
        report, _text = Validator.create_validation_report(self._sg, conforms, results)
        return report

    def queries(self) -> list[tuple[str, str, str]]:
        """The (shape, component, SPARQL) triples validation runs, for an empty store (the
        subclass closure then comes from the ontology only): to read, not to run."""
        run = _Run(self, ox.Store(), None, TermMap(), None)
        run.prepare()
        return [(str(s), c, q) for s, c, q in run.plan()]


def compile_shapes(shapes: Graph, ontology: Graph | None) -> CompiledShapes:
    """Compile the SHACL ``shapes`` (with the ``ontology`` pyshacl gets as ``ont_graph``) for
    ``CompiledShapes.validate``. Raises ``Unsupported`` for what this module does not handle."""
    try:
        return CompiledShapes(shapes, ontology)
    except (ShapeLoadError, ConstraintLoadError) as error:
        raise Unsupported(f"shapes pyshacl cannot load: {error}") from error


# ---------------------------------------------------------------------------------------------
# One validation run
# ---------------------------------------------------------------------------------------------


class _Run:
    def __init__(self, compiled: CompiledShapes, store: ox.Store, graph, terms: TermMap,
                 namespaces: Graph | None) -> None:
        self.c = compiled
        self.store = store
        self.graph = graph
        self.terms = terms
        self.namespaces = namespaces
        self.results: list[tuple] = []
        self.non_conformant: set = set()  # top shapes pyshacl would call non-conformant
        self._ctx: DataGraph | None = None
        self._loaded: set = set()  # subjects whose triples are in the context graph
        self._focus_cache: dict = {}
        self._closure_cache: dict = {}
        self._rows_cache: dict = {}

    # -- store access --------------------------------------------------------------------------

    def select(self, query: str):
        if self.graph is None:
            return self.store.query(query, use_default_graph_as_union=True)
        return self.store.query(query, default_graph=self.graph)

    def quads(self, subject):
        if self.graph is None:
            return self.store.quads_for_pattern(subject, None, None)
        return self.store.quads_for_pattern(subject, None, None, self.graph)

    # -- what the run needs from the data ------------------------------------------------------

    def prepare(self) -> None:
        """Subclass links (inoculated ontology and data), and the data nodes the inoculated
        ontology also describes."""
        edges = defaultdict(set)  # superclass -> subclasses
        for s, o in self.c._ontology_subclass:
            edges[o].add(s)
        self.data_blank_classes = set()
        for row in self.select(f"SELECT ?s ?o WHERE {{ ?s {_SUBCLASS} ?o }}"):
            s, o = self.terms.to_rdflib(row["s"]), self.terms.to_rdflib(row["o"])
            edges[o].add(s)
            if isinstance(s, BNode):
                self.data_blank_classes.add(s)
        self.subclasses = edges
        self.ontology_types = defaultdict(set)  # class -> ontology IRIs typed with it
        for s, o in self.c._ontology_types:
            self.ontology_types[o].add(s)
        # data nodes that the inoculated ontology describes too: pyshacl decides for them
        self.described = set()
        subjects = sorted(self.c.ontology_subjects)
        for start in range(0, len(subjects), 500):
            chunk = " ".join(_text(self.terms.iri(s)) for s in subjects[start : start + 500])
            query = f"SELECT DISTINCT ?s WHERE {{ VALUES ?s {{ {chunk} }} ?s ?p ?o }}"
            self.described.update(self.terms.to_rdflib(r["s"]) for r in self.select(query))

    def closure(self, cls) -> set:
        """``cls`` and its subclasses (rdfs:subClassOf*, ontology and data)."""
        found = self._closure_cache.get(cls)
        if found is None:
            found, todo = {cls}, [cls]
            while todo:
                for sub in self.subclasses.get(todo.pop(), ()):
                    if sub not in found:
                        found.add(sub)
                        todo.append(sub)
            self._closure_cache[cls] = found
        return found

    def class_values(self, classes: Iterable) -> str:
        found = set()
        for cls in classes:
            found |= self.closure(cls)
        if found & self.data_blank_classes:
            raise Unsupported("a blank node used as a subclass in the data")
        return " ".join(sorted(_text(self.terms.iri(c)) for c in found if isinstance(c, URIRef)))

    def ontology_instances(self, cls) -> list[str]:
        found = set()
        for sub in self.closure(cls):
            found |= self.ontology_types.get(sub, set())
        return sorted(_text(self.terms.iri(n)) for n in found)

    # -- focus nodes ---------------------------------------------------------------------------

    def focus_pattern(self, top: _Top) -> str | None:
        parts = []
        if top.classes:
            values = self.class_values(top.classes)
            if values:
                parts.append(f"VALUES ?_fc {{ {values} }} ?this {_T} ?_fc .")
        if top.nodes:
            nodes = " ".join(_text(self.terms.constant(n)) for n in top.nodes)
            parts.append(f"VALUES ?this {{ {nodes} }}")
        for p in top.subjects_of:
            parts.append(f"?this {_iri(p)} ?_fo .")
        for p in top.objects_of:
            parts.append(f"?_fs {_iri(p)} ?this .")
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        return " UNION ".join("{ " + p + " }" for p in parts)

    def ontology_targets(self, top: _Top) -> set:
        """Focus nodes that only the inoculated ontology types (or names as targets)."""
        found = set()
        for cls in top.classes:
            for sub in self.closure(cls):
                found |= set(self.ontology_types.get(sub, ()))
        for p in top.subjects_of:
            found |= {s for s in self.c._inoculated.subjects(p, None) if isinstance(s, URIRef)}
        for p in top.objects_of:
            found |= {o for o in self.c._inoculated.objects(None, p) if isinstance(o, URIRef)}
        return found

    def focus_set(self, top: _Top) -> set:
        pattern = self.focus_pattern(top)
        found = self._focus_cache.get(pattern)
        if found is None:
            found = set()
            if pattern:
                found = {r["this"] for r in self.select(f"SELECT ?this WHERE {{ {pattern} }}")}
            self._focus_cache[pattern] = found
        return found

    # -- the context graph pyshacl's code reads ------------------------------------------------

    @property
    def ctx(self) -> DataGraph:
        """pyshacl's view of the data: the inoculated ontology, namespaces as in pyshacl's
        data graph, plus whatever parts of the store are copied in (``load``)."""
        if self._ctx is None:
            base = Graph()
            if self.namespaces is not None:
                base.namespace_manager = self.namespaces.namespace_manager
            ctx = self.c._inoculate(DataGraph.from_rdflib_graph(base).clone())
            cache = stringify_blank_node.dict_cache
            for key in [k for k in cache if k[0] == id(ctx)]:
                del cache[key]
            for row in self.select(f"SELECT ?s ?o WHERE {{ ?s {_SUBCLASS} ?o }}"):
                ctx.add((self.terms.to_rdflib(row["s"]), RDFS.subClassOf,
                         self.terms.to_rdflib(row["o"])))
            self._ctx = ctx
        return self._ctx

    def load(self, nodes: Iterable, depth: int) -> None:
        """Copy into the context graph the triples of ``nodes`` (rdflib terms) and of the nodes
        within ``depth`` hops, the types of the nodes one hop further, blank nodes whole."""
        frontier = {self.terms.to_ox(n) for n in nodes if not isinstance(n, Literal)}
        seen: set = set()
        for _level in range(max(depth, 0) + 1):
            following = set()
            for node in frontier - seen:
                seen.add(node)
                following |= self._copy(node)
            frontier = following
        for node in frontier - seen:
            subject = self.terms.to_rdflib(node)
            for quad in self.quads(node):
                if quad.predicate.value == str(RDF.type):
                    self.ctx.add((subject, RDF.type, self.terms.to_rdflib(quad.object)))

    def _copy(self, node) -> set:
        """Copy the triples of ``node`` and, whole, of the blank nodes they reach; return the
        IRIs and blank nodes ``node`` points at."""
        subject = self.terms.to_rdflib(node)
        if node in self._loaded:
            return {self.terms.to_ox(o) for o in self.ctx.objects(subject, None)
                    if not isinstance(o, Literal)}
        objects = set()
        todo = [node]
        while todo:
            current = todo.pop()
            if current in self._loaded:
                continue
            self._loaded.add(current)
            current_rdf = self.terms.to_rdflib(current)
            for quad in self.quads(current):
                self.ctx.add((current_rdf, self.terms.to_rdflib(quad.predicate),
                              self.terms.to_rdflib(quad.object)))
                if current == node and not isinstance(quad.object, ox.Literal):
                    objects.add(quad.object)
                if isinstance(quad.object, ox.BlankNode):
                    todo.append(quad.object)
        return objects

    def show(self, *nodes) -> None:
        """Make blank nodes that a result names readable as pyshacl reads them."""
        for node in nodes:
            if isinstance(node, BNode):
                self._copy(self.terms.to_ox(node))

    # -- results -------------------------------------------------------------------------------

    def result(self, top: _Top, shape: _Shape, comp, focus, **kwargs) -> None:
        self.show(focus, kwargs.get("value_node"))
        made = comp.make_v_result(self.ctx, focus, **kwargs)
        self.add(top, shape, [made])

    def add(self, top: _Top, shape: _Shape, made: list) -> None:
        if not made:
            return
        self.results.extend(made)
        if top.shape.shape.severity not in _ALLOWED:
            for _desc, node, triples in made:
                for s, p, o in triples:
                    if s == node and p == SH.resultSeverity and o not in _ALLOWED:
                        self.non_conformant.add(id(top))

    def evaluate(self, top: _Top, shape: _Shape, comp, focus_values: dict) -> None:
        """Let pyshacl's component decide for these focus nodes and value nodes."""
        for focus, values in focus_values.items():
            self.show(focus, *values)
        _ok, made = comp.evaluate(self.c.executor, self.ctx, focus_values, [shape.shape, comp])
        self.add(top, shape, made)

    # -- the plan ------------------------------------------------------------------------------

    def execute(self) -> tuple[bool, list]:
        self.prepare()
        for top in self.c.tops:
            self.run_top(top)
        return (not self.non_conformant), self.results

    def plan(self) -> list[tuple]:
        """(shape, component name, query) for every query a run would make."""
        planned = []
        for top in self.c.tops:
            focus = self.focus_pattern(top)
            if focus is None:
                continue
            for shape, comp, query, _handler in self.jobs(top, focus):
                planned.append((shape.node, comp.constraint_name(), query))
        return planned

    def run_top(self, top: _Top) -> None:
        focus = self.focus_pattern(top)
        forced = set(self.ontology_targets(top))
        forced |= {n for n in top.nodes if n in self.c.ontology_subjects}
        if self.described and focus is not None:
            inside = " ".join(_text(self.terms.to_ox(n)) for n in self.described)
            query = f"SELECT DISTINCT ?this WHERE {{ {focus} VALUES ?this {{ {inside} }} }}"
            forced |= {self.terms.to_rdflib(r["this"]) for r in self.select(query)}
        if forced:
            self.run_by_pyshacl(top, forced)
        if focus is None:
            return
        nodes = _Focus(lambda: self.focus_set(top) - {self.terms.to_ox(n) for n in forced})
        for _shape, _comp, query, handler in self.jobs(top, focus):
            rows = self.rows(query)
            if rows or getattr(handler, "wants_empty", False):
                handler(rows, nodes)

    def rows(self, query: str) -> list:
        """The solutions of a query (the same query serves every shape that shares it)."""
        found = self._rows_cache.get(query)
        if found is None:
            found = list(self.select(query))
            self._rows_cache[query] = found
        return found

    def run_by_pyshacl(self, top: _Top, focus: set) -> None:
        self.load(focus, self.reach(top.shape) + 1)
        ok, made = top.shape.shape.validate(self.c.executor, self.ctx, focus=list(focus))
        for _desc, node, triples in made:
            for s, _p, o in triples:
                if s == node and isinstance(o, tuple):
                    self.show(o[1])
        self.results.extend(made)
        if not ok:
            self.non_conformant.add(id(top))

    def reach(self, shape: _Shape, seen: frozenset = frozenset()) -> int:
        """How many hops from the node a shape checks pyshacl reads subjects' triples."""
        if shape.node in seen:
            return 0
        seen = seen | {shape.node}
        here = 0
        for comp in shape.components:
            if isinstance(comp, _SHAPE_BASED):
                for member in self.c._members(comp):
                    inner = self.reach(self.c._nested(member), seen)
                    here = max(here, inner + (1 if shape.is_property else 0))
            elif isinstance(comp, QualifiedValueShapeConstraintComponent):
                for node in comp.value_shapes:
                    for member in {node} | self.c._siblings(comp, node):
                        here = max(here, self.reach(self.c._nested(member), seen) + 1)
            elif isinstance(comp, ClassConstraintComponent | ClosedConstraintComponent):
                here = max(here, 1 if shape.is_property else 0)
        for prop in shape.properties:
            here = max(here, self.reach(prop, seen) + 1)
        for sparql in shape.sparql:
            here = max(here, sparql.depth)
        return here

    # -- three-valued tests of one node against a component or a shape -------------------------

    def shape_test(self, shape: _Shape, node: str, fresh: _Vars) -> _Three:
        """``node`` (a SPARQL variable) against a nested shape."""
        if shape.shape.deactivated:
            return _Three(_TRUE, _FALSE)
        oks, kos = [], []
        for comp in shape.components:
            if isinstance(comp, PropertyConstraintComponent):
                continue
            test = self.component_test(shape, comp, node, fresh)
            oks.append(test.ok)
            kos.append(test.ko)
        for prop in shape.properties:
            test = self.shape_test(prop, node, fresh)
            oks.append(test.ok)
            kos.append(test.ko)
        ok, ko = _and(*oks), _or(*kos)
        if node != "?this" and self.c.ontology_subjects and self.reads(shape):
            # the inoculated ontology says more about its own terms: pyshacl decides for them
            # (a focus node the ontology describes is left to pyshacl as a whole: run_top)
            inside = ", ".join(sorted(_iri(n) for n in self.c.ontology_subjects))
            guard = f"!({node} IN ({inside}))"
            ok, ko = _and(guard, ok), _and(guard, ko)
        return _Three(ok, ko)

    def reads(self, shape: _Shape) -> bool:
        """Whether a shape reads triples of the node it checks (beyond its types)."""
        return shape.is_property or bool(shape.properties) or any(
            isinstance(c, ClosedConstraintComponent) for c in shape.components
        )

    def component_test(self, shape: _Shape, comp, node: str, fresh: _Vars) -> _Three:
        """``node`` (the node a shape checks) against one component of that shape."""
        if isinstance(comp, _VALUE_LEVEL):
            if not shape.is_property:
                return self.value_test(comp, node, fresh)
            w = fresh("w")
            test = self.value_test(comp, w, fresh)
            p = _iri(shape.path)
            return _Three(
                _safe(f"NOT EXISTS {{ {node} {p} {w} . FILTER(!{_safe(test.ok)}) }}")
                if test.ok != _TRUE else _TRUE,
                _safe(f"EXISTS {{ {node} {p} {w} . FILTER({_safe(test.ko)}) }}")
                if test.ko != _FALSE else _FALSE,
            )
        p = _iri(shape.path) if shape.path is not None else None
        if isinstance(comp, MinCountConstraintComponent | MaxCountConstraintComponent):
            n = int(comp.min_count.value if isinstance(comp, MinCountConstraintComponent)
                    else comp.max_count.value)
            if isinstance(comp, MinCountConstraintComponent):
                if n == 0:
                    return _Three(_TRUE, _FALSE)
                k = n
            else:
                k = n + 1
            if k > 4:
                return _UNKNOWN
            ws = [fresh("w") for _ in range(k)]
            distinct = _and(*(f"!sameTerm({a}, {b})" for i, a in enumerate(ws)
                              for b in ws[i + 1:]))
            exists = " ".join(f"{node} {p} {w} ." for w in ws)
            filt = f" FILTER({distinct})" if distinct != _TRUE else ""
            has = f"EXISTS {{ {exists}{filt} }}"
            if isinstance(comp, MinCountConstraintComponent):
                return _Three(has, f"!{has}")
            return _Three(f"!{has}", has)
        if isinstance(comp, HasValueConstraintComponent):
            oks = []
            for hv in comp.has_value_set:
                value = _text(self.terms.constant(hv))
                oks.append(f"sameTerm({node}, {value})" if p is None
                           else f"EXISTS {{ {node} {p} {value} }}")
            ok = _and(*oks)
            return _Three(ok, _not(ok))
        if isinstance(comp, UniqueLangConstraintComponent):
            if not next(iter(comp.string_rules)):
                return _Three(_TRUE, _FALSE)
            a, b = fresh("w"), fresh("w")
            dup = (f"EXISTS {{ {node} {p} {a} . {node} {p} {b} . FILTER(!sameTerm({a}, {b}) "
                   f"&& isLiteral({a}) && isLiteral({b}) && LANG({a}) != \"\" "
                   f"&& LCASE(LANG({a})) = LCASE(LANG({b}))) }}")
            return _Three(f"!{dup}", dup)
        if isinstance(comp, ClosedConstraintComponent):
            if not comp.is_closed:
                return _Three(_TRUE, _FALSE)
            q, o = fresh("q"), fresh("o")
            bad = self.closed_filter(shape, comp, q, o)
            if p is None:
                found = f"EXISTS {{ {node} {q} {o} . FILTER({bad}) }}"
            else:
                w = fresh("w")
                found = f"EXISTS {{ {node} {p} {w} . {w} {q} {o} . FILTER({bad}) }}"
            return _Three(f"!{found}", found)
        if isinstance(comp, DisjointConstraintComponent | EqualsConstraintComponent):
            oks = []
            for other in comp.property_compare_set:
                w, q = fresh("w"), _iri(other)
                if p is None:  # a node shape: its only value node is the node itself
                    if isinstance(comp, DisjointConstraintComponent):
                        oks.append(f"!EXISTS {{ {node} {q} {node} }}")
                    else:
                        oks.append(f"EXISTS {{ {node} {q} {node} }}")
                        oks.append(f"!EXISTS {{ {node} {q} {w} FILTER(!sameTerm({w}, {node})) }}")
                    continue
                mine, theirs = f"{node} {p} {w} .", f"{node} {q} {w} ."
                if isinstance(comp, DisjointConstraintComponent):
                    oks.append(f"!EXISTS {{ {mine} {theirs} }}")
                else:
                    oks.append(f"!EXISTS {{ {mine} FILTER NOT EXISTS {{ {theirs} }} }}")
                    oks.append(f"!EXISTS {{ {theirs} FILTER NOT EXISTS {{ {mine} }} }}")
            ok = _and(*oks)
            return _Three(ok, _not(ok))
        if isinstance(comp, LessThanConstraintComponent | LessThanOrEqualsConstraintComponent):
            oks = []
            for other in comp.property_compare_set:
                w, c = fresh("w"), fresh("c")
                mine = f"{node} {p} {w} ." if p is not None else f"BIND({node} AS {w})"
                pair = self.pair_ok(comp, w, c)
                oks.append(f"!EXISTS {{ {mine} {node} {_iri(other)} {c} . FILTER(!{pair}) }}")
                oks.append(f"!EXISTS {{ {mine} FILTER(isBlank({w})) }}")
            return _Three(_and(*oks), _FALSE)
        # sh:qualifiedValueShape inside a nested shape: pyshacl decides
        return _UNKNOWN

    def closed_allowed(self, comp) -> set:
        """The predicates a closed shape allows (as pyshacl: the IRI paths of its property
        shapes, deactivated ones included, and the ignored properties)."""
        allowed = {a for a in comp.ignored_props if isinstance(a, URIRef)}
        for node in comp.property_shapes:
            prop = self.c._lookup(node)
            if prop.is_property_shape and isinstance(prop.path(), URIRef):
                allowed.add(prop.path())
        return allowed

    def closed_filter(self, shape: _Shape, comp, q: str, o: str) -> str:
        listed = ", ".join(sorted(_iri(a) for a in self.closed_allowed(comp)))
        parts = [f"!sameTerm({q}, {_T}) || !sameTerm({o}, <{RDFS.Resource}>)"]
        if listed:
            parts.insert(0, f"!({q} IN ({listed}))")
        return "(" + ") && (".join(parts) + ")"

    def value_test(self, comp, v: str, fresh: _Vars) -> _Three:
        """One value node ``v`` against a value-level component (all its rules)."""
        if isinstance(comp, ClassConstraintComponent):
            oks = [self.class_test(cls, v, fresh) for cls in comp.class_rules]
            ok = _and(*oks)
            return _Three(ok, _not(ok))
        if isinstance(comp, DatatypeConstraintComponent):
            return self.datatype_test(comp.datatype_rule, v)
        if isinstance(comp, NodeKindConstraintComponent):
            kind = comp.nodekind_rule
            ok = {
                SH.IRI: f"isIRI({v})", SH.BlankNode: f"isBlank({v})",
                SH.Literal: f"isLiteral({v})", SH.BlankNodeOrIRI: f"!isLiteral({v})",
                SH.BlankNodeOrLiteral: f"!isIRI({v})", SH.IRIOrLiteral: f"!isBlank({v})",
            }.get(kind, _FALSE)  # fmt: skip
            return _Three(ok, _not(ok))
        if isinstance(comp, InConstraintComponent):
            members = [self.terms.constant(m) for m in comp.in_vals if not isinstance(m, BNode)]
            ok = _or(*(f"sameTerm({v}, {_text(m)})" for m in members))
            return _Three(ok, _not(ok))
        if isinstance(comp, PatternConstraintComponent):
            return self.pattern_test(comp, v)
        if isinstance(comp, LanguageInConstraintComponent):
            langs = {str(i.value).lower() for i in comp.shape.sg.graph.items(comp.string_rules[0])}
            tagged = f"(isLiteral({v}) && LANG({v}) != \"\")"
            if "*" in langs:
                ok = tagged
            else:
                listed = ", ".join(_string(lang) for lang in sorted(langs))
                ok = (f"{tagged} && (LCASE(LANG({v})) IN ({listed}) || "
                      f"LCASE(STRBEFORE(CONCAT(LANG({v}), \"-\"), \"-\")) IN ({listed}))"
                      if listed else _FALSE)
            ok = _safe(ok) if ok != _FALSE else ok
            return _Three(ok, _not(ok))
        if isinstance(comp, MinLengthConstraintComponent | MaxLengthConstraintComponent):
            n = int(comp.string_rules[0].value)
            minimum = isinstance(comp, MinLengthConstraintComponent)
            if minimum and n == 0:
                return _Three(_TRUE, _FALSE)
            lexical = (f"(isIRI({v}) || (isLiteral({v}) && (DATATYPE({v}) = {_XSD_STRING} "
                       f"|| LANG({v}) != \"\")))")
            cmp = f"STRLEN(STR({v})) {'>=' if minimum else '<='} {n}"
            return _Three(_safe(f"{lexical} && {cmp}"),
                          _safe(f"isBlank({v}) || ({lexical} && !({cmp}))"))
        if isinstance(comp, tuple(_RANGE_OPS)):
            bounds = comp.min_vals if hasattr(comp, "min_vals") else comp.max_vals
            oks = [self.range_ok(_RANGE_OPS[type(comp)], b, v) for b in bounds]
            return _Three(_and(*oks), f"(isIRI({v}) || isBlank({v}))")
        if isinstance(comp, NotConstraintComponent):
            tests = [self.member_test(m, v, fresh) for m in comp.not_list]
            return _Three(_and(*(t.ko for t in tests)), _or(*(t.ok for t in tests)))
        if isinstance(comp, NodeConstraintComponent):
            tests = [self.member_test(m, v, fresh) for m in comp.node_shapes]
            return _Three(_and(*(t.ok for t in tests)), _or(*(t.ko for t in tests)))
        if isinstance(comp, AndConstraintComponent | OrConstraintComponent
                      | XoneConstraintComponent):
            tests = self.list_tests(comp, v, fresh)
            return _Three(_and(*(t.ok for t in tests)), _or(*(t.ko for t in tests)))
        raise Unsupported(f"{comp.constraint_name()} as a value-level component")

    def list_tests(self, comp, v: str, fresh: _Vars) -> list[_Three]:
        """One test per sh:and / sh:or / sh:xone list of a component (pyshacl reports each
        list separately)."""
        g = comp.shape.sg.graph
        name = {AndConstraintComponent: "and_list", OrConstraintComponent: "or_list",
                XoneConstraintComponent: "xone_nodes"}[type(comp)]
        tests = []
        for lst in getattr(comp, name):
            members = list(g.items(lst))
            if not isinstance(comp, XoneConstraintComponent):
                members = list(dict.fromkeys(members))  # pyshacl makes a set of them
            inner = [self.member_test(m, v, fresh) for m in members]
            if isinstance(comp, AndConstraintComponent):
                tests.append(_Three(_and(*(t.ok for t in inner)), _or(*(t.ko for t in inner))))
            elif isinstance(comp, OrConstraintComponent):
                tests.append(_Three(_or(*(t.ok for t in inner)), _and(*(t.ko for t in inner))))
            else:
                one = [_and(t.ok, *(u.ko for j, u in enumerate(inner) if j != i))
                       for i, t in enumerate(inner)]
                two = [_and(t.ok, u.ok) for i, t in enumerate(inner) for u in inner[i + 1:]]
                tests.append(_Three(_or(*one), _or(_and(*(t.ko for t in inner)), *two)))
        return tests

    def member_test(self, node, v: str, fresh: _Vars) -> _Three:
        return self.shape_test(self.c._nested(node), v, fresh)

    def class_test(self, cls, v: str, fresh: _Vars) -> str:
        t = fresh("t")
        values = self.class_values([cls])
        parts = [f"EXISTS {{ {v} {_T} {t} . VALUES {t} {{ {values} }} }}"] if values else []
        instances = self.ontology_instances(cls)
        if instances:
            parts.append(_safe(f"{v} IN ({', '.join(instances)})"))
        return _or(*parts)

    def datatype_test(self, rule, v: str) -> _Three:
        literal = f"isLiteral({v})"
        if rule == RDFS.Literal:
            return _Three(literal, f"!{literal}")
        if rule == RDFS.Datatype:
            return _Three(_safe(f"{literal} && LANG({v}) = \"\" && DATATYPE({v}) != {_XSD_STRING}"),
                          _safe(f"!{literal} || LANG({v}) != \"\""))
        ko = _safe(f"!{literal} || DATATYPE({v}) != {_iri(rule)}")
        if rule == RDF.langString:
            ok = _safe(f"{literal} && LANG({v}) != \"\"")
        elif rule == XSD.string:
            ok = _safe(f"{literal} && DATATYPE({v}) = {_XSD_STRING}")
        elif rule in _LEXICAL:
            ok = self.well_formed(rule, v)
        elif isinstance(rule, URIRef) and not self.rdflib_knows(rule):
            ok = _safe(f"{literal} && DATATYPE({v}) = {_iri(rule)}")
        else:
            ok = _FALSE
        return _Three(ok, ko)

    @staticmethod
    def rdflib_knows(datatype) -> bool:
        """Whether rdflib converts literals of ``datatype`` to Python values (and so can find
        them ill-typed); pyshacl accepts any literal of a datatype it does not know."""
        return datatype in _toPythonMapping

    def well_formed(self, datatype, v: str) -> str:
        check = f"isLiteral({v}) && DATATYPE({v}) = {_iri(datatype)} && " \
                f"REGEX(STR({v}), {_string(_LEXICAL[datatype])})"
        if datatype == XSD.dateTime:
            check += f" && YEAR({v}) > 0"  # Oxigraph checks the calendar (no 30 February)
        return _safe(check)

    def pattern_test(self, comp, v: str) -> _Three:
        flags = ""
        if comp.flags:
            text = str(comp.flags.value).lower()
            flags = ("i" if "i" in text else "") + ("m" if "m" in text else "")
        domain = (f"(isIRI({v}) || (isLiteral({v}) && (DATATYPE({v}) = {_XSD_STRING} || "
                  f"LANG({v}) != \"\"))) && REGEX(STR({v}), \"^[ -~]*$\")")
        oks, kos = [], [f"isBlank({v})"]
        for rule in comp.string_rules:
            pattern = str(rule.value) if rule.value is not None and len(rule.value) > 1 \
                else str(rule)
            if not _portable_pattern(pattern):
                oks.append(_FALSE)
                continue
            flag_arg = f", {_string(flags)}" if flags else ""
            match = f"REGEX(STR({v}), {_string(pattern)}{flag_arg})"
            oks.append(_safe(f"{domain} && {match}"))
            kos.append(_safe(f"{domain} && !{match}"))
        return _Three(_and(*oks), _or(*kos))

    def range_ok(self, op: str, bound, v: str) -> str:
        if not isinstance(bound, Literal) or bound.datatype not in _NUMERIC or bound.ill_typed:
            return _FALSE
        allowed = {XSD.integer: (XSD.integer, XSD.decimal), XSD.decimal: (XSD.integer,
                   XSD.decimal), XSD.double: (XSD.double,)}[bound.datatype]
        if bound.datatype == XSD.integer and abs(int(bound.value)) <= 2**53:
            allowed = (*allowed, XSD.double)
        kinds = [f"(DATATYPE({v}) = {_iri(d)} && REGEX(STR({v}), {_string(_LEXICAL[d])}))"
                 for d in allowed]
        value = _text(self.terms.constant(bound))
        return _safe(f"isLiteral({v}) && {_or(*kinds)} && {v} {op} {value}")

    def pair_ok(self, comp, w: str, c: str) -> str:
        """Pairs (value, compared value) surely in order for sh:lessThan(OrEquals)."""
        op = "<" if isinstance(comp, LessThanConstraintComponent) else "<="
        stringy = "(isIRI({x}) || (isLiteral({x}) && (DATATYPE({x}) = " + _XSD_STRING + \
                  " || LANG({x}) != \"\")))"
        strings = _and(stringy.format(x=w), stringy.format(x=c), f"STR({w}) {op} STR({c})")
        dates = _and(self.well_formed(XSD.dateTime, w), self.well_formed(XSD.dateTime, c),
                     f"REGEX(STR({w}), {_string(_TZ)}) = REGEX(STR({c}), {_string(_TZ)})",
                     f"{w} {op} {c}")
        numbers = []
        for a, b in ((XSD.integer, XSD.integer), (XSD.decimal, XSD.decimal),
                     (XSD.double, XSD.double), (XSD.integer, XSD.decimal),
                     (XSD.decimal, XSD.integer)):
            numbers.append(_and(self.well_formed(a, w), self.well_formed(b, c)))
        numeric = _and(_or(*numbers), f"{w} {op} {c}")
        return _safe(_or(strings, dates, numeric))

    # -- top-level jobs: (shape, component, query, handler) -------------------------------------
    #
    # A query scans the values of a path for every subject at once; its handler gets the rows and
    # the focus nodes of the shape being validated, and keeps the rows of those focus nodes. A
    # node shape's own checks, and checks of missing values, start from the focus nodes instead.

    def jobs(self, top: _Top, focus: str):
        yield from self.shape_jobs(top, top.shape, focus)

    def shape_jobs(self, top: _Top, shape: _Shape, focus: str):
        if shape.shape.deactivated:
            return
        for comp in shape.components:
            if isinstance(comp, PropertyConstraintComponent):
                continue
            yield from self.component_jobs(top, shape, comp, focus)
        for prop in shape.properties:
            yield from self.shape_jobs(top, prop, focus)

    def component_jobs(self, top: _Top, shape: _Shape, comp, focus: str):
        fresh = _Vars()
        p = _iri(shape.path) if shape.path is not None else None
        # the value nodes: the values of the path, or the focus node itself
        scan = f"?this {p} ?value ." if p is not None else f"{focus} BIND(?this AS ?value)"
        var = "?value" if p is not None else "?this"  # what the tests test
        rdf = self.terms.to_rdflib

        if isinstance(comp, _DECIDED_BY_PYSHACL):
            test = self.value_test(comp, var, fresh)
            if test.ok == _TRUE:
                return
            query = f"SELECT DISTINCT ?this ?value WHERE {{ {scan} FILTER(!{_safe(test.ok)}) }}"

            def decide(rows, nodes, comp=comp):
                grouped = defaultdict(set)
                for r in rows:
                    if r["this"] in nodes:
                        grouped[rdf(r["this"])].add(rdf(r["value"]))
                if grouped:
                    self.evaluate(top, shape, comp, dict(grouped))

            yield shape, comp, query, decide
            return

        if isinstance(comp, ClassConstraintComponent | NodeKindConstraintComponent
                      | InConstraintComponent):
            if isinstance(comp, ClassConstraintComponent):
                oks = [self.class_test(rule, var, fresh) for rule in comp.class_rules]
            else:
                oks = [self.value_test(comp, var, fresh).ok]
            for ok in oks:
                if ok == _TRUE:
                    continue
                query = f"SELECT DISTINCT ?this ?value WHERE {{ {scan} FILTER(!{_safe(ok)}) }}"
                yield shape, comp, query, self.value_results(top, shape, comp)
            return

        if isinstance(comp, _SHAPE_BASED):
            tests = self.rule_tests(comp, var, fresh)
            ok = _and(*(t.ok for t in tests))
            if ok == _TRUE:
                return
            flags = " ".join(f"({_safe(t.ok)} AS ?ok{i}) ({_safe(t.ko)} AS ?ko{i})"
                             for i, t in enumerate(tests))
            query = (f"SELECT DISTINCT ?this ?value {flags} WHERE {{ {scan} "
                     f"FILTER(!{_safe(ok)}) }}")

            count = len(tests)

            def shaped(rows, nodes, comp=comp, count=count):
                unknown = defaultdict(set)
                for r in rows:
                    if r["this"] not in nodes:
                        continue
                    f, v = rdf(r["this"]), rdf(r["value"])
                    oks = [r[f"ok{i}"].value == "true" for i in range(count)]
                    kos = [r[f"ko{i}"].value == "true" for i in range(count)]
                    if all(o or k for o, k in zip(oks, kos, strict=True)):
                        for k in kos:
                            if k:
                                self.result(top, shape, comp, f, value_node=v)
                    else:  # some rule undecided: pyshacl decides the whole component
                        unknown[f].add(v)
                if unknown:
                    depth = max(self.reach(self.c._nested(m)) for m in self.c._members(comp))
                    self.load({v for vs in unknown.values() for v in vs}, depth + 1)
                    self.evaluate(top, shape, comp, dict(unknown))

            yield shape, comp, query, shaped
            return

        if isinstance(comp, MinCountConstraintComponent):
            n = int(comp.min_count.value)
            if n == 0:
                return
            if n == 1:
                query = (f"SELECT DISTINCT ?this WHERE {{ {focus} "
                         f"FILTER NOT EXISTS {{ ?this {p} ?v }} }}")
            else:
                query = (f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {p} ?v }} }} "
                         f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {n})")
            yield shape, comp, query, self.focus_results(top, shape, comp)
            return

        if isinstance(comp, MaxCountConstraintComponent):
            n = int(comp.max_count.value)
            query = (f"SELECT ?this WHERE {{ ?this {p} ?v }} "
                     f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {n})")
            yield shape, comp, query, self.focus_results(top, shape, comp)
            return

        if isinstance(comp, HasValueConstraintComponent):
            for hv in comp.has_value_set:
                value = _text(self.terms.constant(hv))
                if p is None:
                    query = (f"SELECT DISTINCT ?this WHERE {{ {focus} "
                             f"FILTER(!sameTerm(?this, {value})) }}")
                else:
                    query = (f"SELECT DISTINCT ?this WHERE {{ {focus} "
                             f"FILTER NOT EXISTS {{ ?this {p} {value} }} }}")
                yield shape, comp, query, self.focus_results(top, shape, comp)
            return

        if isinstance(comp, UniqueLangConstraintComponent):
            if not next(iter(comp.string_rules)):
                return
            query = (f"SELECT ?this ?lang WHERE {{ {scan} FILTER(isLiteral(?value) && "
                     f"LANG(?value) != \"\") BIND(LCASE(LANG(?value)) AS ?lang) }} "
                     f"GROUP BY ?this ?lang HAVING (COUNT(DISTINCT ?value) > 1)")
            yield shape, comp, query, self.focus_results(top, shape, comp)
            return

        if isinstance(comp, ClosedConstraintComponent):
            if not comp.is_closed:
                return
            start = focus if p is None else f"{focus} ?this {p} ?value ."
            value = "?this" if p is None else "?value"
            allowed = " ".join(sorted(_iri(a) for a in self.closed_allowed(comp)))
            # MINUS: a hash anti-join on the predicate, faster than a NOT IN filter
            query = (f"SELECT DISTINCT ?this ?value ?p ?o WHERE {{ {{ {start} {value} ?p ?o . }} "
                     f"MINUS {{ VALUES ?p {{ {allowed} }} }} "
                     f"FILTER(!sameTerm(?p, {_T}) || !sameTerm(?o, <{RDFS.Resource}>)) "
                     f"{'BIND(?this AS ?value)' if p is None else ''} }}")

            def closed(rows, nodes, comp=comp):
                for r in rows:
                    if r["this"] in nodes:
                        self.result(top, shape, comp, rdf(r["this"]), value_node=rdf(r["o"]),
                                    result_path=rdf(r["p"]))

            yield shape, comp, query, closed
            return

        if isinstance(comp, DisjointConstraintComponent | EqualsConstraintComponent):
            for other in comp.property_compare_set:
                q = _iri(other)
                if isinstance(comp, DisjointConstraintComponent):
                    common = (f"{scan} ?this {q} ?value ." if p is not None
                              else f"?this {q} ?this . BIND(?this AS ?value)")
                    queries = [f"SELECT DISTINCT ?this ?value WHERE {{ {common} }}"]
                else:
                    missing = (f"FILTER NOT EXISTS {{ ?this {p} ?value }}" if p is not None
                               else "FILTER(!sameTerm(?value, ?this))")
                    queries = [
                        f"SELECT DISTINCT ?this ?value WHERE {{ {scan} "
                        f"FILTER NOT EXISTS {{ ?this {q} ?value }} }}",
                        f"SELECT DISTINCT ?this ?value WHERE {{ ?this {q} ?value . "
                        f"{missing} }}",
                    ]
                for query in queries:
                    yield shape, comp, query, self.value_results(top, shape, comp)
            return

        if isinstance(comp, LessThanConstraintComponent | LessThanOrEqualsConstraintComponent):
            compare = (comp._compare_lt if isinstance(comp, LessThanConstraintComponent)
                       else comp._compare_ltoe)
            mine = scan if p is not None else "BIND(?this AS ?value)"
            for other in comp.property_compare_set:
                q = _iri(other)
                pair = self.pair_ok(comp, "?value", "?c")
                blank = f"SELECT DISTINCT ?this ?value WHERE {{ {scan} FILTER(isBlank(?value)) }}"
                query = (f"SELECT DISTINCT ?this ?value ?c WHERE {{ {mine} "
                         f"?this {q} ?c . FILTER(!{pair}) }}")

                def blanks(rows, nodes, compare=compare):
                    for r in rows:
                        if r["this"] in nodes:  # pyshacl refuses to compare a blank node
                            compare({rdf(r["value"])}, set(), self.ctx, rdf(r["this"]))

                def ordered(rows, nodes, compare=compare):
                    for r in rows:
                        if r["this"] not in nodes:
                            continue
                        f, v, c = rdf(r["this"]), rdf(r["value"]), rdf(r["c"])
                        self.show(f, v, c)
                        _nc, made = compare({v}, {c}, self.ctx, f)
                        self.add(top, shape, made)

                yield shape, comp, blank, blanks
                yield shape, comp, query, ordered
            return

        if isinstance(comp, QualifiedValueShapeConstraintComponent):
            for value_shape in comp.value_shapes:
                yield from self.qualified_jobs(top, shape, comp, value_shape, focus, fresh)
            return

        if isinstance(comp, SPARQLBasedConstraint):
            for sparql in shape.sparql:
                yield shape, comp, sparql.text, self.sparql_handler(top, shape, comp, sparql)
            return

        raise Unsupported(f"{comp.constraint_name()} on {shape.node}")

    def value_results(self, top: _Top, shape: _Shape, comp):
        def handler(rows, nodes):
            for r in rows:
                if r["this"] in nodes:
                    self.result(top, shape, comp, self.terms.to_rdflib(r["this"]),
                                value_node=self.terms.to_rdflib(r["value"]))

        return handler

    def focus_results(self, top: _Top, shape: _Shape, comp):
        def handler(rows, nodes):
            for r in rows:
                if r["this"] in nodes:
                    self.result(top, shape, comp, self.terms.to_rdflib(r["this"]))

        return handler

    def rule_tests(self, comp, var: str, fresh: _Vars) -> list[_Three]:
        """One three-valued test per rule (per sh:node shape, sh:not shape, sh:or list...)."""
        if isinstance(comp, NotConstraintComponent):
            tests = [self.member_test(m, var, fresh) for m in comp.not_list]
            return [_Three(t.ko, t.ok) for t in tests]
        if isinstance(comp, NodeConstraintComponent):
            return [self.member_test(m, var, fresh) for m in comp.node_shapes]
        return self.list_tests(comp, var, fresh)

    def qualified_jobs(self, top: _Top, shape: _Shape, comp, value_shape, focus: str,
                       fresh: _Vars):
        q = self.member_test(value_shape, "?value", fresh)
        siblings = [self.member_test(s, "?value", fresh)
                    for s in self.c._siblings(comp, value_shape)]
        counted = _and(q.ok, *(s.ko for s in siblings))
        not_counted = _or(q.ko, *(s.ok for s in siblings))
        p = _iri(shape.path)
        conditions = ["SUM(?maybe) > 0"]  # HAVING cannot use the SELECT's aliases
        if comp.max_count is not None:
            conditions.append(f"SUM(?in) > {int(comp.max_count)}")
        if comp.min_count is not None:
            conditions.append(f"SUM(?in) < {int(comp.min_count)}")
        query = (
            f"SELECT ?this (SUM(?in) AS ?counted) (SUM(?maybe) AS ?unknown) WHERE {{ "
            f"{{ SELECT DISTINCT ?this ?value WHERE {{ {focus} "
            f"OPTIONAL {{ ?this {p} ?value }} }} }} "
            f"BIND(IF(BOUND(?value) && {_safe(counted)}, 1, 0) AS ?in) "
            f"BIND(IF(BOUND(?value) && !{_safe(counted)} && !{_safe(not_counted)}, 1, 0) "
            f"AS ?maybe) }} GROUP BY ?this HAVING ({' || '.join(conditions)})"
        )

        def handler(rows, nodes):
            unknown = []
            for r in rows:
                if r["this"] not in nodes:
                    continue
                f = self.terms.to_rdflib(r["this"])
                if int(r["unknown"].value) > 0:
                    unknown.append(f)
                    continue
                n = int(r["counted"].value)
                if comp.max_count is not None and n > comp.max_count:
                    self.result(top, shape, comp, f,
                                constraint_component=SH_QualifiedMaxCountConstraintComponent)
                if comp.min_count is not None and n < comp.min_count:
                    self.result(top, shape, comp, f,
                                constraint_component=SH_QualifiedMinCountConstraintComponent)
            if unknown:
                values = {}
                for f in unknown:
                    subject = self.terms.to_ox(f)
                    found = {self.terms.to_rdflib(quad.object) for quad in self.quads(subject)
                             if quad.predicate.value == str(shape.path)}
                    values[f] = found
                members = {value_shape} | self.c._siblings(comp, value_shape)
                depth = max(self.reach(self.c._nested(m)) for m in members)
                self.load({v for vs in values.values() for v in vs}, depth + 1)
                single = _SingleValueShape(comp, value_shape)
                self.evaluate(top, shape, single, values)

        yield shape, comp, query, handler

    def sparql_handler(self, top: _Top, shape: _Shape, comp, sparql: _SparqlQuery):
        def handler(rows, nodes):
            per_focus = defaultdict(list)
            for r in rows:
                if r["this"] in nodes:
                    per_focus[r["this"]].append(r)
            for f, solutions in per_focus.items():
                self.sparql_results(top, shape, comp, sparql, self.terms.to_rdflib(f),
                                    solutions)

        return handler

    def sparql_results(self, top, shape, comp, sparql, f, solutions) -> None:
        """pyshacl's _validate_sparql_query and _evaluate_sparql_constraint, on the rows of
        one focus node."""
        violations = []
        dedup = set()
        for solution in solutions:
            var_dict = {}
            for name in sparql.variables:
                value = solution[name]
                if value is not None:
                    var_dict[name] = self.terms.to_rdflib(value)
            failure = var_dict.pop("failure", None)
            if failure is not None:
                if True in dedup:
                    continue
                violations.append((True, var_dict))
                dedup.add(True)
            else:
                p = var_dict.pop("path", None)
                v = var_dict.pop("value", None)
                t = var_dict.pop("this", None)
                if (p is not None) or (v is not None) or (t is not None):
                    if (t, p, v, var_dict) in violations:
                        continue
                    violations.append((t, p, v, var_dict))
        helper = sparql.helper
        extra = helper.messages or None
        kwargs = {"source_constraint": helper.node, "extra_messages": extra}
        result_val = None if shape.is_property else f
        for item in violations:
            if item[0] is True:
                self.show(f, result_val)
                made = comp.make_v_result(self.ctx, f, value_node=result_val,
                                          bound_vars=item[1], **kwargs)
            else:
                t, p, v, var_dict = item
                if v is None:
                    v = result_val
                self.show(t or f, v)
                made = comp.make_v_result(self.ctx, t or f, value_node=v, result_path=p,
                                          bound_vars=(t, p, v, var_dict), **kwargs)
            self.add(top, shape, [made])


class _Focus:
    """The focus nodes of a shape, found the first time a query returns rows to check."""

    def __init__(self, find: Callable[[], set]) -> None:
        self._find = find
        self._nodes: set | None = None

    def __contains__(self, node) -> bool:
        if self._nodes is None:
            self._nodes = self._find()
        return node in self._nodes


class _SingleValueShape:
    """A qualified value shape component restricted to one of its value shapes."""

    def __init__(self, comp, value_shape) -> None:
        self.comp = comp
        self.value_shape = value_shape

    def constraint_name(self) -> str:
        return self.comp.constraint_name()

    def evaluate(self, executor, target_graph, focus_value_nodes, path):
        potentially_recursive = None
        return self.comp._evaluate_value_shape(
            executor, self.value_shape, target_graph, focus_value_nodes, potentially_recursive,
            path[:-1] + [self.comp],
        )


# ---------------------------------------------------------------------------------------------
# Convenience: an rdflib data graph, as validation.validate takes it
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _compiled(shapes_path: str, ontology_path: str) -> CompiledShapes:
    settings_like = Settings(shapes=shapes_path, ontology=ontology_path)
    return compile_shapes(validation.shapes_graph(settings_like),
                          validation.ontology_graph(settings_like))


def compiled_for(settings: Settings | None = None) -> CompiledShapes:
    """The compiled shapes of ``settings`` (cached)."""
    settings = settings or Settings()
    return _compiled(str(settings.shapes), str(settings.ontology))


def _triples(data: Graph):
    """The triples of ``data``: straight from rdflib's memory store index when the graph is
    all the store holds (several times faster than ``Graph.__iter__``), graph by graph for a
    ``ReadOnlyGraphAggregate`` (a triple in two of its graphs comes twice)."""
    if isinstance(data, ReadOnlyGraphAggregate):
        for graph in data.graphs:
            yield from _triples(graph)
        return
    store = data.store
    index = getattr(store, "_Memory__spo", None)
    if (type(data) is Graph and isinstance(store, Memory) and index is not None
            and sum(len(objects) for po in index.values() for objects in po.values())
            == len(data)):
        for s, po in index.items():
            for p, objects in po.items():
                for o in objects:
                    yield s, p, o
        return
    yield from data


def load_graph(data: Graph, store: ox.Store | None = None,
               graph: ox.NamedNode | None = None) -> tuple[ox.Store, TermMap]:
    """Copy an rdflib graph into a pyoxigraph store (a new in-memory one by default), and return
    it with the ``TermMap`` that turns its terms back into the graph's own.

    The triples go through N-Triples text (about twice as fast as making pyoxigraph ``Quad``
    objects); a graph whose terms cannot be written so is copied quad by quad."""
    fresh = store is None
    store = store if store is not None else ox.Store()
    terms = TermMap()
    try:
        _load_text(data, store, graph, terms)
    except (SyntaxError, ValueError, UnicodeError):
        if not fresh:
            raise Unsupported("terms that N-Triples cannot carry, in a store given") from None
        store, terms = ox.Store(), TermMap()
        _load_quads(data, store, graph, terms)
    terms.finish([data])
    return store, terms


def _load_text(data: Graph, store: ox.Store, graph, terms: TermMap) -> None:
    iris: dict[str, str] = {}  # IRI -> N-Triples text (keyed by plain str: faster lookups)
    literal = terms.nt_literal
    to_ox = terms.to_ox

    def iri(term) -> str:
        key = str(term)
        found = iris.get(key)
        if found is None:
            found = iris[key] = f"<{key}>"
        return found

    lines: list[str] = []
    quads: list[ox.Quad] = []  # triples with blank nodes: parsers would rename them
    target = ox.NamedNode(graph.value) if graph is not None else None
    quad_graph = target if target is not None else ox.DefaultGraph()
    last_s = subject = None
    for s, p, o in _triples(data):
        kind = type(o)
        if type(s) is BNode or kind is BNode:
            quads.append(ox.Quad(to_ox(s), to_ox(p), to_ox(o), quad_graph))
            continue
        if s is not last_s:
            last_s, subject = s, iri(s)
        obj = literal(o) if kind is Literal else iri(o)
        lines.append(f"{subject} {iri(p)} {obj} .\n")
        if len(lines) >= 200_000:
            store.load("".join(lines).encode(), format=ox.RdfFormat.N_TRIPLES, to_graph=target)
            lines = []
    if lines:
        store.load("".join(lines).encode(), format=ox.RdfFormat.N_TRIPLES, to_graph=target)
    store.extend(quads)


def _load_quads(data: Graph, store: ox.Store, graph, terms: TermMap) -> None:
    target = graph if graph is not None else ox.DefaultGraph()
    to_ox = terms.to_ox
    batch = [ox.Quad(to_ox(s), to_ox(p), to_ox(o), target) for s, p, o in _triples(data)]
    store.extend(batch)


def validate_graph(
    data: Graph,
    settings: Settings | None = None,
    source_of: Callable[[object], str | None] | None = None,
    concerns: Callable[[object], bool] | None = None,
) -> validation.Report:
    """What ``validation.validate`` returns with pyshacl for ``data`` (a graph, or a
    ``ReadOnlyGraphAggregate`` of graphs), computed with the compiled shapes on an in-memory
    pyoxigraph store. Raises ``Unsupported`` where pyshacl must be used instead."""
    settings = settings or Settings()
    compiled = compiled_for(settings)
    with cyclic_gc_paused():
        return _validate_graph(compiled, data, settings, source_of, concerns)


def _validate_graph(compiled, data, settings, source_of, concerns) -> validation.Report:
    store, terms = load_graph(data)
    terms.check_constants([m for found in _shape_literals(compiled) for m in found], [data])
    # validation.validate hands pyshacl an aggregate merged into a new Graph: its prefixes
    namespaces = Graph() if isinstance(data, ReadOnlyGraphAggregate) else data
    report_graph = compiled.validate(store, terms=terms, namespaces=namespaces)
    bind_prefixes(report_graph)
    shapes = validation.shapes_graph(settings)
    violations = validation._violations(
        report_graph, shapes, source_of or (lambda _node: None), concerns or (lambda _node: True)
    )
    blocking = [v for v in violations if v.severity == "Violation"]
    return validation.Report(conforms=not blocking, violations=violations, graph=report_graph)


def _shape_literals(compiled: CompiledShapes) -> Iterable[list[Literal]]:
    """Literals the shapes compare data with (sh:in, sh:hasValue)."""
    g = compiled._sg.graph
    for lst in g.objects(None, SH["in"]):
        yield [m for m in g.items(lst) if isinstance(m, Literal)]
    yield [v for v in g.objects(None, SH.hasValue) if isinstance(v, Literal)]
