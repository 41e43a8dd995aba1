"""Plain dataclasses and pure functions: no Tk, no SQL."""
