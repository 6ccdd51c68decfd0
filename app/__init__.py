"""The studio: PySide6 + pyqtgraph views, widgets, workers and dialogs around ``core``.

``app`` holds no model code and no format code: it runs ``core`` jobs in worker threads
and shows their results. Entry points: ``app.commands`` (``python main.py studio``) and
``app.bench_studio`` (``python main.py bench studio``).
"""
