"""The ``carnet-kg`` command: one sub-command per verb (load, validate, query, stats, export…)."""

from __future__ import annotations

import sys
from contextlib import contextmanager, nullcontext
from pathlib import Path

import click
from rdflib import Literal, Variable
from rdflib.namespace import XSD
from rdflib.query import Result

from . import importers, pipeline, queries, revisions
from .config import ConfigError, Settings, load_settings
from .identifiers import Identifiers
from .ingest import IngestError
from .ingest.rdf_files import MAPPING_SUFFIX
from .linking import candidates, mapping_graph, matching, sssom, workflow
from .linking.remote import RemoteError, RemoteVocabulary
from .memory import limit_arenas
from .namespaces import bind_prefixes, compact
from .policy import PublishPolicy
from .progress import Progress
from .store import QueryResult, QuerySyntaxError, Store, StoreError, open_store

NUMERIC_TYPES = {XSD.integer, XSD.decimal, XSD.double, XSD.boolean}


class Context:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings


@contextmanager
def _store(settings: Settings, read_only: bool = False, must_exist: bool = False):
    """The store, closed afterwards; reading commands refuse a store folder that is missing."""
    if must_exist and not settings.in_memory and not Path(settings.store).is_dir():
        raise click.ClickException(
            f"no store at {settings.store} (load data first, or give --store / CARNET_KG_STORE)"
        )
    try:
        store = open_store(settings, read_only=read_only)
    except StoreError as error:
        raise click.ClickException(str(error)) from error
    try:
        yield store
    finally:
        store.close()


@click.group()
@click.option("--base", help="Base IRI of the data (default: $CARNET_KG_BASE).")
@click.option("--store", help="Store folder, or 'memory' (default: $CARNET_KG_STORE or var/store).")
@click.version_option(package_name="carnet-kg")
@click.pass_context
def main(ctx: click.Context, base: str | None, store: str | None) -> None:
    """carnet-kg: publish a knowledge base of notes, notebooks and terms as linked data."""
    try:
        ctx.obj = Context(load_settings().with_(base=base, store=store))
    except ConfigError as error:
        raise click.ClickException(f"configuration: {error}") from error


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.pass_obj
def load(obj: Context, paths: tuple[Path, ...]) -> None:
    """Validate RDF files or folders and store their public resources (all or nothing)."""
    with _store(obj.settings) as store, _all_or_nothing():
        report = pipeline.load(list(paths), obj.settings, store, out=sys.stderr)
    click.echo(report.summary())


@contextmanager
def _all_or_nothing():
    """What a failed load or import tells: the problem, and that nothing was written."""
    try:
        yield
    except IngestError as error:
        raise click.ClickException(f"{error}\nnothing was written") from error
    except pipeline.LoadFailed as failure:
        click.echo(failure.report.text(), err=True)
        raise click.ClickException("the data is invalid: nothing was written") from failure
    except StoreError as error:
        raise click.ClickException(f"store: {error}\nnothing was written") from error


@main.command("import")
@click.argument("fmt", metavar="FORMAT", type=click.Choice(["praxis-page", "markdown", "jsonld"]))
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate and report; write nothing.")
@click.option("--timezone", default="America/Montreal", show_default=True,
              help="Time zone of dates given without one (IANA name).")
@click.option("--license", "licence", default="http://creativecommons.org/licenses/by/4.0/",
              show_default=True, help="Licence IRI of imported notes that state none.")
@click.option("--language", default="fr", show_default=True,
              help="Language of texts that do not state theirs.")
