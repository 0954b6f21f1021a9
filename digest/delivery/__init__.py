"""Delivery: the issue by email to its recipients, on the weekly schedule."""
