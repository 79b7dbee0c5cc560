"""The one write path: sources → resources → validation → publish policy → store.

``check`` runs the first three stages (what ``carnet-kg validate`` does); ``load`` runs them all
and writes everything in one transaction, or nothing if any resource is invalid.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from .config import Settings
from .identifiers import Identifiers
from .ingest import ResourceSplit, read_sources, split_resources
from .ingest.rdf_files import list_sources
from .namespaces import CKG, compact
from .policy import PublishPolicy
from .progress import Progress, Silent
from .store import GraphWrite, Store
from .validation import Report, Violation, validate

EXPECTED_TYPES: dict[str, set[URIRef]] = {
    "note": {CKG.GeneralNote, CKG.OrganisationNote},
    "term": {CKG.Term},
    "notebook": {CKG.Notebook},
    "category": {CKG.Category},
    "knowledge-base": {CKG.KnowledgeBase},
    "community": {CKG.Community},
    "person": {CKG.Person},
    "organisation": {CKG.Organisation},
    "lexicon": {CKG.Lexicon},
}


class LoadFailed(Exception):
    """Validation found violations: nothing was written. ``report`` lists them."""

    def __init__(self, report: Report) -> None:
        super().__init__(report.text())
        self.report = report


@dataclass
class Checked:
    """The outcome of the read-split-validate stages."""

    split: ResourceSplit
    report: Report
    files: int


@dataclass
class LoadReport:
    """What a load did, in counts only (withheld resources are never named)."""

    files: int = 0
    resources: int = 0
    published: int = 0
    external_graphs: int = 0
    written: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    withheld_by_kind: Counter = field(default_factory=Counter)
    dropped_links: int = 0
    warnings: int = 0

    def summary(self) -> str:
        withheld = sum(self.withheld_by_kind.values())
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(self.withheld_by_kind.items()))
        lines = [
            f"read {self.files} file(s): {self.resources} resource(s), "
            f"{self.external_graphs} external graph(s)",
            f"published {self.published} resource(s); withheld {withheld} non-public"
            + (f" ({kinds})" if kinds else "")
            + f"; dropped {self.dropped_links} link(s) to non-public resources",
            f"wrote {self.written} graph(s), {self.unchanged} unchanged, "
            f"{self.withdrawn} withdrawn",
        ]
        if self.warnings:
            lines.append(f"{self.warnings} validation warning(s)")
        return "\n".join(lines)


def _kind_violations(split: ResourceSplit, ids: Identifiers) -> list[Violation]:
    """Each resource must be typed with the class its IRI's kind promises."""
    found = []
    for thing, graph in split.resources.items():
        kind = ids.parse_thing(thing).kind
        expected = EXPECTED_TYPES[kind]
        if not expected & set(graph.objects(thing, RDF.type)):
            names = " or ".join(sorted(compact(str(t)) for t in expected))
            found.append(Violation(
                focus=str(thing), path="rdf:type", value=None, source=split.source_of(thing),
                messages={
                    "en": f"A resource under id/{kind}/ must be typed {names}.",
                    "fr": f"Une ressource sous id/{kind}/ doit être de type {names}.",
                },
            ))
    return found


def _outside_targets(split: ResourceSplit, ids: Identifiers) -> set[URIRef]:
    """Things of ours that the batch links to but does not contain."""
    targets = set()
    for graph in split.resources.values():
        for obj in graph.objects():
            owner = ids.owner(obj) if isinstance(obj, URIRef) else None
            if owner is not None and owner not in split.resources:
                targets.add(owner)
    return targets


def _stored_types(store: Store | None, things: set[URIRef]) -> Graph:
    """The rdf:type triples the store holds for ``things`` (so links to them validate)."""
    context = Graph()
    if store is None or not things:
        return context
    values = " ".join(f"<{t}>" for t in sorted(things))  # keys checked by Identifiers
    result = store.query(f"SELECT ?s ?t WHERE {{ VALUES ?s {{ {values} }} ?s a ?t }}")
    for row in result.rows:
        context.add((row["s"], RDF.type, row["t"]))
    return context


