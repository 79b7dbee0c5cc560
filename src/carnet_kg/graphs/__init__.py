"""Relation graphs and charts: what a reader sees of the links between notes, terms, notebooks
and communities, read from the store with SPARQL (``queries/graph-*.rq``, ``chart-*.rq``).

- ``data``: a resource's relation graph (nodes and links, bounded), as plain data and JSON;
- ``layout``: node positions (networkx), shared by the SVG and the interactive view;
- ``svg``: the graph as a server-rendered SVG (the view without JavaScript);
- ``charts``: small SVG charts (bars, activity per month, share of mapped terms).
"""
