"""Dates as people write them, made into ``xsd:dateTime`` literals in a time zone.

French dates as the Praxis platform shows them ("6 décembre 2023", "6 décembre 2023 10:18",
"1er mars 2024 à 9h05"), ISO 8601 strings, and the dates and times YAML reads. Pages give no
time zone: a naive time is read in the zone the import is given (``--timezone``).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from rdflib import Literal
from rdflib.namespace import XSD

MONTHS = {
    "janvier": 1, "janv": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4,
    "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9,
    "sept": 9, "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "decembre": 12, "dec": 12,
}

_FRENCH = re.compile(
    r"(?P<day>\d{1,2})(?:er)?\s+(?P<month>[^\W\d_]+)\.?\s+(?P<year>\d{4})"
    r"(?:\s*(?:,|à)?\s*(?P<hour>\d{1,2})\s*[:h]\s*(?P<minute>\d{2}))?",
)


def _plain(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def parse_french(text: str) -> tuple[date, time | None]:
    """``"6 décembre 2023 10:18"`` → (date, time); the time is None when only a day is given.

    Raises ValueError (with a message for people) when the text is not such a date.
    """
    match = _FRENCH.fullmatch(" ".join(text.split()))
    if not match:
        raise ValueError(f"not a French date such as \"6 décembre 2023 10:18\": {text!r}")
    month = MONTHS.get(_plain(match["month"]))
    if month is None:
        raise ValueError(f"unknown month {match['month']!r} in {text!r}")
    try:
        day = date(int(match["year"]), month, int(match["day"]))
        at = None if match["hour"] is None else time(int(match["hour"]), int(match["minute"]))
    except ValueError as error:
        raise ValueError(f"impossible date {text!r}: {error}") from error
    return day, at


def zone(name: str) -> ZoneInfo:
    """The time zone named ``name`` (an IANA name such as America/Montreal); ValueError if
    unknown."""
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError) as error:  # ZoneInfoNotFoundError is a KeyError
        raise ValueError(f"unknown time zone {name!r} (an IANA name such as "
                         "America/Montreal or UTC)") from error


def localised(day: date, at: time | None, tz: ZoneInfo) -> datetime:
    """The instant of ``day`` at ``at`` (midnight if None) in ``tz``."""
    return datetime.combine(day, at or time(0, 0), tzinfo=tz)


def as_literal(moment: datetime) -> Literal:
    """An ``xsd:dateTime`` literal with the offset spelled out (``…T10:18:00-05:00``)."""
    return Literal(moment.replace(microsecond=0).isoformat(), datatype=XSD.dateTime)


def parse_any(value: object, tz: ZoneInfo) -> datetime:
    """A date or time from front matter: a YAML date or datetime, an ISO 8601 string or a
    French date. Without a zone, ``tz``; a day alone is midnight. Raises ValueError."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, date):
        return localised(value, None, tz)
    if not isinstance(value, str):
        raise ValueError(f"not a date: {value!r}")
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        day, at = parse_french(text)
        return localised(day, at, tz)
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)
