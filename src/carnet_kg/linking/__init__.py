"""Links to external vocabularies: label matching, SSSOM mapping sets, the ``link`` workflow."""
