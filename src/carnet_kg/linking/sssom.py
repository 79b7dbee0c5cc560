"""SSSOM/TSV mapping sets: read and write the file format (a YAML metadata block of ``#``
lines, then a tab-separated table), with CURIEs expanded through the set's ``curie_map``.

Only the format lives here; what a mapping means in our graph is in ``mapping_graph``.
Spec: https://mapping-commons.github.io/sssom/ (we read and write the slots listed in
``COLUMNS``; other columns are refused by name rather than silently dropped).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import yaml

from ..ingest.rdf_files import FORBIDDEN_IN_IRI

BUILTIN_PREFIXES = {
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "semapv": "https://w3id.org/semapv/vocab/",
    "sssom": "https://w3id.org/sssom/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
# columns we know, in the order we write them; the first four are required
COLUMNS = (
    "subject_id", "predicate_id", "object_id", "mapping_justification",
    "subject_label", "predicate_modifier", "object_label", "author_id", "author_label",
    "reviewer_id", "reviewer_label", "mapping_date", "confidence", "mapping_tool", "comment",
)
REQUIRED = COLUMNS[:4]
ID_COLUMNS = {"subject_id", "predicate_id", "object_id", "mapping_justification", "author_id",
              "reviewer_id"}
MULTIVALUED = {"author_id", "author_label", "reviewer_id", "reviewer_label"}
SET_KEYS = {"curie_map", "mapping_set_id", "mapping_set_version", "mapping_set_title",
            "mapping_set_description", "license", "creator_id", "creator_label",
            "mapping_date", "comment"}


class SSSOMError(ValueError):
    """A mapping file that cannot be read: the message names the file, the line, the problem."""


@dataclass
class Mapping:
    """One row: ids are absolute IRIs; multivalued slots are tuples."""

    subject_id: str
    predicate_id: str
    object_id: str
    mapping_justification: str
    line: int = 0
    values: dict[str, str | tuple[str, ...]] = field(default_factory=dict)

    def get(self, slot: str, default=None):
        return self.values.get(slot, default)

    @property
    def negated(self) -> bool:
        return self.get("predicate_modifier") == "Not"

    @property
    def reviewed(self) -> bool:
        """A person reviewed it: only then is it published as a SKOS (or sameAs) statement."""
        return bool(self.get("reviewer_id") or self.get("reviewer_label"))


@dataclass
class MappingSet:
    mapping_set_id: str
    license: str
    prefixes: dict[str, str]
    metadata: dict[str, object] = field(default_factory=dict)
    mappings: list[Mapping] = field(default_factory=list)


def expand(value: str, prefixes: dict[str, str], where: str) -> str:
    """A CURIE or IRI as an absolute IRI; raises SSSOMError for what cannot be one."""
    iri = value if value.startswith(("http://", "https://")) else _curie(value, prefixes, where)
    if FORBIDDEN_IN_IRI.search(iri):
        raise SSSOMError(f"{where}: {value!r} is not a valid IRI (spaces and <>\"{{}}|^`\\ "
                         "are not allowed)")
    return iri


def _curie(value: str, prefixes: dict[str, str], where: str) -> str:
    prefix, colon, local = value.partition(":")
    if not colon or prefix not in prefixes:
        raise SSSOMError(f"{where}: {value!r} is not a CURIE of a declared prefix "
                         f"(declared: {', '.join(sorted(prefixes))})")
    return prefixes[prefix] + local


def _metadata(lines: list[str], label: str, base: str) -> tuple[dict, dict[str, str]]:
    try:
        data = yaml.safe_load("\n".join(lines)) or {}
    except yaml.YAMLError as error:
        raise SSSOMError(f"{label}: the # metadata block is not valid YAML: "
                         f"{' '.join(str(error).split())}") from error
    if not isinstance(data, dict):
        raise SSSOMError(f"{label}: the # metadata block must be a YAML mapping of keys")
    unknown = sorted(set(data) - SET_KEYS)
    if unknown:
        raise SSSOMError(f"{label}: unknown mapping set key(s) {', '.join(unknown)}")
    curie_map = data.pop("curie_map", None) or {}
    if not isinstance(curie_map, dict):
        raise SSSOMError(f"{label}: curie_map must map prefixes to IRIs")
    # a relative expansion resolves against the load's base, like the relative IRIs of our
    # Turtle files (an extension of SSSOM: export writes absolute IRIs)
    prefixes = {**BUILTIN_PREFIXES,
                **{str(k): urljoin(base, str(v)) for k, v in curie_map.items()}}
    for key in ("mapping_set_id", "license"):
        if not data.get(key):
            raise SSSOMError(f"{label}: the mapping set needs {key} (in the # metadata block)")
    return data, prefixes


def _row(record: dict[str, str], prefixes: dict[str, str], where: str) -> Mapping:
    values: dict[str, str | tuple[str, ...]] = {}
    for column, raw in record.items():
        raw = (raw or "").strip()
        if not raw:
            continue
        parts = [p.strip() for p in raw.split("|")] if column in MULTIVALUED else [raw]
        if column in ID_COLUMNS:
            parts = [expand(p, prefixes, f"{where}, {column}") for p in parts]
        values[column] = tuple(parts) if column in MULTIVALUED else parts[0]
    missing = [c for c in REQUIRED if c not in values]
    if missing:
        raise SSSOMError(f"{where}: empty {', '.join(missing)}")
    if not str(values["mapping_justification"]).startswith(BUILTIN_PREFIXES["semapv"]):
        raise SSSOMError(f"{where}: mapping_justification must be a SEMAPV term "
                         "(semapv:ManualMappingCuration, semapv:LexicalMatching, …)")
    if "confidence" in values:
        try:
            confidence = float(values["confidence"])
        except ValueError:
            confidence = -1.0
        if not 0.0 <= confidence <= 1.0:
            raise SSSOMError(f"{where}: confidence {values['confidence']!r} is not between 0 and 1")
    if values.get("predicate_modifier", "Not") != "Not":
        raise SSSOMError(f"{where}: predicate_modifier can only be Not")
    return Mapping(*(str(values.pop(c)) for c in REQUIRED), values=values)


def read(path: Path, label: str, base: str) -> MappingSet:
    """Parse one SSSOM/TSV file; ``label`` names it in errors. Raises SSSOMError."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SSSOMError(f"{label}: cannot read it: {error}") from error
    lines = text.splitlines()
    header_end = next((i for i, line in enumerate(lines) if not line.startswith("#")),
                      len(lines))
    metadata, prefixes = _metadata([line[1:] for line in lines[:header_end]], label, base)
    table = csv.DictReader(io.StringIO("\n".join(lines[header_end:])), delimiter="\t",
                           quoting=csv.QUOTE_NONE, strict=True)
    columns = table.fieldnames or []
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown or not set(REQUIRED) <= set(columns):
        raise SSSOMError(f"{label}, line {header_end + 1}: the table needs the columns "
                         f"{', '.join(REQUIRED)} and knows only {', '.join(COLUMNS)}"
                         + (f" (unknown: {', '.join(unknown)})" if unknown else ""))
    mappings = []
    for number, record in enumerate(table, start=header_end + 2):
        where = f"{label}, line {number}"
        if None in record or None in record.values():
            raise SSSOMError(f"{where}: {len(columns)} tab-separated cells expected")
        mapping = _row(record, prefixes, where)
        mapping.line = number
        mappings.append(mapping)
    set_id = expand(str(metadata.pop("mapping_set_id")), prefixes, f"{label}, mapping_set_id")
    licence = expand(str(metadata.pop("license")), prefixes, f"{label}, license")
    return MappingSet(set_id, licence, prefixes, metadata, mappings)


