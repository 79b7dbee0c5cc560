"""HTML output is inert, whatever the data or the request holds: notes, terms, notebooks and
people whose titles, bodies and labels carry <script>, event handlers, javascript: URLs and
broken markup are loaded, every page is read with a real HTML parser (no script from the data,
no on* attribute, no javascript: link, no frame, base or form of the data's making); every
HTML answer carries a Content-Security-Policy whose script-src has no 'unsafe-inline'; and
nothing a client sends (CR/LF in any parameter) injects a header."""

from __future__ import annotations

import json
import re
import urllib.parse
from collections import deque
from html.parser import HTMLParser
from pathlib import Path

import pytest

from carnet_kg import pipeline
from carnet_kg.config import Settings
from carnet_kg.store import open_store
from carnet_kg.web import create_app

from ..backends import engine_settings
from ..conftest import BASE, PREFIXES, SAMPLE, write
from .support import ALICE_TOKEN, TOKENS, raw_get, record, server

XSS = """
<id/note/xss-note> a ckg:GeneralNote ;
    dcterms:title "<script>alert('T1')</script><img src=x onerror=alert('T2')>"@fr ,
        "\\"><svg onload=alert('T3')></script><script>alert('T4')</script>"@en ;
    dcterms:description "<iframe src=javascript:alert('T5')></iframe> {{7*7}}"@fr ;
    ckg:body '''# Titre <script>alert('B1')</script>

<img src=x onerror=alert('B2')>

[lien](javascript:alert('B3')) [l2](JaVaScRiPt:alert('B4')) [l3](&#106;avascript:alert('B5'))
![img](javascript:alert('B6')) [d](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
<javascript:alert('B7')> <a href="javascript:alert('B8')">a</a> [v](vbscript:msgbox('B9'))
[sp]( javascript:alert('B10')) [tab](java&#09;script:alert('B11'))

<div onclick="alert('B12')">x</div> <style>*{background:url(evil-style)}</style>
<iframe src="evil-frame"></iframe>
<form action="https://evil.example/"><input name=q></form> <base href="https://evil.example/">
<meta http-equiv="refresh" content="0;url=javascript:alert('B13')">
<svg><script>alert('B14')</script></svg>
<math><mi xlink:href="javascript:alert('B15')">m</mi></math>
<!-- <script>alert('B16')</script> --> <![CDATA[<script>alert('B17')</script>]]>
<b>unclosed <i>markup <a href="#" title="x" onmouseover="alert('B18')">hover</a>
'''@fr ;
    ckg:visibility ckg:Public ;
    dcterms:license <http://creativecommons.org/licenses/by/4.0/> ;
    dcterms:issued "2024-01-01T10:00:00Z"^^xsd:dateTime ;
    dcterms:modified "2024-01-02T10:00:00Z"^^xsd:dateTime ;
    dcterms:creator <id/person/xss-person> ;
    ckg:relatedTerm <id/term/xss-term> , <id/term/autonomie> ;
    ckg:relatedNote <id/note/autonomie-du-groupe> .

<id/note/autonomie-du-groupe> ckg:relatedNote <id/note/xss-note> .

<id/term/xss-term> a ckg:Term, skos:Concept ;
    skos:prefLabel "<b onmouseover=alert('T6')>terme</b>"@fr ,
        "</title><script>alert('T7')</script>"@en ;
    skos:altLabel "javascript:alert('T8')"@fr , "<a href=javascript:alert('T9')>x</a>"@en ;
    skos:definition '''{{7*7}} <style>b{background:url(evil-style)}</style>
        <script>alert("T10")</script>'''@fr ;
    skos:inScheme <id/lexicon/passerelles> ;
    skos:broader <id/term/autonomie> ;
    ckg:visibility ckg:Public ;
    dcterms:license <http://creativecommons.org/licenses/by/4.0/> ;
    dcterms:issued "2024-01-01T10:00:00Z"^^xsd:dateTime ;
    dcterms:modified "2024-01-02T10:00:00Z"^^xsd:dateTime .
<id/term/autonomie> skos:narrower <id/term/xss-term> .

<id/notebook/xss-carnet> a ckg:Notebook ;
    dcterms:title "<script>alert('T11')</script> carnet"@fr ;
    dcterms:description "<img src=x onerror=alert('T12')>"@fr ;
    ckg:visibility ckg:Public ;
    dcterms:license <http://creativecommons.org/licenses/by/4.0/> ;
    ckg:hasCategory <id/category/xss-cat> ;
    ckg:hasMembership <id/notebook/xss-carnet#m-1> , <id/notebook/xss-carnet#m-2> .
<id/category/xss-cat> a ckg:Category ;
    dcterms:title "<svg onload=alert('T13')>"@fr ;
    ckg:categoryOf <id/notebook/xss-carnet> .
<id/notebook/xss-carnet#m-1> a ckg:Membership ; ckg:member <id/note/xss-note> ;
    ckg:position 1 ; ckg:sectionNumber "<script>alert('T14')</script>" ;
    ckg:category <id/category/xss-cat> .
<id/notebook/xss-carnet#m-2> a ckg:Membership ; ckg:member <id/note/autonomie-du-groupe> ;
    ckg:position 2 ; ckg:sectionNumber "\\" onmouseover=\\"alert('T15')" .

<id/person/xss-person> a ckg:Person, foaf:Person ;
    foaf:name "<script>alert('T16')</script> Mallory\\"><img src=x onerror=alert('T17')>" .
"""

