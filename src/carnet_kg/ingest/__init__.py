"""Ingest: turn source files into graphs. One module per source format family."""

from .rdf_files import IngestError, SourceFile, read_sources
from .resources import ResourceSplit, split_resources

__all__ = ["IngestError", "ResourceSplit", "SourceFile", "read_sources", "split_resources"]
