"""Read side, other formats: the ``export`` command (:mod:`.export`), one file per table
(:mod:`.file_export`), an SQLite database (:mod:`.sqlite_export`) and the local Datasette view
(:mod:`.browse`). Exports read the package through the read side and the core, never the write side.
"""
