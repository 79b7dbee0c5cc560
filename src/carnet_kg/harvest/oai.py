"""OAI-PMH 2.0: the six verbs, their arguments and errors, oai_dc and RDF records, sets, and
resumption tokens; answers are XML documents built with the standard library."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree as ET

from rdflib import URIRef

from .. import queries
from ..config import Settings
from ..describe import describe
from ..identifiers import KINDS, Identifiers
from ..store import Store
from . import oai_dc, records
from .records import Selection

OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
FORMATS = {
    "oai_dc": ("http://www.openarchives.org/OAI/2.0/oai_dc.xsd", OAI_DC),
    "rdf": ("http://www.openarchives.org/OAI/2.0/rdf.xsd", RDF_NS),
}
ARGUMENTS = {
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), {"resumptionToken"}),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
}
TOKEN_LIFETIME = timedelta(hours=1)
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
SECOND = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")

# the OAI namespace is the default one of our documents (sitemaps set theirs when written)
for prefix, uri in (("", OAI), ("oai_dc", OAI_DC), ("dc", DC), ("xsi", XSI), ("rdf", RDF_NS)):
    ET.register_namespace(prefix, uri)


class OAIError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@dataclass
class Context:
    store: Store
    settings: Settings
    ids: Identifiers
    base_url: str
    now: datetime


def stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _element(parent, tag: str, text: str | None = None, **attributes) -> ET.Element:
    node = ET.SubElement(parent, tag, {k: v for k, v in attributes.items() if v is not None})
    if text is not None:
        node.text = text
    return node


def respond(args: dict[str, list[str]], context: Context) -> bytes:
    """The OAI-PMH response document for one request's arguments."""
    root = ET.Element(f"{{{OAI}}}OAI-PMH", {
        f"{{{XSI}}}schemaLocation": f"{OAI} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"})
    _element(root, f"{{{OAI}}}responseDate", stamp(context.now))
    request = _element(root, f"{{{OAI}}}request", context.base_url)
    try:
        verb, arguments = _check(args)
        for name, value in arguments.items():
            request.set(name, value)
        request.set("verb", verb)
        HANDLERS[verb](root, arguments, context)
    except OAIError as error:
        if error.code in ("badVerb", "badArgument"):
            request.attrib.clear()  # the spec: echo nothing but the base URL
        _element(root, f"{{{OAI}}}error", error.message, code=error.code)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _check(args: dict[str, list[str]]) -> tuple[str, dict[str, str]]:
    verbs = args.get("verb", [])
    if len(verbs) != 1 or verbs[0] not in ARGUMENTS:
        raise OAIError("badVerb", "missing, repeated or unknown verb: use one of "
                       + ", ".join(ARGUMENTS))
    verb = verbs[0]
    required, optional = ARGUMENTS[verb]
    arguments = {}
    for name, values in args.items():
        if name == "verb":
            continue
        if name not in required | optional:
            raise OAIError("badArgument", f"{verb} takes no argument {name!r}")
        if len(values) != 1:
            raise OAIError("badArgument", f"argument {name!r} is repeated")
        arguments[name] = values[0]
    if "resumptionToken" in arguments:
        if len(arguments) > 1:
            raise OAIError("badArgument", "resumptionToken is an exclusive argument")
        return verb, arguments
    missing = required - set(arguments)
    if missing:
        raise OAIError("badArgument", f"{verb} needs {', '.join(sorted(missing))}")
    return verb, arguments


def _identify(root, _arguments, context: Context) -> None:
    node = _element(root, f"{{{OAI}}}Identify")
    _element(node, f"{{{OAI}}}repositoryName", "carnet-kg")
    _element(node, f"{{{OAI}}}baseURL", context.base_url)
    _element(node, f"{{{OAI}}}protocolVersion", "2.0")
    _element(node, f"{{{OAI}}}adminEmail", context.settings.admin_email)
    first = records.earliest(context.store, context.ids)
    _element(node, f"{{{OAI}}}earliestDatestamp", stamp(first or context.now))
    _element(node, f"{{{OAI}}}deletedRecord", "persistent")
    _element(node, f"{{{OAI}}}granularity", "YYYY-MM-DDThh:mm:ssZ")


