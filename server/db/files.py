"""The files Keepcart keeps beside its database, and who may read them.

The database holds password hashes and shoppers' personal data, its key file the key that
signs every admin session: Keepcart creates them readable by its own user only (0600), in a
folder only that user may enter (0700) when it creates the folder itself. SQLite creates the
``-wal`` and ``-shm`` files with the mode of the database file, so they follow.

Files that already exist keep their mode: an operator may have opened one to a backup group
on purpose. Keepcart says so in the log at start instead of changing it.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import NamedTuple

log = logging.getLogger("keepcart.db")

PRIVATE_FILE_MODE = 0o600
PRIVATE_FOLDER_MODE = 0o700
_READABLE_BY_OTHERS = stat.S_IRGRP | stat.S_IROTH


class FileIdentity(NamedTuple):
    """Which file a path names: another file at the same path has another identity."""

    device: int
    inode: int


def file_identity(path: Path) -> FileIdentity | None:
    """The identity of the file at ``path`` now, or None when there is none."""
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return None
    return FileIdentity(found.st_dev, found.st_ino)


def make_private_folder(folder: Path) -> None:
    """Create ``folder`` (and any missing parents) when missing, the folder itself 0700."""
    folder.mkdir(mode=PRIVATE_FOLDER_MODE, parents=True, exist_ok=True)


def create_private_file(path: Path) -> bool:
    """Create ``path`` empty and 0600 when missing; whether it was created here."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        return False
    os.close(fd)
    return True


# Paths already warned about: `keepcart serve` opens its database twice as it starts (once to
# check it, once to serve), and one warning is enough.
_warned: set[tuple[Path, int]] = set()


def warn_if_readable_by_others(path: Path, what: str) -> None:
    """Log a warning (once per process and mode) when others than the owner may read ``path``."""
    mode = os.stat(path).st_mode
    if mode & _READABLE_BY_OTHERS and (path.resolve(), mode) not in _warned:
        _warned.add((path.resolve(), mode))
        log.warning(
            "%s %s is readable by other users (mode %03o); it should be 0600: chmod 600 %s",
            what,
            path,
            stat.S_IMODE(mode),
            path,
        )
