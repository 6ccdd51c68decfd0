"""Dialogs: help, settings, export, refinement range, errors."""