def _record(context: Context, identifier: str) -> records.Record:
    found = records.find(context.store, context.ids, identifier)
    if found is None:
        raise OAIError("idDoesNotExist", f"no record has the identifier {identifier!r}")
    return found


def _list_formats(root, arguments, context: Context) -> None:
    if "identifier" in arguments:
        _record(context, arguments["identifier"])
    node = _element(root, f"{{{OAI}}}ListMetadataFormats")
    for prefix, (schema, namespace) in FORMATS.items():
        entry = _element(node, f"{{{OAI}}}metadataFormat")
        _element(entry, f"{{{OAI}}}metadataPrefix", prefix)
        _element(entry, f"{{{OAI}}}schema", schema)
        _element(entry, f"{{{OAI}}}metadataNamespace", namespace)


def _sets(context: Context) -> list[tuple[str, str]]:
    found = [("kind", "Resources by kind"), *((f"kind:{k}", f"Kind: {k}") for k in KINDS)]
    found.append(("notebook", "Notebooks"))
    from rdflib import Literal

    for row in queries.run(context.store, "notebooks", lang=Literal("fr")).rows:
        key = context.ids.parse_thing(str(row["notebook"])).key
        found.append((f"notebook:{key}", f"Notebook: {row['title']}"))
    found.append(("community", "Communities"))
    for row in queries.run(context.store, "communities").rows:
        key = context.ids.parse_thing(str(row["community"])).key
        if not any(spec == f"community:{key}" for spec, _ in found):
            found.append((f"community:{key}", f"Community: {row['title']}"))
    return found


def _list_sets(root, arguments, context: Context) -> None:
    if "resumptionToken" in arguments:
        raise OAIError("badResumptionToken", "ListSets answers in one page: no token is valid")
    node = _element(root, f"{{{OAI}}}ListSets")
    for spec, name in _sets(context):
        entry = _element(node, f"{{{OAI}}}set")
        _element(entry, f"{{{OAI}}}setSpec", spec)
        _element(entry, f"{{{OAI}}}setName", name)


def _time(value: str, end: bool) -> tuple[datetime, str]:
    try:
        if SECOND.fullmatch(value):
            moment = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
            return moment, "second"
        if DAY.fullmatch(value):
            day = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
            return (day + timedelta(days=1, seconds=-1) if end else day), "day"
    except (ValueError, OverflowError):  # 2024-02-30, year 0, hour 25, the last day + 1
        pass
    raise OAIError("badArgument", f"{value!r} is not a date (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ)")


def _selection(arguments, context: Context) -> tuple[str, Selection, int, int | None]:
    """Format, selection, cursor and (from a token) the list's size: from a resumption token,
    or from the arguments."""
    if "resumptionToken" in arguments:
        return _read_token(arguments["resumptionToken"], context)
    prefix = arguments["metadataPrefix"]
    if prefix not in FORMATS:
        raise OAIError("cannotDisseminateFormat", f"no metadata format {prefix!r}: use "
                       + " or ".join(FORMATS))
    start = end = None
    granularities = set()
    if "from" in arguments:
        start, granularity = _time(arguments["from"], end=False)
        granularities.add(granularity)
    if "until" in arguments:
        end, granularity = _time(arguments["until"], end=True)
        granularities.add(granularity)
    if len(granularities) > 1:
        raise OAIError("badArgument", "from and until must have the same granularity")
    if start and end and start > end:
        raise OAIError("badArgument", "from is after until")
    set_spec = arguments.get("set")
    if set_spec and set_spec not in {spec for spec, _ in _sets(context)}:
        raise OAIError("badArgument", f"no set {set_spec!r} (see ListSets)")
    # the harvest sees the repository as it is now: later changes wait for the next harvest
    end = min(end, context.now) if end else context.now
    return prefix, Selection(set_spec, start, end), 0, None


def _token(prefix: str, selection: Selection, cursor: int, last: records.Record,
           context: Context, total: int) -> str:
    state = {"p": prefix, "s": selection.set_spec, "c": cursor, "n": total,
             "f": stamp(selection.start) if selection.start else None,
             "u": stamp(selection.end), "a": [stamp(last.datestamp), last.document],
             "e": stamp(context.now + TOKEN_LIFETIME)}
    return base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")


