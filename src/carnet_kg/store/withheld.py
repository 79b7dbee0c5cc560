"""The withheld registry: which resources the store holds back, and their classes.

Never served by any route: it lives beside the store, not in it. Loads read it so that a public
resource may link to a withheld one loaded earlier (the link validates by the target's class,
then the policy drops it), and write it when resources are withheld or published again.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from rdflib import URIRef


class WithheldRegistry:
    """IRI → class IRIs of withheld resources; in memory when ``path`` is None."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._types: dict[str, list[str]] = {}
        if path is not None and path.is_file():
            self._types = json.loads(path.read_text(encoding="utf-8"))

    def types(self, thing: URIRef) -> list[URIRef]:
        return [URIRef(t) for t in self._types.get(str(thing), [])]

    def update(self, withheld: dict[URIRef, list[URIRef]], published: set[URIRef]) -> None:
        """Record newly withheld resources, forget published ones, and save (only if that
        changed anything: the registry of a big store is rewritten whole)."""
        before = len(self._types)
        changed = False
        for thing in published:
            self._types.pop(str(thing), None)
        for thing, types in withheld.items():
            entry = sorted(str(t) for t in types)
            changed = changed or self._types.get(str(thing)) != entry
            self._types[str(thing)] = entry
        changed = changed or len(self._types) != before
        if self.path is not None and changed:
            temporary = self.path.with_suffix(".tmp")
            temporary.write_text(json.dumps(self._types, indent=0, sort_keys=True), "utf-8")
            os.replace(temporary, self.path)
