"""Harvesting: protocols by which other repositories copy what we publish (OAI-PMH so far)."""
