"""A local stand-in for GitHub (Enterprise Server) that tests run the action against."""

from .server import LocalGitHub, LoggedRequest

__all__ = ["LocalGitHub", "LoggedRequest"]
