"""Dumps of the whole public dataset (N-Quads and Turtle, gzip), written streaming to files
beside the store and written again when the store has changed; each with its size, SHA-256
and time, for VoID/DCAT to announce."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..store import Store

FORMATS = {
    "dataset.nq.gz": ("application/n-quads", "nquads"),
    "dataset.ttl.gz": ("text/turtle", "turtle"),
}


@dataclass
class Dump:
    name: str
    media_type: str
    size: int
    sha256: str
    modified: str  # ISO 8601, UTC
    version: int


class _Hashing:
    """A binary file wrapper that hashes and counts what goes through it."""

    def __init__(self, handle) -> None:
        self.handle, self.sha, self.size = handle, hashlib.sha256(), 0

    def write(self, data: bytes) -> int:
        self.sha.update(data)
        self.size += len(data)
        return self.handle.write(data)

    def flush(self) -> None:
        self.handle.flush()


def _write(store: Store, folder: Path, name: str, version: int) -> Dump:
    media_type, fmt = FORMATS[name]
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".dump-")
    with os.fdopen(handle, "wb") as raw:
        counted = _Hashing(raw)
        with gzip.GzipFile(fileobj=counted, mode="wb", mtime=0) as compressed:
            store.dump(compressed, fmt)  # the public dataset: no metadata graph
    os.replace(temporary, folder / name)
    return Dump(name, media_type, counted.size, counted.sha.hexdigest(),
                datetime.now(UTC).replace(microsecond=0).isoformat(), version)


def current(store: Store, folder: Path) -> list[Dump]:
    """The dumps of the store as it is now, written first if they are older."""
    folder.mkdir(parents=True, exist_ok=True)
    index = folder / "dumps.json"
    version = store.version()
    if index.is_file():
        known = [Dump(**entry) for entry in json.loads(index.read_text(encoding="utf-8"))]
        if known and all(d.version == version and (folder / d.name).is_file() for d in known):
            return known
    dumps = [_write(store, folder, name, version) for name in FORMATS]
    index.write_text(json.dumps([asdict(d) for d in dumps], indent=1), encoding="utf-8")
    return dumps
