"""The read model: folded track state, indexes and snapshots kept beside the log, caught up from it.

One public surface, `ReadModel` (model.py); snapshots are compressed by snapshots.py. Only the
application service (tracker.service) uses it; the views never do.
"""

from tracker.readmodel.model import ReadModel
from tracker.readmodel.progress import Progress

__all__ = ["Progress", "ReadModel"]
