"""A local stand-in for Airtable's Metadata API that tests run the action against."""

from .server import LocalAirtable

__all__ = ["LocalAirtable"]
