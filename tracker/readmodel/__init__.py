"""The read model: folded track state, indexes and snapshots kept beside the log, caught up from it.

One public surface, `ReadModel` (model.py), and `list_row`: a track's state cut down to its row of
the list of tracks. Snapshots are compressed by snapshots.py. Only the application service
(tracker.service) uses it; the views never do.
"""

from tracker.readmodel.model import ReadModel, list_row

__all__ = ["ReadModel", "list_row"]
