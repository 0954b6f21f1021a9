"""Fetch: the HTTP client below the source adapters, with its records and helpers."""
