"""Presenters: the logic of each screen, free of Tk, tested with a mocked view."""
