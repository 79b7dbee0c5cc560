"""SHACL validation of data graphs against our shapes, with reports people can act on."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.graph import ReadOnlyGraphAggregate

from .config import Settings
from .namespaces import SH, bind_prefixes, compact


@dataclass
class Violation:
    """One problem: which resource, which property path, which value, and why (fr and en)."""

    focus: str
    path: str | None
    value: str | None
    messages: dict[str, str]
    severity: str = "Violation"
    source: str | None = None
    shape: str | None = None

    def message(self, lang: str = "en") -> str:
        return self.messages.get(lang) or next(iter(self.messages.values()), "")

    def describe(self, lang: str = "en") -> str:
        where = f"{self.source}: " if self.source else ""
        path = f" {self.path}" if self.path else ""
        value = f" = {self.value}" if self.value is not None else ""
        return f"{where}<{self.focus}>{path}{value}: {self.message(lang)}"


@dataclass
class Report:
    """The outcome of one validation."""

    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    graph: Graph | None = None

    def text(self, lang: str = "en") -> str:
        if self.conforms:
            return "conforms: no violation"
        lines = [f"{len(self.violations)} violation(s):"]
        lines += [f"  - {v.describe(lang)}" for v in self.violations]
        return "\n".join(lines)


COMPILED_FROM = 5_000  # triples: a bigger batch is validated by the compiled shapes


@lru_cache(maxsize=4)
def _load_graph(path: str) -> Graph:
    graph = Graph()
    graph.parse(path, format="turtle")
    return graph


def shapes_graph(settings: Settings | None = None) -> Graph:
    return _load_graph((settings or Settings()).shapes)


def ontology_graph(settings: Settings | None = None) -> Graph:
    return _load_graph((settings or Settings()).ontology)


def _show(node) -> str | None:
    if node is None:
        return None
    if isinstance(node, Literal):
        return node.n3()
    if isinstance(node, URIRef):
        return str(node)
    return f"_:{node}"


def _path(node) -> str | None:
    if node is None:
        return None
    if isinstance(node, URIRef):
        return compact(str(node))
    return "(complex path)" if isinstance(node, BNode) else str(node)


_PLACEHOLDER = re.compile(r"\\\{\\[?$]\w+\\\}")  # a {?var} or {$var}, once re.escape()d


def _messages(report: Graph, result, shapes: Graph) -> dict[str, str]:
    """The messages of one result, by language.

    pyshacl drops the language tag of a SPARQL-based constraint's messages when it fills in
    their {?var} placeholders; the tag is restored from the sh:message templates of the
    result's source constraint or source shape.
    """
    templates = [
        template
        for prop in (SH.sourceConstraint, SH.sourceShape)
        if (node := report.value(result, prop)) is not None
        for template in shapes.objects(node, SH.message)
        if isinstance(template, Literal) and template.language
    ]
    messages: dict[str, str] = {}
    for msg in report.objects(result, SH.resultMessage):
        lang = msg.language
        if not lang:
            for template in templates:
                pattern = _PLACEHOLDER.sub(".*?", re.escape(str(template)))
                if re.fullmatch(pattern, str(msg), flags=re.DOTALL):
                    lang = template.language
                    break
        messages[lang or "en"] = str(msg)
    return messages


def _violations(
    report: Graph,
    shapes: Graph,
    source_of: Callable[[object], str | None],
    concerns: Callable[[object], bool],
) -> list[Violation]:
    found = []
    for result in report.objects(None, SH.result):  # not the nested sh:detail results
        focus = report.value(result, SH.focusNode)
        if not concerns(focus):
            continue
        messages = _messages(report, result, shapes)
        severity = report.value(result, SH.resultSeverity)
        found.append(
            Violation(
                focus=_show(focus) or "",
                path=_path(report.value(result, SH.resultPath)),
                value=_show(report.value(result, SH.value)),
                messages=messages,
                severity=str(severity).rsplit("#", 1)[-1],
                source=source_of(focus),
                shape=_show(report.value(result, SH.sourceShape)),
            )
        )
    found.sort(key=lambda v: (v.source or "", v.focus, v.path or "", v.message()))
    return found


def validate(
    data: Graph,
    settings: Settings | None = None,
    source_of: Callable[[object], str | None] | None = None,
    concerns: Callable[[object], bool] | None = None,
    compiled: bool | None = None,
) -> Report:
    """Validate ``data`` (a graph, or a ``ReadOnlyGraphAggregate`` of the batch's graphs)
    against our shapes (the ontology supplies subclass links).

    ``concerns`` keeps the results about the nodes being checked: ``data`` may also hold
    context (stored resources that the batch links to), whose own results are not the batch's.
    From ``COMPILED_FROM`` triples on, the shapes compiled to SPARQL run on pyoxigraph
    (``shacl_sparql``: the same report as pyshacl, proven by its tests, tens of times faster);
    below that, and for shapes it does not handle, pyshacl itself. ``compiled`` False: always
    pyshacl (the reference), True: the compiled shapes whatever the size.
    """
    if compiled or (compiled is None and len(data) >= COMPILED_FROM):
        from .shacl_sparql import Unsupported, validate_graph

        try:
            return validate_graph(data, settings, source_of, concerns)
        except Unsupported as error:
            logging.getLogger(__name__).warning("pyshacl validates: %s", error)
    shapes = shapes_graph(settings)
    if isinstance(data, ReadOnlyGraphAggregate):  # pyshacl reads one plain graph
        merged = Graph()
        for triple in data:
            merged.add(triple)
        data = merged
    conforms, report_graph, _ = pyshacl.validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology_graph(settings),
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    bind_prefixes(report_graph)
    violations = _violations(
        report_graph, shapes, source_of or (lambda _node: None), concerns or (lambda _node: True)
    )
    blocking = [v for v in violations if v.severity == "Violation"]
    return Report(conforms=not blocking, violations=violations, graph=report_graph)
