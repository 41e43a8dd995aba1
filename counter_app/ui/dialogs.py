"""Every message box of the app in one place (idlelib's ``Query.showerror`` habit): the
main window mixes these in, and a test replaces them on the window to record and answer
instead of opening a modal dialog."""

from __future__ import annotations

import logging
import tkinter as tk
from typing import cast

from counter_app.i18n import tr

log = logging.getLogger(__name__)


class DialogsMixin:
    """The message-box half of ``AppLike`` for a Tk window."""

    def _dialog_parent(self) -> tk.Misc:
        return cast(tk.Misc, self)

    def show_error(self, message: str) -> None:
        from ttkbootstrap.dialogs import Messagebox

        Messagebox.show_error(message, tr("Counter guidance log"), parent=self._dialog_parent())

    def show_warning(self, message: str) -> None:
        from ttkbootstrap.dialogs import Messagebox

        Messagebox.show_warning(message, tr("Counter guidance log"), parent=self._dialog_parent())

    def show_info(self, message: str) -> None:
        from ttkbootstrap.dialogs import Messagebox

        Messagebox.show_info(message, tr("Counter guidance log"), parent=self._dialog_parent())

    def confirm(self, message: str, default: bool = True) -> bool:
        """Yes/No; ``default=False`` where Yes loses typed work, so Enter keeps it."""
        from ttkbootstrap.dialogs import MessageDialog

        yes, no = tr("Yes"), tr("No")
        dialog = MessageDialog(
            message,
            tr("Counter guidance log"),
            buttons=[f"{no}:secondary", f"{yes}:primary"],
            default=yes if default else no,
            parent=self._dialog_parent(),
            localize=False,
        )
        dialog.show()
        return bool(dialog.result == yes)

    def ask_string(self, prompt: str, initial: str = "") -> str | None:
        from ttkbootstrap.dialogs import Querybox

        result = Querybox.get_string(
            prompt, tr("Counter guidance log"), initialvalue=initial, parent=self._dialog_parent()
        )
        return None if result is None else str(result)


def show_fatal(message: str) -> None:
    """A message box without the main window: the data could not be opened."""
    log.error("fatal at start: %s", message)
    try:
        root = tk.Tk()
        root.withdraw()
        from tkinter import messagebox

        messagebox.showerror(tr("Counter guidance log"), message, parent=root)
        root.destroy()
    except tk.TclError:
        print(message)
