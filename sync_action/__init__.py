"""schema-sync-action: keep one schema file identical across repositories."""

__version__ = "1.0.0"