@click.pass_obj
def import_(obj: Context, fmt: str, paths: tuple[Path, ...], dry_run: bool, timezone: str,
            licence: str, language: str) -> None:
    """Import Praxis note pages, Markdown notes or JSON-LD (docs/import.md), through the same
    validation and publish policy as load: all or nothing."""
    settings = obj.settings
    try:
        options = importers.ImportOptions(settings.base, timezone, licence, language)
    except ValueError as error:
        raise click.BadParameter(str(error)) from error
    exists = settings.in_memory or Path(settings.store).is_dir()
    opened = _store(settings, read_only=dry_run) if exists or not dry_run else nullcontext()
    with opened as store, _all_or_nothing():
        files = importers.list_files(fmt, paths)
        progress = Progress("reading", len(files), sys.stderr)
        sources = importers.read_sources(fmt, files, options, store, progress.advance)
        progress.done()
        checked = pipeline.check_sources(sources, settings, store, sys.stderr, len(files))
        if dry_run:
            if not checked.report.conforms:
                raise pipeline.LoadFailed(checked.report)
            click.echo(checked.report.text())
            outcome = PublishPolicy(Identifiers(settings.base), checked.split.resources,
                                    store.has_resource if store else lambda _: False).apply()
            click.echo(f"dry run: read {len(files)} file(s): {len(checked.split.resources)} "
                       f"resource(s); would publish {len(outcome.published)}, withhold "
                       f"{len(outcome.withheld)} non-public; nothing was written")
            return
        report = pipeline.publish(checked, settings, store, sys.stderr,
                                  agent="carnet-kg import")
    click.echo(report.summary())


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "ttl"]), default="text",
              help="text (default) or the SHACL validation report as Turtle.")
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en", help="Message language.")
@click.pass_obj
def validate(obj: Context, paths: tuple[Path, ...], fmt: str, lang: str) -> None:
    """Check RDF files against the shapes without writing anything."""
    settings = obj.settings
    store_exists = not settings.in_memory and Path(settings.store).is_dir()
    try:
        if store_exists:
            with _store(settings, read_only=True) as store:
                checked = pipeline.check(list(paths), settings, store, out=sys.stderr)
        else:
            checked = pipeline.check(list(paths), settings, None, out=sys.stderr)
    except IngestError as error:
        raise click.ClickException(str(error)) from error
    report = checked.report
    if fmt == "ttl":
        click.echo(report.graph.serialize(format="turtle"))
    else:
        click.echo(report.text(lang))
    if not report.conforms:
        sys.exit(1)


def _as_rdflib_result(result: QueryResult) -> Result:
    converted = Result(result.kind.upper() if result.kind != "graph" else "CONSTRUCT")
    if result.kind == "select":
        converted.vars = [Variable(v) for v in result.variables]
        converted.bindings = [{Variable(k): v for k, v in row.items()} for row in result.rows]
    elif result.kind == "ask":
        converted.askAnswer = bool(result.boolean)
    else:
        converted.graph = result.graph
    return converted


FORMATS_BY_KIND = {
    "select": {"table", "json", "csv", "xml"},
    "ask": {"table", "json", "xml"},
    "graph": {"table", "ttl"},
}


def _cell(term) -> str:
    """A term for people: prefixed IRIs, literals with their language or short datatype."""
    if term is None:
        return ""
    if isinstance(term, Literal):
        if term.language:
            return f"{term}@{term.language}"
        if term.datatype and term.datatype not in NUMERIC_TYPES:
            return f"{term} ({compact(str(term.datatype))})"
        return str(term)
    text = compact(str(term))
    return text if text != str(term) else f"<{term}>"


def _table(result: QueryResult) -> str:
    """SELECT rows as an aligned text table, in the order the query gave them."""
    rows = [[_cell(row.get(v)) for v in result.variables] for row in result.rows]
    widths = [max([len(v)] + [len(r[i]) for r in rows]) for i, v in enumerate(result.variables)]
    lines = [" | ".join(v.ljust(w) for v, w in zip(result.variables, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(line.rstrip() for line in lines)


def _print_result(result: QueryResult, fmt: str) -> None:
    if fmt not in FORMATS_BY_KIND[result.kind]:
        kind = "CONSTRUCT/DESCRIBE" if result.kind == "graph" else result.kind.upper()
        allowed = ", ".join(sorted(FORMATS_BY_KIND[result.kind]))
        raise click.ClickException(f"--format {fmt} does not fit a {kind} query: use {allowed}")
    if result.kind == "graph":
        bind_prefixes(result.graph)
        click.echo(result.graph.serialize(format="turtle"))
        return
    if result.kind == "ask" and fmt == "table":
        click.echo("yes" if result.boolean else "no")
        return
    if fmt == "table":
        click.echo(_table(result))
        click.echo(f"({len(result.rows)} row(s))")
    else:
        data = _as_rdflib_result(result).serialize(format=fmt)
        click.echo(data.decode("utf-8") if isinstance(data, bytes) else data, nl=False)


@main.command()
@click.argument("sparql")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "xml", "ttl"]),
              default="table", help="Output format (default: a table).")
