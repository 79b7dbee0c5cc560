"""Importers: sources that are not RDF, turned into RDF graphs (``SourceFile``s) that then go
the one write path every write takes (``pipeline.check_sources`` → ``pipeline.publish``).

One module per format; ``FORMATS`` is the registry the ``carnet-kg import`` command reads:

- ``praxis-page``: the text of a note page as the Praxis platform shows it (``praxis_page``);
- ``markdown``: a folder of Markdown notes with YAML front matter (``markdown_notes``);
- ``jsonld``: JSON-LD documents using the carnet-kg ``@context`` (``jsonld``).

docs/import.md describes each format.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..identifiers import Identifiers
from ..ingest import IngestError, SourceFile
from ..store import Store
from . import jsonld, markdown_notes, praxis_page
from .options import ImportOptions
from .resolve import Resolver

Reader = Callable[[list[Path], Resolver, ImportOptions, Callable[[int], None]], list[SourceFile]]


@dataclass(frozen=True)
class Format:
    """An importer: what it reads (file extensions searched in folders) and its reader."""

    name: str
    extensions: tuple[str, ...]
    read: Reader
    summary: str


FORMATS: dict[str, Format] = {
    f.name: f for f in (
        Format("praxis-page", praxis_page.EXTENSIONS, praxis_page.read,
               "the text of a Praxis note page (.txt)"),
        Format("markdown", markdown_notes.EXTENSIONS, markdown_notes.read,
               "Markdown notes with YAML front matter (.md)"),
        Format("jsonld", jsonld.EXTENSIONS, jsonld.read,
               "JSON-LD with the carnet-kg @context (.jsonld, .json)"),
    )
}


def list_files(fmt: str, paths: Iterable[str | Path]) -> list[Path]:
    """The files to import: those named, and in folders (recursively) those with one of the
    format's extensions, in a stable order. Raises IngestError if there are none."""
    extensions = FORMATS[fmt].extensions
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found += sorted(p for p in path.rglob("*")
                            if p.is_file() and p.suffix.lower() in extensions)
        elif path.is_file():
            found.append(path)
        else:
            raise IngestError(f"{path}: no such file or folder")
    if not found:
        raise IngestError(f"no {', '.join(extensions)} file in {', '.join(map(str, paths))}")
    return found


def read_sources(fmt: str, files: list[Path], options: ImportOptions, store: Store | None,
                 advance: Callable[[int], None] = lambda _: None) -> list[SourceFile]:
    """Turn ``files`` of format ``fmt`` into SourceFiles, resolving names against ``store``
    (None: an empty store). Raises IngestError naming the file, the line and the problem."""
    if fmt not in FORMATS:
        raise IngestError(f"unknown import format {fmt!r}; known: {', '.join(FORMATS)}")
    resolver = Resolver(Identifiers(options.base), store)
    return FORMATS[fmt].read(files, resolver, options, advance)


__all__ = ["FORMATS", "Format", "ImportOptions", "list_files", "read_sources"]