def compact(iri: str, prefixes: dict[str, str]) -> str:
    best = max((ns for ns in prefixes.values() if iri.startswith(ns) and len(iri) > len(ns)),
               key=len, default=None)
    if best is None:
        return iri
    prefix = next(p for p, ns in prefixes.items() if ns == best)
    return f"{prefix}:{iri[len(best):]}"


def write(mapping_set: MappingSet, out: io.TextIOBase) -> None:
    """Write a mapping set as SSSOM/TSV (CURIEs where a declared prefix fits)."""
    prefixes = {p: ns for p, ns in mapping_set.prefixes.items() if p not in BUILTIN_PREFIXES}
    used = {**BUILTIN_PREFIXES, **prefixes}
    header = {"curie_map": prefixes, "mapping_set_id": mapping_set.mapping_set_id,
              "license": mapping_set.license, **mapping_set.metadata}
    for line in yaml.safe_dump(header, allow_unicode=True, sort_keys=False).splitlines():
        out.write(f"#{line}\n")
    columns = [c for c in COLUMNS
               if c in REQUIRED or any(c in m.values for m in mapping_set.mappings)]
    out.write("\t".join(columns) + "\n")
    for mapping in mapping_set.mappings:
        cells = []
        for column in columns:
            value = getattr(mapping, column) if column in REQUIRED else mapping.get(column, "")
            parts = list(value) if isinstance(value, tuple) else [value]
            if column in ID_COLUMNS:
                parts = [compact(p, used) for p in parts]
            cells.append("|".join(str(p).replace("\t", " ").replace("\n", " ") for p in parts))
        out.write("\t".join(cells) + "\n")
