"""What people read: comments, pull request bodies, summaries, the dashboard."""
