"""Dialogs: open pair, settings, export, refine, help, errors."""
