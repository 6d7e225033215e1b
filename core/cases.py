"""Placeholder: being written."""

MODELS: list = []