@click.pass_obj
def query(obj: Context, sparql: str, fmt: str) -> None:
    """Run a SPARQL query on the store (the default graph is the union of all graphs)."""
    if sparql == "-":
        sparql = sys.stdin.read()
    with _store(obj.settings, read_only=True, must_exist=True) as store:
        try:
            result = store.query(sparql)
        except QuerySyntaxError as error:
            raise click.ClickException(f"malformed SPARQL query: {error}") from error
        except StoreError as error:
            raise click.ClickException(f"store: {error}") from error
    _print_result(result, fmt)


def _stats(store: Store) -> tuple[list[tuple[str, int]], int, int]:
    per_class = [
        (compact(str(row["class"])), int(row["count"]))
        for row in queries.run(store, "stats-by-class").rows
    ]
    size = queries.run(store, "dataset-size").rows[0]
    return per_class, int(size["triples"]), int(size["graphs"])


@main.command()
@click.pass_obj
def stats(obj: Context) -> None:
    """Print the number of resources per class, triples and graphs."""
    with _store(obj.settings, read_only=True, must_exist=True) as store:
        per_class, triples, graphs = _stats(store)
    width = max((len(name) for name, _ in per_class), default=5)
    for name, count in per_class:
        click.echo(f"{name:<{width}}  {count:>8}")
    click.echo(f"{'triples':<{width}}  {triples:>8}")
    click.echo(f"{'graphs':<{width}}  {graphs:>8}")


@main.command()
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
@click.option("--format", "fmt", type=click.Choice(["nquads", "trig", "sssom"]),
              default="nquads", help="sssom: a mapping set as SSSOM/TSV, with provenance.")
@click.option("--include-metadata", is_flag=True, help="Also write the metadata graph.")
@click.option("--mapping-set", help="With --format sssom: which set (when there are several).")
@click.option("--history/--no-history", default=True, show_default=True,
              help="Also write every earlier version and its provenance (load restores them).")
@click.pass_obj
def export(obj: Context, output: Path | None, fmt: str, include_metadata: bool,
           mapping_set: str | None, history: bool) -> None:
    """Write the whole store (one named graph per resource) as N-Quads or TriG, with its
    revision history, or a mapping set as SSSOM/TSV."""
    with _store(obj.settings, read_only=True, must_exist=True) as store:
        try:
            if fmt == "sssom":
                chosen = _mapping_set(store, mapping_set)
                with _text_output(output) as handle:
                    sssom.write(chosen, handle)
                click.echo(f"{len(chosen.mappings)} mapping(s) of {chosen.mapping_set_id}",
                           err=True)
            elif output is None:
                _dump(store, obj.settings, sys.stdout.buffer, fmt, include_metadata, history)
                sys.stdout.flush()
                return
            else:
                with output.open("wb") as handle:
                    _dump(store, obj.settings, handle, fmt, include_metadata, history)
        except OSError as error:
            raise click.ClickException(f"cannot write {output}: {error.strerror}") from error
        if output is not None:
            click.echo(f"wrote {output}", err=True)


def _dump(store: Store, settings: Settings, handle, fmt: str, include_metadata: bool,
          history: bool) -> None:
    store.dump(handle, fmt, include_metadata)
    if history:
        count = revisions.dump_history(store, Identifiers(settings.base), handle, fmt)
        click.echo(f"{count} revision(s) of history", err=True)


def _mapping_set(store: Store, wanted: str | None) -> sssom.MappingSet:
    found = mapping_graph.mapping_sets(store)
    if wanted is not None and wanted not in found:
        raise click.ClickException(f"no mapping set {wanted}; the store has: "
                                   + (", ".join(sorted(found)) or "none"))
    if wanted is None and len(found) != 1:
        raise click.ClickException("the store has " + (
            f"{len(found)} mapping sets: choose one with --mapping-set ("
            + ", ".join(sorted(found)) + ")" if found else "no mapping set"))
    return found[wanted] if wanted else next(iter(found.values()))


@contextmanager
def _text_output(output: Path | None):
    if output is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    with output.open("w", encoding="utf-8", newline="") as handle:
        yield handle


