"""SQLite storage: schema, durability, backups. Only this package and services speak SQL."""
