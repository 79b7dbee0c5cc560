"""The ``carnet-kg`` command, run as a user runs it: a real process, real files."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .backends import engine_env
from .conftest import BASE, SAMPLE, public_note, write


@pytest.fixture
def run(tmp_path: Path):
    env = {
        **os.environ,
        "CARNET_KG_BASE": BASE,
        "CARNET_KG_STORE": str(tmp_path / "store"), **engine_env(tmp_path / "store"),
        "CARNET_KG_CONFIG": "",
    }

    def run(*args: str, input: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "carnet_kg.cli", *args],
            capture_output=True, text=True, env=env, input=input, cwd=tmp_path, timeout=120,
        )

    return run


def test_load_prints_what_it_did(run):
    result = run("load", str(SAMPLE))
    assert result.returncode == 0, result.stderr
    assert "read 8 file(s)" in result.stdout
    assert "withheld 5 non-public" in result.stdout
    assert "reading: 8/8" in result.stderr  # progress, plain lines off a terminal


def test_load_of_broken_file_fails_and_writes_nothing(run, tmp_path):
    bad = write(tmp_path / "bad.ttl", public_note("x", extra='; dcterms:titel "typo"@fr'))
    result = run("load", str(bad))
    assert result.returncode != 0
    assert "bad.ttl" in result.stderr and "nothing was written" in result.stderr
    assert "dcterms:titel" in result.stderr
    stats = run("stats")
    assert "triples" in stats.stdout and " 0\n" in stats.stdout.split("triples")[1]


def test_validate_text_and_turtle(run, tmp_path):
    ok = run("validate", str(SAMPLE))
    assert ok.returncode == 0 and "conforms" in ok.stdout
    bad = write(tmp_path / "bad.ttl", public_note("x").replace("ckg:Public", "ckg:Publik"))
    text = run("validate", str(bad))
    assert text.returncode == 1 and "ckg:visibility" in text.stdout
    french = run("validate", "--lang", "fr", str(bad))
    assert french.stdout != text.stdout
    ttl = run("validate", "--format", "ttl", str(bad))
    assert ttl.returncode == 1 and "sh:ValidationReport" in ttl.stdout


def test_query_formats(run):
    assert run("load", str(SAMPLE)).returncode == 0
    sparql = (
        "PREFIX ckg: <https://w3id.org/carnet-kg/ontology#> "
        "SELECT ?n WHERE { ?n a ckg:Term } ORDER BY ?n"
    )
    table = run("query", sparql)
    assert table.returncode == 0, table.stderr
    assert "(10 row(s))" in table.stdout
    data = json.loads(run("query", "--format", "json", sparql).stdout)
    assert len(data["results"]["bindings"]) == 10
    rows = list(csv.reader(io.StringIO(run("query", "--format", "csv", sparql).stdout)))
    assert rows[0] == ["n"] and len(rows) == 11
    construct = run("query", "--format", "ttl", "CONSTRUCT { ?s a ?t } WHERE { ?s a ?t } LIMIT 2")
    assert construct.returncode == 0 and " a " in construct.stdout
    ask = run("query", "ASK { ?s ?p ?o }")
    assert ask.stdout.strip() == "yes"


def test_malformed_query_is_a_clear_error(run):
    run("load", str(SAMPLE))
    result = run("query", "SELECT WHERE {")
    assert result.returncode != 0
    assert "malformed SPARQL query" in result.stderr
    assert "Traceback" not in result.stderr


def test_stats_counts_classes(run):
    run("load", str(SAMPLE))
    out = run("stats").stdout
    assert "ckg:Term" in out and "ckg:GeneralNote" in out
    counts = dict(line.split() for line in out.strip().splitlines())
    assert counts["ckg:GeneralNote"] == "7"  # the 3 private notes are not there
    assert counts["ckg:Notebook"] == "2"


def test_export_to_file_and_stdout(run, tmp_path):
    run("load", str(SAMPLE))
    out = run("export", "--output", str(tmp_path / "dump.trig"), "--format", "trig")
    assert out.returncode == 0 and (tmp_path / "dump.trig").stat().st_size > 1000
    nquads = run("export").stdout
    assert "/doc/note/autonomie-du-groupe>" in nquads
    assert "graph/metadata" not in nquads
    with_meta = run("export", "--include-metadata").stdout
    assert "graph/metadata" in with_meta


@pytest.mark.parametrize("sparql, fmt", [
    ("ASK { ?s ?p ?o }", "csv"),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "json"),
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 1", "ttl"),
])
def test_format_that_does_not_fit_the_query_is_a_clear_error(run, sparql, fmt):
    run("load", str(SAMPLE))
    result = run("query", "--format", fmt, sparql)
    assert result.returncode == 1 and "does not fit" in result.stderr
    assert "Traceback" not in result.stderr


def test_reading_commands_refuse_a_missing_store(run, tmp_path):
    for args in (["query", "ASK { ?s ?p ?o }"], ["stats"], ["export"]):
        result = run(*args)
        assert result.returncode == 1 and "no store at" in result.stderr, args
    assert not (tmp_path / "store").exists()


def test_export_to_an_impossible_path_is_a_clear_error(run, tmp_path):
    run("load", str(SAMPLE))
    result = run("export", "--output", str(tmp_path / "missing" / "dir" / "x.nq"))
    assert result.returncode == 1 and "cannot write" in result.stderr
    assert "Traceback" not in result.stderr
