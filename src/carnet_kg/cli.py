"""The ``carnet-kg`` command: one sub-command per verb (load, validate, query, stats, export…)."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

import click
from rdflib import Literal, Variable
from rdflib.namespace import XSD
from rdflib.query import Result

from . import pipeline, queries
from .config import ConfigError, Settings, load_settings
from .ingest import IngestError
from .namespaces import bind_prefixes, compact
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
    with _store(obj.settings) as store:
        try:
            report = pipeline.load(list(paths), obj.settings, store, out=sys.stderr)
        except IngestError as error:
            raise click.ClickException(f"{error}\nnothing was written") from error
        except pipeline.LoadFailed as failure:
            click.echo(failure.report.text(), err=True)
            raise click.ClickException("the data is invalid: nothing was written") from failure
        except StoreError as error:
            raise click.ClickException(f"store: {error}\nnothing was written") from error
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
@click.option("--format", "fmt", type=click.Choice(["nquads", "trig"]), default="nquads")
@click.option("--include-metadata", is_flag=True, help="Also write the metadata graph.")
@click.pass_obj
def export(obj: Context, output: Path | None, fmt: str, include_metadata: bool) -> None:
    """Write the whole store (one named graph per resource) as N-Quads or TriG."""
    with _store(obj.settings, read_only=True, must_exist=True) as store:
        if output is None:
            store.dump(sys.stdout.buffer, fmt, include_metadata)
            sys.stdout.flush()
            return
        try:
            with output.open("wb") as handle:
                store.dump(handle, fmt, include_metadata)
        except OSError as error:
            raise click.ClickException(f"cannot write {output}: {error.strerror}") from error
        click.echo(f"wrote {output}", err=True)


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
        click.echo(f"serving {settings.base} on http://{host}:{port}/ (Ctrl-C stops)")
        waitress.serve(app, host=host, port=port, threads=threads, ident="carnet-kg")


if __name__ == "__main__":
    main()
