"""RGB-T Studio's window: small Qt widgets, workers and controllers around ``core``.

Layout of the package (each module owns one idea):

- ``env``: studio home folder, pyqtgraph options, the QApplication;
- ``sources``: what was opened (a video pair, a sequence folder) as plain data;
- ``settings``: QSettings (ini) for model choice, recent files, view options;
- ``worker``: the generic QThread that runs a ``core`` job generator (cancel, stale drop);
- ``project``: the open sequence + annotation store + QUndoStack wrapping core commands;
- ``edits`` / ``review``: Qt-free rules (manual keyframes, flags, interpolation,
  "next frame that needs attention", timeline series);
- ``jobs``: Qt-free tracking and teacher-refinement jobs that commit to the store;
- ``views``: frame views, boxes, transport bar, timeline; ``dialogs``: dialogs;
- ``controllers``: open / track / refine / export glue; ``actions``: menus, shortcuts;
- ``window``: the main window that composes all of the above.
"""
