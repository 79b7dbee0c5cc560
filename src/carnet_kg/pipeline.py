"""The one write path: sources → resources → validation → publish policy → store.

``check`` runs the first three stages (what ``carnet-kg validate`` does); ``load`` runs them all
and writes everything in one transaction, or nothing if any resource is invalid.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.graph import ReadOnlyGraphAggregate
from rdflib.namespace import RDF

from . import revisions
from .config import Settings
from .identifiers import Identifiers
from .ingest import ResourceSplit, SourceFile, read_sources, split_resources
from .ingest.rdf_files import MAPPING_SUFFIX, IngestError, list_sources
from .memory import cyclic_gc_paused
from .namespaces import CKG, compact
from .policy import PublishPolicy
from .progress import Progress, Silent
from .store import GraphWrite, Revision, Store
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
    history: list[Revision] = field(default_factory=list)  # from an export, to restore


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


KIND_CLASSES: set[URIRef] = set().union(*EXPECTED_TYPES.values()) | {CKG.Note}
OWNED_CLASSES = {CKG.Membership, CKG.Revision}


def _violation(split: ResourceSplit, node, path: str, en: str, fr: str) -> Violation:
    shown = str(node) if isinstance(node, URIRef) else f"_:{node}"
    return Violation(focus=shown, path=path, value=None, source=split.source_of(node),
                     messages={"en": en, "fr": fr})


def _identity_violations(split: ResourceSplit, ids: Identifiers) -> list[Violation]:
    """Resources of our classes live at IRIs of their kind, and nowhere else.

    The publish policy decides by IRI, so a note typed at another IRI (another base, a key that
    is not URL-safe, a blank node) or under another kind would escape it: refused here.
    """
    found = []
    for thing, graph in split.resources.items():
        kind = ids.parse_thing(thing).kind
        types = set(graph.objects(thing, RDF.type))
        expected = EXPECTED_TYPES[kind]
        names = " or ".join(sorted(compact(str(t)) for t in expected))
        if not expected & types or (types & KIND_CLASSES) - expected - {CKG.Note}:
            found.append(_violation(
                split, thing, "rdf:type",
                f"A resource under id/{kind}/ must be typed {names}, and with no class of "
                "another kind.",
                f"Une ressource sous id/{kind}/ doit être de type {names}, sans classe d'une "
                "autre sorte.",
            ))
    graphs = [(g, True) for g in split.resources.values()]
    graphs += [(g, False) for g in split.external.values()]
    for graph, in_resource in graphs:
        for node in set(graph.subjects(RDF.type, None)) | set(graph.subjects(CKG.visibility)):
            if isinstance(node, URIRef) and ids.owner(node) == node:
                continue  # a resource: checked above
            ours = {t for t in graph.objects(node, RDF.type) if str(t).startswith(str(CKG))}
            if in_resource and ours <= OWNED_CLASSES and (node, CKG.visibility, None) not in graph:
                continue  # a membership or revision inside its resource
            if ours or (node, CKG.visibility, None) in graph:
                found.append(_violation(
                    split, node, "rdf:type",
                    f"A resource of the carnet-kg model needs an IRI {ids.base}id/{{kind}}/{{key}}"
                    " (key: a-z, 0-9, -); only memberships and revisions may be hash IRIs or "
                    "blank nodes inside their resource.",
                    f"Une ressource du modèle carnet-kg doit avoir un IRI "
                    f"{ids.base}id/{{sorte}}/{{clé}} (clé : a-z, 0-9, -) ; seules les "
                    "appartenances et révisions peuvent être des IRI à fragment ou des nœuds "
                    "anonymes dans leur ressource.",
                ))
    return found


def _outside_targets(split: ResourceSplit, ids: Identifiers) -> set[URIRef]:
    """Things of ours that the batch links to but does not contain."""
    targets = set()
    for graph in (*split.resources.values(), *split.external.values()):
        for obj in graph.objects():
            owner = ids.owner(obj) if isinstance(obj, URIRef) else None
            if owner is not None and owner not in split.resources:
                targets.add(owner)
    return targets


def _context(store: Store | None, ids: Identifiers, things: set[URIRef]) -> Graph:
    """What validation needs to know of resources outside the batch that it links to: their
    stored descriptions, or the classes of the withheld ones (from the withheld registry)."""
    context = Graph()
    if store is None or not things:
        return context
    values = " ".join(f"<{t}>" for t in sorted(things))  # keys checked by Identifiers
    sparql = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}"
    stored = store.query(sparql).graph
    context += stored
    for thing in things:
        for class_ in store.withheld.types(thing):
            context.add((thing, RDF.type, class_))
    return context


def _batch_nodes(split: ResourceSplit) -> set:
    """The nodes a batch describes: its resources and every subject of its graphs."""
    nodes = set(split.resources)
    for graph in (*split.resources.values(), *split.external.values()):
        nodes.update(graph.subjects())
    return nodes


def _history_of(sources: list[SourceFile], ids: Identifiers
                ) -> tuple[list[SourceFile], list[Revision]]:
    """Sources without the history graphs of an export, and the revisions those carried."""
    graphs: dict[URIRef, Graph] = {}
    kept = []
    for source in sources:
        plain = {n: g for n, g in source.graphs.items() if not revisions.is_history_graph(ids, n)}
        graphs.update({n: _as_graph(g) for n, g in source.graphs.items() if n not in plain})
        kept.append(SourceFile(source.label, plain) if len(plain) < len(source.graphs)
                    else source)
    if not graphs:
        return kept, []
    try:
        return kept, revisions.restored(graphs, ids)
    except ValueError as error:
        raise IngestError(f"history graphs: {error}") from error


def _as_graph(triples: Graph | list[tuple]) -> Graph:
    if isinstance(triples, Graph):
        return triples
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return graph


def _refuse_mappings_alone(split: ResourceSplit) -> None:
    """A mapping file adds to descriptions; loaded without them it would replace each mapped
    resource by its mappings alone."""
    for thing in sorted(split.resources):
        labels = split.sources[thing]
        if labels and all(label.lower().endswith(MAPPING_SUFFIX) for label in labels):
            raise IngestError(
                f"{', '.join(sorted(labels))}: maps <{thing}>, which no other file of this load "
                "describes; load mapping files together with the data they map "
                "(e.g. carnet-kg load data/)"
            )


def check(
    paths: list[str | Path],
    settings: Settings,
    store: Store | None = None,
    out=None,
) -> Checked:
    """Read, split and validate ``paths`` (links to resources already stored count as known)."""
    files = list_sources(paths)
    progress = Progress("reading", len(files), out) if out else Silent()
    sources = read_sources(files, settings.base, progress.advance)
    progress.done()
    return check_sources(sources, settings, store, out, len(files), restore=True)


def check_sources(
    sources: list[SourceFile],
    settings: Settings,
    store: Store | None = None,
    out=None,
    files: int = 0,
    restore: bool = False,
) -> Checked:
    """Split and validate parsed sources; ``store`` gives the context of outside links.
    ``restore`` (``load`` only): the history graphs of an export are restored; elsewhere
    (writes over HTTP, SPARQL Update) they are refused: nobody writes history."""
    ids = Identifiers(settings.base)
    sources, history = _history_of(sources, ids)
    if history and not restore:
        raise IngestError("the data holds history graphs (BASE graph/history, …/revisions/N): "
                          "history is written by carnet-kg itself, and restored only by "
                          "carnet-kg load of an export")
    split = split_resources(sources, ids)
    _refuse_mappings_alone(split)
    batch = _batch_nodes(split)
    context = _context(store, ids, _outside_targets(split, ids))
    # the batch's graphs as one, without copying them (validation may copy for pyshacl)
    data = ReadOnlyGraphAggregate([*split.resources.values(), *split.external.values(),
                                   context])
    if out:
        out.write(f"validating {len(split.resources)} resource(s), {len(data)} triple(s)\n")
    report = validate(data, settings, split.source_of, batch.__contains__)
    extra = _identity_violations(split, ids)
    if extra:
        report.violations = extra + report.violations
        report.conforms = False
    return Checked(split, report, files, history)


def load(
    paths: list[str | Path],
    settings: Settings,
    store: Store,
    out=None,
    agent: str = "carnet-kg load",
) -> LoadReport:
    """Check ``paths`` and write the public part in one transaction. Raises LoadFailed."""
    with cyclic_gc_paused():
        return publish(check(paths, settings, store, out), settings, store, out, agent=agent)


class PolicyRefused(Exception):
    """A write that must not be trimmed (an update) would publish links to hidden resources."""


def publish(
    checked: Checked,
    settings: Settings,
    store: Store,
    out=None,
    removals: list[GraphWrite] = (),
    refuse_dropped_links: bool = False,
    context: Store | None = None,
    agent: str = "carnet-kg",
) -> LoadReport:
    """Apply the policy to checked data and write it, with ``removals``, in one transaction.

    ``context`` (default: ``store``) is the state the policy judges links against;
    ``refuse_dropped_links`` makes a link to a non-public resource an error (PolicyRefused)
    instead of dropping it: SPARQL Update must not write half of what it was asked to.
    ``agent`` is who the history attributes the change to (a write token's name, say).
    """
    if not checked.report.conforms:
        raise LoadFailed(checked.report)
    context = context or store
    ids = Identifiers(settings.base)
    split = checked.split
    policy = PublishPolicy(ids, split.resources, context.has_resource)
    outcome = policy.apply()
    writes = [
        GraphWrite(ids.document_of(t), g, tuple(sorted(split.kept_sources(t, g))))
        for t, g in outcome.published.items()
    ]
    for name, graph in split.external.items():
        kept, dropped = policy.filter_external(graph)
        outcome.dropped_links += dropped
        writes.append(GraphWrite(name, kept, tuple(sorted(split.sources[name]))))
    if refuse_dropped_links and outcome.dropped_links:
        raise PolicyRefused(
            f"it would publish {outcome.dropped_links} link(s) to non-public resources"
        )
    withdrawals = [GraphWrite(ids.document_of(t), None) for t in sorted(outcome.withheld)]
    withheld_types = {t: list(split.resources[t].objects(t, RDF.type)) for t in outcome.withheld}
    scrubbed, cascaded = _scrub_links(
        store, ids, policy, set(outcome.withheld),
        {w.name for w in writes + withdrawals + list(removals)},
    )
    withheld_types.update(cascaded)
    if out:
        out.write(f"writing {len(writes) + len(withdrawals) + len(scrubbed)} graph(s) "
                  "in one transaction\n")
    restoring = _restoring(checked.history, store, writes + withdrawals)
    tombstones = _tombstones(restoring, writes + withdrawals)
    changed = store.write(writes + withdrawals + scrubbed + list(removals) + tombstones,
                          agent=agent)
    if restoring:
        store.history.restore(r for rows in restoring.values() for r in rows)
    store.withheld.update(withheld_types, set(outcome.published))
    changed_names = {w.name for w in changed}
    return LoadReport(
        files=checked.files,
        resources=len(split.resources),
        published=len(outcome.published),
        external_graphs=len(split.external),
        written=sum(1 for w in writes + scrubbed if w.name in changed_names),
        unchanged=sum(1 for w in writes if w.name not in changed_names),
        withdrawn=sum(1 for w in withdrawals if w.name in changed_names) + len(cascaded),
        withheld_by_kind=outcome.withheld_by_kind,
        dropped_links=outcome.dropped_links,
        warnings=sum(1 for v in checked.report.violations if v.severity != "Violation"),
    )


def _restoring(history: list[Revision], store: Store, writes: list[GraphWrite]
               ) -> dict[str, list[Revision]]:
    """The exported revisions of graphs this store has never held (others keep their own
    history), by graph; the writes of those graphs continue the exported numbering."""
    if not history:
        return {}
    by_graph: dict[str, list[Revision]] = {}
    for revision in history:
        by_graph.setdefault(revision.graph, []).append(revision)
    known = store.graph_states(URIRef(g) for g in by_graph)
    restoring = {g: rows for g, rows in by_graph.items() if URIRef(g) not in known}
    for write in writes:
        rows = restoring.get(str(write.name))
        if rows:
            write.revision = rows[-1].revision
    return restoring


def _tombstones(restoring: dict[str, list[Revision]], writes: list[GraphWrite]
                ) -> list[GraphWrite]:
    """Graphs whose exported history ends withdrawn: their tombstones (410) come back too."""
    written = {str(w.name) for w in writes}
    return [GraphWrite(URIRef(graph), None, action=rows[-1].action, revision=rows[-1].revision)
            for graph, rows in sorted(restoring.items())
            if graph not in written and rows[-1].ntriples is None]


def withdraw(
    things: list[URIRef],
    settings: Settings,
    store: Store,
    agent: str,
    action: str = "deleted",
) -> LoadReport:
    """Remove published resources (a DELETE): their graphs become tombstones (410 Gone, a
    deleted record for harvesters) and the links to them from other resources are dropped,
    in one transaction. Their classes go to the withheld registry, like non-public ones."""
    ids = Identifiers(settings.base)
    gone = set(things)
    policy = PublishPolicy(ids, {}, lambda t: t not in gone and store.has_resource(t))
    types = {t: list(store.graph(ids.document_of(t)).objects(t, RDF.type)) for t in things}
    removals = [GraphWrite(ids.document_of(t), None, action=action) for t in sorted(gone)]
    scrubbed, cascaded = _scrub_links(store, ids, policy, gone, {w.name for w in removals})
    changed = store.write(removals + scrubbed, agent=agent)
    store.withheld.update({**types, **cascaded}, set())
    names = {w.name for w in changed}
    return LoadReport(
        files=0, resources=len(gone), published=0, external_graphs=0,
        written=sum(1 for w in scrubbed if w.name in names),
        unchanged=0, withdrawn=sum(1 for w in removals if w.name in names) + len(cascaded),
        withheld_by_kind=Counter(), dropped_links=0, warnings=0,
    )


def _scrub_links(
    store: Store,
    ids: Identifiers,
    policy: PublishPolicy,
    withheld: set[URIRef],
    written: set[URIRef],
) -> tuple[list[GraphWrite], dict[URIRef, list[URIRef]]]:
    """Stored graphs outside the batch that link to a now-withheld resource, rewritten without.

    A stored category whose notebook is now withheld is withdrawn with it (second value: the
    resources so withheld, with their classes).
    """
    # only a resource published until now can have links to it in the store (links to one
    # never published were dropped when they were written): the others need no scan
    states = store.graph_states(ids.document_of(t) for t in withheld)
    withheld = {t for t in withheld
                if (state := states.get(ids.document_of(t))) and not state.withdrawn}
    if not withheld:
        return [], {}
    values = " ".join(f"<{t}>" for t in sorted(withheld))
    result = store.query(
        f"SELECT DISTINCT ?g ?src WHERE {{ VALUES ?t {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} "
        "FILTER(?o = ?t || STRSTARTS(STR(?o), CONCAT(STR(?t), '#'))) "
        f"OPTIONAL {{ GRAPH <{ids.metadata_graph}> {{ ?g <{CKG.sourceFile}> ?src }} }} }}"
    )
    sources: dict[URIRef, set[str]] = {}
    for row in result.rows:
        sources.setdefault(row["g"], set()).update([str(row["src"])] if "src" in row else [])
    writes, cascaded = [], {}
    for name, labels in sorted(sources.items()):
        if name in written or name == ids.metadata_graph:
            continue
        graph = store.graph(name)
        thing = ids.thing_of_document(name)
        if thing is None:
            kept, _ = policy.filter_external(graph)
        elif not policy.decide(thing, graph):
            writes.append(GraphWrite(name, None))
            cascaded[thing] = list(graph.objects(thing, RDF.type))
            continue
        else:
            kept, _ = policy.filter_links(thing, graph)
        writes.append(GraphWrite(name, kept, tuple(sorted(labels))))
    return writes, cascaded


