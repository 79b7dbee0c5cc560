"""The links of an HTML page, for the crawlers of the tests."""

from __future__ import annotations

from html.parser import HTMLParser


class Links(HTMLParser):
    """Collects href, src, and a form's action."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in ("href", "src", "action"):
            if attributes.get(name) and (tag != "form" or name == "action"):
                self.found.append(attributes[name])
