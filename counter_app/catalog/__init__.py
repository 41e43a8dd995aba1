"""The procedure catalogue: built-in list, imports, search, bundles, abbreviations."""
