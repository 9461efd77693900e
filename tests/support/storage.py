"""Storage that refuses writes: database files made immutable, as a full or read-only disk."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def write_protect(folder: Path, protected: bool) -> None:
    """Make every file in `folder` immutable (or writable again).

    The suite runs as root, whom file modes do not stop; the immutable attribute does.
    """
    for path in folder.iterdir():
        subprocess.run(["chattr", "+i" if protected else "-i", str(path)], check=True)


def can_write_protect(folder: Path) -> bool:
    """True when chattr is installed and the filesystem under `folder` has the attribute."""
    if shutil.which("chattr") is None:
        return False
    return subprocess.run(["chattr", "-i", str(folder)], capture_output=True).returncode == 0
