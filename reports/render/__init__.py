"""Renderers of a ``reports.document.Report``: one module per format."""
