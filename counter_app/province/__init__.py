"""The province's consolidated store ("kho tổng hợp", docs/PRODUCT.md §7): every
office's weekly files ingested once each into a SQLite file of its own, and the reports a
provincial desk needs from it. An engine package beside services/catalog/reports.

Layout: ``schema`` (its own migrations), ``store`` (opening it with the office database's
safety sequence, and small settings), ``ingest`` (files and folders → sessions, hash
skip, newest wins, tombstones), ``offices`` (the expected list of communes, wards and
departments), ``board`` (received / missing / late / re-sent for a week), ``queries``
(sessions of a period as report records, the per-office comparison, trends, year to
date, groups by kind), ``report`` (the workbook and the Word report of the province) and
``export_csv`` (the tidy dataset for a national level).
"""
