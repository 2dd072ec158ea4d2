"""Figures for the municipality: the funnel (``exports.funnel``) and its file formats.

No Flask here: plain functions over the database session, so the API, the CLI
and the dashboard all get the same figures. Definitions: ``docs/metrics.md``.
"""
