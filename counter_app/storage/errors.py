"""Storage failures, each with a message an officer can read and act on."""

from __future__ import annotations

from counter_app.i18n import tr


class StorageError(RuntimeError):
    """Base class: ``str(error)`` is a complete Vietnamese explanation."""


class SchemaTooNewError(StorageError):
    def __init__(self, found: int, supported: int):
        self.found, self.supported = found, supported
        super().__init__(
            tr(
                "This data file was written by a newer version of the app "
                "(data version {found}, this app knows up to {supported}). "
                "It was left untouched. Install the newer version to open it."
            ).format(found=found, supported=supported)
        )


class InstanceLockedError(StorageError):
    def __init__(self, path: str):
        self.path = path
        super().__init__(
            tr(
                "The app is already open on this computer with the same data file. "
                "Switch to the open window (look on the taskbar) instead of starting it again."
            )
        )


class UnsafeLocationError(StorageError):
    def __init__(self, path: str, why: str):
        self.path, self.why = path, why
        super().__init__(
            tr(
                "The data file cannot be kept at {path}: {why} "
                "A database there can be damaged when the connection drops or two computers "
                "sync it. Choose a folder on this computer's own disk."
            ).format(path=path, why=why)
        )


class DataFolderError(StorageError):
    def __init__(self, path: str, detail: str = ""):
        self.path = path
        super().__init__(
            tr(
                "Cannot write to the data folder {path}. Check that the disk is not full "
                "and that the folder is not read-only, then start the app again."
            ).format(path=path)
            + (f" ({detail})" if detail else "")
        )


class DiskFullError(StorageError):
    def __init__(self) -> None:
        super().__init__(
            tr(
                "The disk is full: the session was NOT saved. Free some space "
                "(empty the Recycle Bin, delete old downloads) and save again; "
                "the form keeps what you typed."
            )
        )


class DatabaseBusyError(StorageError):
    def __init__(self) -> None:
        super().__init__(
            tr(
                "The data file is busy (another program is using it). "
                "The session was NOT saved; wait a moment and save again."
            )
        )


class BackupError(StorageError):
    pass


class DataDamagedError(BackupError):
    """The backup's check found damage in the data file itself: recover at once."""

    def __init__(self, problem: str):
        self.problem = problem
        super().__init__(
            tr(
                "The check before the backup found damage in the data file ({problem}). "
                "The damaged file will be kept aside and the newest good backup restored: "
                "the app does it now, or at its next start."
            ).format(problem=problem)
        )


class DataFileBusyError(StorageError):
    def __init__(self, path: str, detail: str = ""):
        self.path, self.detail = path, detail
        super().__init__(
            tr(
                "The data file {path} is held by another program (for example a database "
                "viewer or an antivirus scan). Nothing was changed. Close that program, wait "
                "a moment and open the app again."
            ).format(path=path)
        )


class DataFileUnreadableError(StorageError):
    def __init__(self, path: str, detail: str = ""):
        self.path, self.detail = path, detail
        super().__init__(
            tr(
                "The data file {path} cannot be read (permission denied). Nothing was "
                "changed. Ask the IT person to give this Windows account access to the file, "
                "then open the app again."
            ).format(path=path)
        )


class DataCheckPendingError(StorageError):
    def __init__(self) -> None:
        super().__init__(
            tr(
                "Checking the data after the unexpected shutdown… The session was NOT saved "
                "yet; what you typed is kept. Save again in a few seconds."
            )
        )


class BackupRunningError(InstanceLockedError):
    def __init__(self, path: str):
        self.path = path
        StorageError.__init__(
            self,
            tr(
                "The app is still writing its backup before closing. Please wait a few "
                "seconds, then open it again."
            ),
        )


class DataMissingError(StorageError):
    """The data was damaged or missing and no backup could replace it (command line)."""

    def __init__(self, message: str):
        super().__init__(message)