@main.command()
@click.option("--vocabulary", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A SKOS vocabulary file (any RDF syntax) to match against.")
@click.option("--endpoint", help="A SPARQL endpoint URL to match against (Wikidata-like).")
@click.option("--output", "-o", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="The SSSOM/TSV file of candidates to write (…sssom.tsv).")
@click.option("--kind", "kinds", multiple=True, default=("term",), show_default=True,
              type=click.Choice(sorted(candidates.KIND_CLASSES)),
              help="What of ours to match (repeat for several).")
@click.option("--threshold", default=0.75, show_default=True, type=click.FloatRange(0, 1),
              help="Lowest score proposed.")
@click.option("--limit", default=3, show_default=True, type=click.IntRange(1, 50),
              help="Candidates proposed per resource.")
@click.option("--cache", type=click.Path(file_okay=False, path_type=Path),
              default=Path("var/link-cache"), show_default=True,
              help="Where answers of --endpoint are kept, so a rerun asks nothing again.")
@click.option("--timeout", default=20.0, show_default=True, type=float,
              help="Seconds per request to --endpoint.")
@click.option("--retries", default=3, show_default=True, type=click.IntRange(0, 10),
              help="Retries (with back-off) of a failed request to --endpoint.")
@click.option("--search/--exact-only", default=True, show_default=True,
              help="With --endpoint: when no label matches exactly, also search labels "
                   "containing our words (a scan: too slow for Wikidata's public endpoint).")
@click.pass_obj
def link(obj: Context, vocabulary: Path | None, endpoint: str | None, output: Path,
         kinds: tuple[str, ...], threshold: float, limit: int, cache: Path, timeout: float,
         retries: int, search: bool) -> None:
    """Propose mappings of our terms (people, organisations…) to an external vocabulary, as an
    SSSOM file to review; nothing is published until a reviewed file is loaded."""
    if (vocabulary is None) == (endpoint is None):
        raise click.UsageError("give one of --vocabulary FILE or --endpoint URL")
    if not output.name.endswith(MAPPING_SUFFIX):
        raise click.UsageError(f"--output must end with {MAPPING_SUFFIX} (load reads it so)")
    with _store(obj.settings, read_only=True, must_exist=True) as store:
        items = candidates.ours(store, list(kinds))
    remote = None
    if vocabulary is not None:
        try:
            concepts = candidates.from_vocabulary_file(vocabulary)
        except IngestError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"{len(concepts)} labelled concept(s) in {vocabulary}", err=True)
        index = matching.Index(concepts)
        candidates_of = index.candidates
    else:
        remote = RemoteVocabulary(endpoint, cache, timeout, retries, search=search)
        candidates_of = remote.candidates
    progress = Progress("matching", len(items))
    try:
        proposals = workflow.propose(items, candidates_of, threshold, limit, progress.advance)
    except RemoteError as error:
        raise click.ClickException(str(error)) from error
    progress.done()
    chosen = workflow.mapping_set(proposals, Identifiers(obj.settings.base),
                                  str(vocabulary or endpoint))
    try:
        with output.open("w", encoding="utf-8", newline="") as handle:
            sssom.write(chosen, handle)
    except OSError as error:
        raise click.ClickException(f"cannot write {output}: {error.strerror}") from error
    matched = len({p.ours.iri for p in proposals})
    click.echo(f"{len(items)} resource(s) compared; {len(proposals)} candidate(s) for "
               f"{matched} of them written to {output} (to review: fill reviewer_label)")
    if remote is not None:
        click.echo(f"{remote.asked} request(s) to {endpoint}, {remote.cached} answered from "
                   f"the cache {cache}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@click.pass_obj
def serve(obj: Context, host: str, port: int, threads: int) -> None:
    """Serve the knowledge base over HTTP (loads the bundled sample into an empty store)."""
    import waitress

    from .web import create_app

    settings = obj.settings
    with _store(settings) as store:
        if store.is_empty():
            click.echo(f"empty store: loading the bundled sample from {settings.sample_data}")
            try:
                report = pipeline.load([settings.sample_data], settings, store, out=sys.stderr)
            except (IngestError, pipeline.LoadFailed) as error:
                raise click.ClickException(f"the bundled sample does not load: {error}") from error
            click.echo(report.summary())
        app = create_app(settings, store)
        limit_arenas(settings.malloc_arenas)  # before waitress starts its threads
        click.echo(f"serving {settings.base} on http://{host}:{port}/ (Ctrl-C stops)")
        waitress.serve(app, host=host, port=port, threads=threads, ident="carnet-kg")


if __name__ == "__main__":
    main()
