"""The media storage (evidence, plan documents, uploads): the file system, with no half-written file left.

Django's FileSystemStorage leaves what it had written when a write fails, e.g. when the media volume fills
up in the middle of a file. Here the partial file is removed and the error raised as it was: the service
that was saving rolls its transaction back, and the error page tells the person the upload was not saved
(`anze.core.views.server_error`, 507 for a full volume).
"""

from __future__ import annotations

import errno
import logging
import os
from typing import Any

from django.core.files.storage import FileSystemStorage

logger = logging.getLogger("anze.storage")

# The errors that mean "no room": the volume is full, a quota is reached, a file size limit is hit.
STORAGE_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def is_storage_full(exc: BaseException | None) -> bool:
    return isinstance(exc, OSError) and exc.errno in STORAGE_FULL_ERRNOS


class MediaStorage(FileSystemStorage):
    """FileSystemStorage that removes the file it was writing when the write fails."""

    def _save(self, name: str, content: Any) -> str:
        full_path = self.path(name)
        existed = os.path.lexists(full_path)
        try:
            return super()._save(name, content)
        except OSError as exc:
            if not existed and not isinstance(exc, FileExistsError) and os.path.lexists(full_path):
                # O_EXCL made this file for this write: nobody else's content is removed.
                os.unlink(full_path)
                logger.warning("removed the partly written %s: %s", name, exc.strerror or exc)
            raise
