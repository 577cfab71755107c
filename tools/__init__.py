"""Generators of the project's data files, run as `python -m tools.<name>`."""