# optional: descriptions the server may refuse (422); if it accepts them they must be inert
RISKY_PUTS = {
    "person/xss-home": """<id/person/xss-home> a ckg:Person, foaf:Person ;
        foaf:name "Home" ; foaf:homepage <javascript:alert('H1')> .""",
    "person/xss-home2": """<id/person/xss-home2> a ckg:Person, foaf:Person ;
        foaf:name "Home2" ; foaf:homepage <JAVASCRIPT:alert('H2')> .""",
    "term/xss-map": """<id/term/xss-map> a ckg:Term, skos:Concept ;
        skos:prefLabel "map"@fr ; skos:inScheme <id/lexicon/passerelles> ;
        skos:exactMatch <javascript:alert('H3')> ; ckg:visibility ckg:Public ;
        dcterms:license <http://creativecommons.org/licenses/by/4.0/> ;
        dcterms:issued "2024-01-01T10:00:00Z"^^xsd:dateTime ;
        dcterms:modified "2024-01-02T10:00:00Z"^^xsd:dateTime .""",
    "note/xss-media": """<id/note/xss-media> a ckg:GeneralNote ; dcterms:title "media"@fr ;
        ckg:visibility ckg:Public ;
        dcterms:license <http://creativecommons.org/licenses/by/4.0/> ;
        dcterms:issued "2024-01-01T10:00:00Z"^^xsd:dateTime ;
        dcterms:modified "2024-01-02T10:00:00Z"^^xsd:dateTime ;
        <https://schema.org/associatedMedia> <id/note/xss-media#media-1> .
        <id/note/xss-media#media-1> a <https://schema.org/ImageObject> ;
        <https://schema.org/contentUrl> <javascript:alert('H4')> ;
        ckg:altText "\\" onerror=\\"alert('H5')"@fr .""",
}

SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "livescript:")
# elements the site itself uses (charts in SVG, the preview's style, the graph legend's form)
# but that must never come from the data: flagged when they carry a payload's marker (in
# other elements, such as an input's value, a payload is only text)
DANGEROUS_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "svg",
                  "math", "style", "form", "meta"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster",
                  "background", "srcset", "ping", "cite", "content"}
PAYLOAD = re.compile(r"alert\(|msgbox|evil", re.IGNORECASE)  # every payload holds one
DATA_BLOCKS = ("application/ld+json", "application/json")