def check(
    paths: list[str | Path],
    settings: Settings,
    store: Store | None = None,
    out=None,
) -> Checked:
    """Read, split and validate ``paths`` (links to resources already stored count as known)."""
    ids = Identifiers(settings.base)
    files = list_sources(paths)
    progress = Progress("reading", len(files), out) if out else Silent()
    sources = read_sources(files, settings.base, progress.advance)
    progress.done()
    split = split_resources(sources, ids)
    split.external.pop(ids.metadata_graph, None)  # an exported metadata graph is regenerated
    data = split.merged()
    data += _stored_types(store, _outside_targets(split, ids))
    if out:
        out.write(f"validating {len(split.resources)} resource(s), {len(data)} triple(s)\n")
    report = validate(data, settings, split.source_of)
    extra = _kind_violations(split, ids)
    if extra:
        report.violations = extra + report.violations
        report.conforms = False
    return Checked(split, report, len(files))


def load(
    paths: list[str | Path],
    settings: Settings,
    store: Store,
    out=None,
) -> LoadReport:
    """Check ``paths`` and write the public part in one transaction. Raises LoadFailed."""
    checked = check(paths, settings, store, out)
    if not checked.report.conforms:
        raise LoadFailed(checked.report)
    ids = Identifiers(settings.base)
    split = checked.split
    policy = PublishPolicy(ids, split.resources, lambda t: store.has_graph(ids.document_of(t)))
    outcome = policy.apply()
    writes = [
        GraphWrite(ids.document_of(t), g, tuple(sorted(split.sources[t])))
        for t, g in outcome.published.items()
    ]
    for name, graph in split.external.items():
        kept, dropped = policy.filter_external(graph)
        outcome.dropped_links += dropped
        writes.append(GraphWrite(name, kept, tuple(sorted(split.sources[name]))))
    withdrawals = [GraphWrite(ids.document_of(t), None) for t in sorted(outcome.withheld)]
    scrubbed = _scrub_links(store, ids, policy, outcome.withheld, set(split.resources))
    if out:
        out.write(f"writing {len(writes) + len(withdrawals) + len(scrubbed)} graph(s) "
                  "in one transaction\n")
    changed = store.write(writes + withdrawals + scrubbed)
    changed_names = {w.name for w in changed}
    return LoadReport(
        files=checked.files,
        resources=len(split.resources),
        published=len(outcome.published),
        external_graphs=len(split.external),
        written=sum(1 for w in writes + scrubbed if w.name in changed_names),
        unchanged=sum(1 for w in writes if w.name not in changed_names),
        withdrawn=sum(1 for w in withdrawals if w.name in changed_names),
        withheld_by_kind=outcome.withheld_by_kind,
        dropped_links=outcome.dropped_links,
        warnings=sum(1 for v in checked.report.violations if v.severity != "Violation"),
    )


def _scrub_links(
    store: Store,
    ids: Identifiers,
    policy: PublishPolicy,
    withheld: set[URIRef],
    in_batch: set[URIRef],
) -> list[GraphWrite]:
    """Stored resources outside the batch that link to a now-withheld one, rewritten without."""
    if not withheld:
        return []
    values = " ".join(f"<{t}>" for t in sorted(withheld))
    result = store.query(
        f"SELECT DISTINCT ?g ?src WHERE {{ VALUES ?t {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} "
        "FILTER(?o = ?t || STRSTARTS(STR(?o), CONCAT(STR(?t), '#'))) "
        f"OPTIONAL {{ GRAPH <{ids.metadata_graph}> {{ ?g <{CKG.sourceFile}> ?src }} }} }}"
    )
    sources: dict[URIRef, set[str]] = {}
    for row in result.rows:
        sources.setdefault(row["g"], set()).update([str(row["src"])] if "src" in row else [])
    writes = []
    for name, labels in sources.items():
        thing = _thing_of_document(ids, name)
        if thing is None or thing in in_batch:
            continue
        kept, _ = policy.filter_links(thing, store.graph(name))
        writes.append(GraphWrite(name, kept, tuple(sorted(labels))))
    return writes


def _thing_of_document(ids: Identifiers, name: URIRef) -> URIRef | None:
    prefix = f"{ids.base}doc/"
    if not str(name).startswith(prefix):
        return None
    return ids.owner(f"{ids.base}id/{str(name)[len(prefix):]}")

