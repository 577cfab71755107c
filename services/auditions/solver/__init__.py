"""Automatic scheduling of the hearings with OR-Tools CP-SAT (see docs/auditions.md)."""
