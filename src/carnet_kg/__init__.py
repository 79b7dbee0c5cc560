"""carnet-kg: a knowledge-graph and linked-data publisher for collaborative note platforms."""

__version__ = "0.1.0"
