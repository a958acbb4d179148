"""The ``mod-press/1`` interchange format: import, export."""

from .exporter import export_document
from .format import FORMAT
from .importer import Importer, ImportFailed, Summary

__all__ = ["FORMAT", "ImportFailed", "Importer", "Summary", "export_document"]
