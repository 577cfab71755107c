"""Questionnaires written for this project."""
