"""Figures for the municipality: the funnel (``exports.funnel``) and its file formats.

No Flask here: plain functions over a SQLAlchemy session the caller passes in,
so the API, the CLI and the dashboard all get the same figures. In order of
reading: ``scope`` (filters and pins), ``funnel``, ``breakdowns`` and
``awareness`` (the queries), ``figures`` (the typed result), ``suppression``
(what a viewer sees), ``schemas`` (its JSON), ``tables`` and ``formats`` (the
files). Definitions: ``docs/metrics.md``.
"""
