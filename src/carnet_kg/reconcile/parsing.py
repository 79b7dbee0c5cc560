"""What clients send, read and checked: query batches, data extension requests, limits.

Anything malformed raises a RequestError whose message names the query and the field, so a
client gets a 400 it can act on, never a 500.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from . import RequestError, types
from .properties import Property, find

DEFAULT_LIMIT, MAX_LIMIT = 5, 100
MAX_QUERIES = 100  # per batch (OpenRefine sends 10 at a time)
MAX_IDS = 1000  # per data extension request
MAX_TEXT = 1000  # characters of a query string or a property value
STRICT = ("any", "should", "all")
QUERY_KEYS = {"query", "type", "type_strict", "limit", "properties"}


@dataclass(frozen=True)
class Wanted:
    """One value a property constraint asks for: an entity's identifier, or a text."""

    id: str | None
    text: str


@dataclass
class Constraint:
    prop: Property
    wanted: list[Wanted]


@dataclass
class Query:
    text: str
    kinds: tuple[str, ...] | None  # None: any of our types
    strict: str = "should"
    limit: int = DEFAULT_LIMIT
    constraints: list[Constraint] = field(default_factory=list)


@dataclass
class Extension:
    ids: list[str]
    properties: list[Property]


def parse_json(value: object, what: str) -> object:
    """``value`` as JSON: a text is parsed, anything else was parsed already."""
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError as error:
            raise RequestError(f"{what}: not UTF-8 text") from error
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError as error:
        raise RequestError(f"{what}: malformed JSON: {error}") from error


def limit(value: object, what: str = "limit", default: int = DEFAULT_LIMIT,
          maximum: int = MAX_LIMIT) -> int:
    """A count a client asks for: a whole number from 1 to ``maximum`` (a text of digits from a
    URL parameter is one)."""
    if value is None:
        return default
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= maximum:
        raise RequestError(f"{what} must be a whole number from 1 to {maximum}, not {value!r}")
    return value


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise RequestError(f"{what} must be a string, not {value!r}")
    if len(value) > MAX_TEXT:
        raise RequestError(f"{what} is longer than {MAX_TEXT} characters")
    return value.strip()


def _kinds(value: object, what: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    listed = value if isinstance(value, list) else [value]
    try:
        kinds = tuple(dict.fromkeys(types.kind_of(item) for item in listed))
    except RequestError as error:
        raise RequestError(f"{what}: {error}") from error
    return kinds or None


def _wanted(value: object, what: str) -> Wanted:
    if isinstance(value, dict):
        if not isinstance(value.get("id"), str):
            raise RequestError(f"{what}: an entity value needs a string \"id\"")
        return Wanted(value["id"], _text(value.get("name", ""), f"{what}.name"))
    if isinstance(value, bool):
        return Wanted(None, "true" if value else "false")
    if isinstance(value, int | float):
        return Wanted(None, str(value))
    return Wanted(None, _text(value, what))


def _constraints(value: object, what: str) -> list[Constraint]:
    if not isinstance(value, list):
        raise RequestError(f"{what} must be a list of {{\"pid\", \"v\"}} objects")
    found = []
    for number, item in enumerate(value):
        where = f"{what}[{number}]"
        if not isinstance(item, dict) or "pid" not in item or "v" not in item:
            raise RequestError(f"{where} must be an object with \"pid\" and \"v\"")
        values = item["v"] if isinstance(item["v"], list) else [item["v"]]
        wanted = [_wanted(v, f"{where}.v") for v in values]
        if wanted:
            found.append(Constraint(find(item["pid"]), wanted))
    return found


def query(key: str, value: object) -> Query:
    """One query of a batch."""
    if not isinstance(value, dict):
        raise RequestError(f"{key}: a query must be a JSON object")
    unknown = sorted(set(value) - QUERY_KEYS)
    if unknown:
        raise RequestError(f"{key}: unknown field(s) {', '.join(unknown)}")
    if "query" not in value and not value.get("properties"):
        raise RequestError(f"{key}: a query needs \"query\" or \"properties\"")
    strict = value.get("type_strict", "should")
    if strict not in STRICT:
        raise RequestError(f"{key}.type_strict must be one of {', '.join(STRICT)}")
    return Query(
        text=_text(value.get("query", ""), f"{key}.query"),
        kinds=_kinds(value.get("type"), f"{key}.type"),
        strict=strict,
        limit=limit(value.get("limit"), f"{key}.limit"),
        constraints=_constraints(value.get("properties", []), f"{key}.properties"),
    )


def batch(value: object) -> dict[str, Query]:
    """A query batch (``{"q0": {...}, ...}``), as JSON text or parsed."""
    parsed = parse_json(value, "queries")
    if not isinstance(parsed, dict):
        raise RequestError("queries must be a JSON object of queries: {\"q0\": {...}, ...}")
    if len(parsed) > MAX_QUERIES:
        raise RequestError(f"queries: at most {MAX_QUERIES} queries per batch")
    return {key: query(key, item) for key, item in parsed.items()}


def extension(value: object) -> Extension:
    """A data extension request (``{"ids": [...], "properties": [{"id": ...}]}``)."""
    parsed = parse_json(value, "extend")
    if not isinstance(parsed, dict) or not isinstance(parsed.get("ids"), list) \
            or not isinstance(parsed.get("properties"), list):
        raise RequestError("extend must be a JSON object with \"ids\" and \"properties\" lists")
    unknown = sorted(set(parsed) - {"ids", "properties"})
    if unknown:
        raise RequestError(f"extend: unknown field(s) {', '.join(unknown)}")
    if len(parsed["ids"]) > MAX_IDS:
        raise RequestError(f"extend: at most {MAX_IDS} ids per request")
    if not all(isinstance(i, str) for i in parsed["ids"]):
        raise RequestError("extend.ids must be strings")
    props = []
    for number, item in enumerate(parsed["properties"]):
        if not isinstance(item, dict) or "id" not in item:
            raise RequestError(f"extend.properties[{number}] must be an object with \"id\"")
        props.append(find(item["id"]))
    return Extension(list(dict.fromkeys(parsed["ids"])), list(dict.fromkeys(props)))
