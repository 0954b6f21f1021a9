"""Compose: stories from items, their paragraphs, the link policy and the Issue."""
