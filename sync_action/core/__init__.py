"""The core: errors, words, the hosting port and value types, the runner's commands."""
