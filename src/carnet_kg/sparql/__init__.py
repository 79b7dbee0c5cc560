"""The SPARQL 1.1 Protocol endpoint: request parsing, safety, formats, a killable worker pool.

Kept free of rdflib and Flask imports at package level: worker processes import
``carnet_kg.sparql.worker`` and should start fast.
"""
