"""The service manifest: what OpenRefine reads when the service is added, with the addresses of
the other services on the server that answered (``root``), entity identifiers under
``BASE id/`` and our ontology as schema space."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from ..namespaces import CKG
from . import Service, types

PREVIEW_WIDTH, PREVIEW_HEIGHT = 400, 160
NAMES = {"fr": "carnet-kg : base de connaissances", "en": "carnet-kg knowledge base"}


def _version() -> str:
    try:
        return version("carnet-kg")
    except PackageNotFoundError:
        return "0"


def manifest(service: Service, root: str) -> dict:
    """The manifest, ``root`` being this server's address (no trailing slash)."""
    suggest = {name: {"service_url": root, "service_path": f"/reconcile/suggest/{name}"}
               for name in ("entity", "type", "property")}
    return {
        "versions": ["0.2"],
        "name": NAMES.get(service.lang, NAMES["fr"]),
        "identifierSpace": f"{service.ids.base}id/",
        "schemaSpace": str(CKG),
        "serviceVersion": _version(),
        "logo": f"{root}/static/favicon.svg",
        "defaultTypes": [types.as_json(service.ontology, kind, service.lang)
                         for kind in types.TYPES],
        "view": {"url": f"{root}/reconcile/view?id={{{{id}}}}"},
        "preview": {"url": f"{root}/reconcile/preview?id={{{{id}}}}",
                    "width": PREVIEW_WIDTH, "height": PREVIEW_HEIGHT},
        "suggest": suggest,
        "extend": {"propose_properties": {"service_url": root,
                                          "service_path": "/reconcile/propose_properties"},
                   "property_settings": []},
    }
