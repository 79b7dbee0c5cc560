"""``carnet-kg link``: propose mapping candidates for our resources against a vocabulary and
write them as an SSSOM mapping set for review (nothing is asserted: no reviewer yet)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from ..identifiers import Identifiers
from .matching import EXACT, Labelled, rank
from .sssom import Mapping, MappingSet
from .vocabularies import malformed

TOOL = "carnet-kg link"
LICENCE = "http://creativecommons.org/licenses/by/4.0/"


@dataclass
class Proposal:
    ours: Labelled
    theirs: Labelled
    score: float
    our_label: str
    their_label: str


def propose(items: Iterable[Labelled], candidates_of: Callable[[Labelled], list[Labelled]],
            threshold: float, limit: int, advance: Callable[[], None] = lambda: None
            ) -> list[Proposal]:
    """The best candidates of each item (at least ``threshold``, at most ``limit`` each)."""
    proposals = []
    for item in items:
        candidates = [c for c in candidates_of(item) if malformed(c.iri) is None]
        for candidate, score, mine, other in rank(item, candidates, threshold, limit):
            proposals.append(Proposal(item, candidate, score, mine, other))
        advance()
    return proposals


def mapping_set(proposals: list[Proposal], ids: Identifiers, source: str,
                today: date | None = None) -> MappingSet:
    """Proposals as an SSSOM mapping set, to be reviewed before it is loaded."""
    when = (today or date.today()).isoformat()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")  # two runs a day: two sets
    mappings = []
    for p in proposals:
        predicate = ("http://www.w3.org/2004/02/skos/core#exactMatch" if p.score >= EXACT
                     else "http://www.w3.org/2004/02/skos/core#closeMatch")
        mappings.append(Mapping(
            p.ours.iri, predicate, p.theirs.iri, "https://w3id.org/semapv/vocab/LexicalMatching",
            values={"subject_label": p.ours.preferred[0], "object_label": p.their_label,
                    "author_label": (TOOL,), "mapping_tool": TOOL, "mapping_date": when,
                    "confidence": f"{p.score:.4f}".rstrip("0").rstrip("."),
                    "comment": f"labels compared: {p.our_label!r} ~ {p.their_label!r}"}))
    return MappingSet(
        f"{ids.base}mappings/link-{stamp}", LICENCE, {"kb": f"{ids.base}id/"},
        {"mapping_set_title": f"Candidates from {source} (to review)", "mapping_date": when,
         "comment": "Proposed by carnet-kg link: fill reviewer_label (or reviewer_id) on the "
                    "rows you accept, delete the others, then load this file with the data."},
        mappings)
