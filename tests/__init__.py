"""carnet-kg test suite."""
