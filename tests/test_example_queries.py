"""The example queries of the query page answer real questions on the sample."""

from __future__ import annotations

import pytest

from carnet_kg import queries

from .conftest import BASE


@pytest.fixture
def answers(loaded_store):
    return {e.name: loaded_store.query(e.text).rows for e in queries.examples()}


def test_every_example_has_titles_in_both_languages():
    examples = queries.examples()
    assert len(examples) == 5
    for example in examples:
        assert example.title and example.title_en and example.title != example.title_en


def test_notes_of_a_notebook_in_order(answers):
    rows = answers["01-notes-of-a-notebook"]
    positions = [int(r["position"]) for r in rows]
    assert positions == sorted(positions) and len(rows) == 5
    sections = [str(r["section"]) for r in rows if "section" in r]
    assert sections == ["0.1", "0.2", "4.5", "4.6"]
    assert all("brouillon" not in str(r["note"]) for r in rows)  # the private draft


def test_notes_using_a_term(answers):
    notes = {str(r["note"]) for r in answers["02-notes-using-a-term"]}
    assert notes == {BASE + "id/note/autonomie-du-groupe", BASE + "id/note/partager-l-animation"}


def test_terms_shared_by_two_notebooks(answers):
    labels = {str(r["label"]) for r in answers["03-terms-shared-by-notebooks"]}
    assert {"autonomie", "engagement", "participation"} <= labels


def test_communities_connected_through_a_term(answers):
    rows = answers["04-communities-connected-by-a-term"]
    assert rows and all(r["firstCommunity"] != r["secondCommunity"] for r in rows)
    assert {str(r["term"]) for r in rows} >= {"autonomie"}


def test_recently_modified_notes(answers):
    rows = answers["05-recently-modified-notes"]
    assert str(rows[0]["note"]) == BASE + "id/note/partager-l-animation"
    dates = [r["modified"].toPython() for r in rows]
    assert dates == sorted(dates, reverse=True)
