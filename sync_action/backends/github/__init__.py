"""GitHub's REST API behind the hosting port; the only package that imports PyGithub."""
