"""Application services: the API the UI, CLI and reports use. No Tk here."""
