"""Tests that hold the local GitHub to GitHub's own references and edges."""
