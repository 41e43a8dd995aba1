"""Refuse places where a live SQLite file gets damaged: network shares and synced folders."""

from __future__ import annotations

import os
import sys
from pathlib import Path, PureWindowsPath

from counter_app.i18n import tr

# Folder names the sync clients create; a database inside one is uploaded mid-write.
CLOUD_MARKERS = ("onedrive", "dropbox", "google drive", "googledrive", "my drive", "icloud")
CLOUD_ENV = ("OneDrive", "OneDriveCommercial", "OneDriveConsumer")
NETWORK_FS = {"nfs", "nfs4", "cifs", "smbfs", "smb3", "sshfs", "fuse.sshfs", "davfs", "9p"}
DRIVE_REMOTE = 4


def unsafe_reason(path: Path | str) -> str | None:
    """Why ``path`` must not hold the live database, or None when it is fine."""
    text = str(path)
    if text.startswith(("\\\\", "//")):
        return tr("it is a network share.")
    parts = [p.casefold() for p in _parts(text)]
    for marker in CLOUD_MARKERS:
        if any(
            p == marker or p.startswith(marker + " ") or p.startswith(marker + "-") for p in parts
        ):
            return tr("it is inside a cloud-synced folder (OneDrive, Dropbox, Google Drive).")
    for var in CLOUD_ENV:
        root = os.environ.get(var)
        if root and _is_within(text, root):
            return tr("it is inside a cloud-synced folder (OneDrive, Dropbox, Google Drive).")
    if _is_network_drive(text):
        return tr("it is on a network drive.")
    return None


def _parts(text: str) -> tuple[str, ...]:
    return PureWindowsPath(text).parts if "\\" in text else Path(text).parts


def _is_within(path: str, root: str) -> bool:
    a, b = os.path.normcase(os.path.abspath(path)), os.path.normcase(os.path.abspath(root))
    return a == b or a.startswith(b.rstrip("\\/") + os.sep)


def _is_network_drive(path: str) -> bool:
    if sys.platform == "win32":
        import ctypes

        drive = os.path.splitdrive(os.path.abspath(path))[0]
        if not drive:
            return False
        return ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == DRIVE_REMOTE
    return _mount_fstype(path) in NETWORK_FS


def _mount_fstype(path: str) -> str | None:
    """Filesystem type of the mount holding ``path`` (Linux /proc/mounts; else None)."""
    try:
        with open("/proc/mounts", encoding="utf-8") as f:
            mounts = [line.split()[1:3] for line in f if len(line.split()) >= 3]
    except OSError:
        return None
    target = os.path.abspath(path)
    best, fstype = "", None
    for mount_point, kind in mounts:
        mp = mount_point.replace("\\040", " ")
        if (target == mp or target.startswith(mp.rstrip("/") + "/")) and len(mp) >= len(best):
            best, fstype = mp, kind
    return fstype