class Inspector(HTMLParser):
    """Everything in a page that could run code, with its position."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.violations: list[str] = []
        self.raw: str | None = None  # inside <script> or <style>: what kind
        self.raw_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = {name.lower(): value or "" for name, value in attrs}
        where = f"<{tag} {' '.join(f'{k}={v!r}' for k, v in attributes.items())[:160]}>"
        for name, value in attributes.items():
            if name.startswith("on"):
                self.violations.append(f"event handler {name}: {where}")
            if name in URL_ATTRIBUTES:
                cleaned = re.sub(r"[\x00-\x20]", "", value).lower()
                if cleaned.startswith(SCRIPT_SCHEMES) or ";url=javascript:" in cleaned:
                    self.violations.append(f"script URL in {name}: {where}")
        if tag in DANGEROUS_TAGS and any(PAYLOAD.search(v) for v in attributes.values()):
            self.violations.append(f"<{tag}> made by the data: {where}")
        if tag == "script":
            if attributes.get("type", "") in DATA_BLOCKS:
                self.raw = "data"
            elif attributes.get("src", "").startswith(("/vendor/", "/static/")):
                self.raw = "own"
            else:
                self.raw = "inline"
                self.violations.append(f"executable inline script: {where}")
            self.raw_text = []
        elif tag == "style":
            self.raw, self.raw_text = "style", []

    def handle_data(self, data):
        if self.raw:
            self.raw_text.append(data)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.raw:
            text = "".join(self.raw_text)
            if self.raw == "data":
                try:
                    json.loads(text)
                except ValueError:
                    self.violations.append(f"data block broken out of: {text[:200]!r}")
            elif self.raw == "own" and text.strip():
                self.violations.append(f"code inside a script element: {text[:200]!r}")
            elif PAYLOAD.search(text):
                self.violations.append(f"payload inside <{tag}>: {text[:200]!r}")
            self.raw = None


def inspect(body: str) -> list[str]:
    parser = Inspector()
    parser.feed(body)
    parser.close()
    return parser.violations


def test_the_inspector_catches_live_markup():
    """The check can fail: each of these is reported."""
    bad = ['<img src=x onerror="alert(1)">', '<a href=" JaVaScRiPt:alert(1)">x</a>',
           "<script>alert(1)</script>", '<iframe src="evil"></iframe>',
           '<script type="application/ld+json">{"a": "</script><script>alert(1)</script>',
           '<form action="https://evil.example/"></form>',
           "<style>x{}</style><style>alert(1)</style>",
           '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
           '<svg><a xlink:href="javascript:alert(1)">x</a></svg>']
    for markup in bad:
        assert inspect(markup), markup
    assert inspect('<p>&lt;script&gt;alert(1)&lt;/script&gt;<input value="<b onclick=x>">'
                   "</p>") == []


def csp_problems(headers) -> list[str]:
    policy = headers.get("Content-Security-Policy")
    if not policy:
        return ["no Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = [w.lower() for w in words[1:]]
    scripts = directives.get("script-src", directives.get("default-src"))
    if scripts is None:
        return [f"no script-src nor default-src: {policy}"]
    found = [f"{bad} in script-src: {policy}" for bad in ("'unsafe-inline'", "'unsafe-eval'",
                                                          "*", "data:", "http:", "https:")
             if bad in scripts]
    if "object-src" not in directives and "'none'" not in directives.get("default-src", []):
        found.append(f"no object-src: {policy}")
    return found


@pytest.fixture(scope="module")
def app_client(tmp_path_factory):
    folder: Path = tmp_path_factory.mktemp("xss")
    settings = Settings(base=BASE, store=str(folder / "store"),
                        **engine_settings(folder / "store"), write_tokens=TOKENS,
                        query_workers=1)
    store = open_store(settings)
    pipeline.load([SAMPLE, write(folder / "xss.ttl", XSS)], settings, store)
    app = create_app(settings, store)
    client = app.test_client()
    accepted = []
    for target, turtle in RISKY_PUTS.items():
        answer = client.put(f"/doc/{target}", data=PREFIXES + turtle, headers={
            "Authorization": f"Bearer {ALICE_TOKEN}", "Content-Type": "text/turtle"})
        assert answer.status_code < 500, answer.text
        if answer.status_code < 300:
            accepted.append(target)
    print("risky descriptions accepted by the write API:", accepted or "none")
    yield client, accepted
    app.extensions["carnet_kg.executor"].close()
    store.close()


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "action") and value:
                self.found.append(value)


XSS_PAGES = ["/doc/note/xss-note", "/doc/term/xss-term", "/doc/notebook/xss-carnet",
             "/doc/category/xss-cat", "/doc/person/xss-person", "/doc/note/autonomie-du-groupe",
             "/doc/term/autonomie", "/doc/note/xss-note/revisions",
             "/doc/note/xss-note/revisions/1", "/lexicon", "/notebooks", "/people",
             "/search?q=alert", "/search?q=script", "/search?q=onerror", "/search?q=terme",
             "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
             "/search?q=%22%3E%3Csvg%20onload%3Dalert(1)%3E&kind=%22%3E%3Cscript%3E",
             "/search?q=x&notebook=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E"
             "&category=javascript:alert(1)",
             "/reconcile/preview?id=note/xss-note", "/reconcile/preview?id=term/xss-term",
             "/reconcile/preview?id=person/xss-person", "/reconcile/preview?id=notebook/xss-carnet",
             "/doc/note/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
             "/nothing/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
             "/doc/note/xss-note?lang=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
             "/?lang=en&x=%22%3E%3Cscript%3Ealert(1)%3C/script%3E",
             "/sparql?x=%22%3E%3Cscript%3Ealert(1)%3C/script%3E"]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_page_is_inert_and_has_a_strict_csp(app_client, language):
    client, accepted = app_client
    queue = deque(["/", *XSS_PAGES, *(f"/doc/{t}" for t in accepted)])
    seen, violations, pages = set(), [], 0
    while queue and len(seen) < 700:
        target = queue.popleft().split("#", 1)[0]
        if target in seen:
            continue
        seen.add(target)
        response = client.get(target, headers={"Accept": "text/html",
                                               "Accept-Language": language})
        assert response.status_code < 500, (target, response.status_code)
        if response.mimetype != "text/html":
            continue
        pages += 1
        body = response.get_data(as_text=True)
        violations += [f"{target}: {v}" for v in inspect(body)]
        violations += [f"{target}: {v}" for v in csp_problems(response.headers)]
        parser = Links()
        parser.feed(body)
        for link in parser.found:
            parts = urllib.parse.urlsplit(urllib.parse.urljoin("http://localhost" + target,
                                                               link))
            if parts.netloc == "localhost" and not parts.path.startswith(("/static",
                                                                          "/vendor")):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    record("html pages checked", pages)
    print(f"{pages} HTML pages checked ({language}), {len(violations)} violation(s)")
    assert pages > 60
    assert "/doc/note/xss-note" in seen
    assert not violations, "\n".join(violations[:40])


def test_the_payloads_are_shown_as_text(app_client):
    """Inert, not lost: the reader sees the characters the author wrote."""
    client, _ = app_client
    page = client.get("/doc/note/xss-note", headers={"Accept": "text/html"}).get_data(
        as_text=True)
    assert "&lt;script&gt;alert(&#39;T1&#39;)&lt;/script&gt;" in page or \
        "&lt;script&gt;alert('T1')&lt;/script&gt;" in page
    assert "{{7*7}}" in page and ">49<" not in page
    term = client.get("/doc/term/xss-term", headers={"Accept": "text/html"}).get_data(
        as_text=True)
    assert "javascript:alert(&#39;T8&#39;)" in term or "javascript:alert('T8')" in term


def test_every_html_answer_has_a_csp_even_errors(app_client):
    client, _ = app_client
    problems = []
    for target in ["/no-such-page", "/doc/note/nothing", "/doc/nothing/x", "/search?page=x",
                   "/oai?verb=x", "/reconcile/preview?id=x", "/sparql", "/ontology",
                   "/doc/note/autonomie-du-groupe?page=x"]:
        response = client.get(target, headers={"Accept": "text/html"})
        if response.mimetype == "text/html":
            problems += [f"{target}: {p}" for p in csp_problems(response.headers)]
            problems += [f"{target}: {v}" for v in inspect(response.get_data(as_text=True))]
    assert not problems, problems


# ---- header injection, through a real server ----------------------------------------------------

INJECTIONS = ["%0d%0aX-Injected:%20yes", "%0aX-Injected:%20yes", "%0dX-Injected:%20yes",
              "%E5%98%8A%E5%98%8DX-Injected:%20yes", "%C2%85X-Injected:%20yes",
              "%E2%80%A8X-Injected:%20yes", "%0d%0a%0d%0a%3Cscript%3Ealert(1)%3C/script%3E"]
TARGETS = ["/search?q={}", "/search?q=a&kind={}&notebook={}&category={}&page={}",
           "/?lang={}", "/doc/note/autonomie-du-groupe?lang={}",
           "/doc/note/autonomie-du-groupe?page={}", "/doc/note/autonomie-du-groupe{}",
           "/id/note/autonomie-du-groupe{}", "/id/note/autonomie-du-groupe?x={}",
           "/oai?verb={}", "/oai?verb=Identify&x={}",
           "/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier={}",
           "/oai?verb=ListRecords&metadataPrefix=oai_dc&set={}&from={}",
           "/oai?verb=ListRecords&resumptionToken={}", "/sparql?query=ASK%7B%7D&format={}",
           "/sparql?query=ASK%7B%7D{}", "/sparql?query={}", "/reconcile/view?id=term/autonomie{}",
           "/reconcile/view?id={}", "/reconcile/preview?id={}", "/reconcile?queries={}",
           "/reconcile/suggest/entity?prefix={}&cursor={}", "/store?graph={}",
           "/changes/{}", "/dumps/{}", "/lexicon?unmapped={}", "/favicon.ico?{}",
           "/sitemap.xml?{}", "/{}"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("headers")
    with server(folder, {"CARNET_KG_WRITE_TOKENS": TOKENS}) as running:
        yield running


def test_no_header_injection_through_any_parameter(site):
    injected, probes = [], 0
    for target in TARGETS:
        for payload in INJECTIONS:
            path = target.replace("{}", payload)
            for headers in ({}, {"Accept": "text/html"}, {"Accept-Language": "en"}):
                reply = raw_get(site.url, path, headers)
                probes += 1
                names = set(reply.headers)
                if "x-injected" in names or reply.status >= 500 or reply.status == 0:
                    injected.append(f"{path} {headers}: {reply.status} {sorted(names)}")
                if any("\n" in v or "\r" in v for vs in reply.headers.values() for v in vs):
                    injected.append(f"{path}: a header value holds CR/LF")
    record("header injection probes", probes)
    print(f"header injection: {probes} probes, {len(injected)} problem(s)")
    assert not injected, "\n".join(injected[:30])