def _read_token(token: str, context: Context) -> tuple[str, Selection, int, int | None]:
    try:
        state = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        expires = _time(state["e"], end=False)[0]
        after = (_time(state["a"][0], end=False)[0], str(state["a"][1]))
        selection = Selection(state["s"], _time(state["f"], False)[0] if state["f"] else None,
                              _time(state["u"], False)[0], after)
        prefix, cursor, total = state["p"], int(state["c"]), int(state["n"])
        if not isinstance(prefix, str) or not isinstance(state["s"], str | None) \
                or not isinstance(state["a"][1], str) or cursor < 0 or total < 0:
            raise ValueError("a field of the wrong type")
    except (ValueError, KeyError, TypeError, IndexError, OverflowError, AttributeError,
            OAIError):
        raise OAIError("badResumptionToken", "this resumption token is not one of ours") from None
    if expires < context.now:
        raise OAIError("badResumptionToken", "this resumption token has expired")
    if prefix not in FORMATS:
        raise OAIError("badResumptionToken", "this resumption token is not one of ours")
    return prefix, selection, cursor, total


def _list(root, arguments, context: Context, with_metadata: bool) -> None:
    prefix, selection, cursor, total = _selection(arguments, context)
    size = context.settings.oai_page_size
    page = records.list_records(context.store, context.ids, selection, size + 1)
    if not page and cursor == 0:
        raise OAIError("noRecordsMatch", "no record matches these arguments")
    node = _element(root, f"{{{OAI}}}{'ListRecords' if with_metadata else 'ListIdentifiers'}")
    for record in page[:size]:
        if with_metadata:
            _append_record(node, record, prefix, context)
        else:
            _header(node, record)
    if total is None:  # counted once, at the start of a list
        total = records.count_records(
            context.store, context.ids,
            Selection(selection.set_spec, selection.start, selection.end))
    more = len(page) > size
    token = _element(node, f"{{{OAI}}}resumptionToken",
                     _token(prefix, selection, cursor + size, page[size - 1], context, total)
                     if more else "", completeListSize=str(total), cursor=str(cursor))
    if more:
        token.set("expirationDate", stamp(context.now + TOKEN_LIFETIME))
    elif cursor == 0:
        node.remove(token)  # a complete list in one page needs no token


def _header(parent, record: records.Record) -> None:
    header = _element(parent, f"{{{OAI}}}header", status="deleted" if record.deleted else None)
    _element(header, f"{{{OAI}}}identifier", record.identifier)
    _element(header, f"{{{OAI}}}datestamp", stamp(record.datestamp))
    _element(header, f"{{{OAI}}}setSpec", f"kind:{record.kind}")


def _append_record(parent, record: records.Record, prefix: str, context: Context) -> None:
    node = _element(parent, f"{{{OAI}}}record")
    _header(node, record)
    if record.deleted:
        return
    thing = context.ids.parse_thing(record.identifier)
    metadata = _element(node, f"{{{OAI}}}metadata")
    if prefix == "rdf":  # the full document, as dereferencing gives it
        document = describe(context.store, context.settings, thing.kind, thing.key, per_page=50)
        metadata.append(ET.fromstring(document.graph.serialize(format="xml").encode()))
        return
    graph = oai_dc.description(context.store, URIRef(record.identifier),
                               URIRef(record.document))
    dc = _element(metadata, f"{{{OAI_DC}}}dc", **{
        f"{{{XSI}}}schemaLocation": f"{OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd"})
    for name, value, language in oai_dc.elements(graph, URIRef(record.identifier),
                                                 thing.kind):
        element = _element(dc, f"{{{DC}}}{name}", value)
        if language:
            element.set("{http://www.w3.org/XML/1998/namespace}lang", language)


def _get_record(root, arguments, context: Context) -> None:
    prefix = arguments["metadataPrefix"]
    if prefix not in FORMATS:
        raise OAIError("cannotDisseminateFormat", f"no metadata format {prefix!r}")
    record = _record(context, arguments["identifier"])
    _append_record(_element(root, f"{{{OAI}}}GetRecord"), record, prefix, context)


HANDLERS = {
    "Identify": _identify,
    "ListMetadataFormats": _list_formats,
    "ListSets": _list_sets,
    "ListIdentifiers": lambda root, args, ctx: _list(root, args, ctx, with_metadata=False),
    "ListRecords": lambda root, args, ctx: _list(root, args, ctx, with_metadata=True),
    "GetRecord": _get_record,
}
