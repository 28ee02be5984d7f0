"""Fixtures shared by the reviews tests."""

from reviews.tests.pdf_data import pdf_review  # noqa: F401 — a fixture, found by pytest under this name
