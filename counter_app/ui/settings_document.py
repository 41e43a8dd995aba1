"""Cài đặt › Đơn vị: what the Word report says about the office (document symbol, place
of the date line, who signs and on whose behalf, recipients, the supervisor's own
"Đề xuất, kiến nghị"). The presenter validates and saves; this is the form."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from typing import Any

import ttkbootstrap as ttk

from counter_app.i18n import tr
from counter_app.services.report_document import DocumentSettings

AUTHORITY_EXAMPLES = (
    "",
    "TM. ỦY BAN NHÂN DÂN",
    "KT. CHỦ TỊCH",
    "KT. GIÁM ĐỐC",
    "Q. GIÁM ĐỐC",
    "TL. CHỦ TỊCH",
)


class DocumentBox(ttk.Labelframe):
    def __init__(self, master: tk.Misc, presenter: Callable[[], Any]) -> None:
        super().__init__(master, text=tr("Report document (Word)"), padding=8)
        self.presenter = presenter
        self.vars = {
            key: tk.StringVar(self)
            for key in ("symbol", "place", "signer_authority", "signer_title", "signer_name")
        }
        labels = {
            "symbol": tr("Document symbol (Số …/BC-)"),
            "place": tr("Place in the date line"),
            "signer_authority": tr("Signing on behalf (TM./KT./Q.)"),
            "signer_title": tr("Title of the signer"),
            "signer_name": tr("Name of the signer"),
        }
        left = ttk.Frame(self)
        left.grid(row=0, column=0, sticky="nw")
        for r, (key, var) in enumerate(self.vars.items()):
            ttk.Label(left, text=labels[key]).grid(row=r, column=0, sticky="w", pady=2, padx=(0, 6))
            if key == "signer_authority":
                widget: tk.Widget = ttk.Combobox(
                    left, textvariable=var, values=AUTHORITY_EXAMPLES, width=26
                )
            else:
                widget = ttk.Entry(left, textvariable=var, width=28)
            widget.grid(row=r, column=1, sticky="w", pady=2)
        right = ttk.Frame(self)
        right.grid(row=0, column=1, sticky="nsew", padx=(12, 0))
        self.columnconfigure(1, weight=1)
        right.columnconfigure(0, weight=1)
        ttk.Label(right, text=tr("Recipients (one per line; “Lưu: VT.” is added)")).grid(
            row=0, column=0, sticky="w"
        )
        self.recipients = tk.Text(right, height=3, width=40, wrap="word", undo=True)
        self.recipients.grid(row=1, column=0, sticky="ew")
        ttk.Label(right, text=tr("Proposals (kept from week to week)")).grid(
            row=2, column=0, sticky="w", pady=(4, 0)
        )
        self.proposals = tk.Text(right, height=3, width=40, wrap="word", undo=True)
        self.proposals.grid(row=3, column=0, sticky="ew")
        self.suggestions = tk.BooleanVar(self, True)
        bottom = ttk.Frame(self)
        bottom.grid(row=1, column=0, columnspan=2, sticky="w", pady=(6, 0))
        ttk.Checkbutton(
            bottom,
            text=tr("Add suggestions made from the most frequent barriers"),
            variable=self.suggestions,
        ).pack(side="left")
        self.save_button = ttk.Button(
            bottom, text=tr("Save"), bootstyle="primary", command=self.save
        )
        self.save_button.pack(side="left", padx=12)

    def save(self) -> bool:
        v = {k: var.get() for k, var in self.vars.items()}
        return bool(
            self.presenter().save_document(
                v["symbol"],
                v["place"],
                v["signer_authority"],
                v["signer_title"],
                v["signer_name"],
                self.recipients.get("1.0", "end-1c"),
                self.proposals.get("1.0", "end-1c"),
                self.suggestions.get(),
            )
        )

    def show(self, document: DocumentSettings) -> None:
        for key, var in self.vars.items():
            var.set(getattr(document, key))
        for text, value in (
            (self.recipients, "\n".join(document.recipients)),
            (self.proposals, document.proposals),
        ):
            text.delete("1.0", "end")
            text.insert("1.0", value)
        self.suggestions.set(document.suggestions)
