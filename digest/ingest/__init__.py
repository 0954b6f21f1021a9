"""Ingest: sources gathered (in worker processes), documents turned into stored items."""
