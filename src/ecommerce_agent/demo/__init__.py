"""Deterministic demo data: a realistic Korean shop for development and tests."""
