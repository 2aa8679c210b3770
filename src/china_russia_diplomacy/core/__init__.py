"""The core both sides of the data flow stand on: what a package is and how its files are read.

Schemas read once (:mod:`.metadata`), where the package lives (:mod:`.locate`), which files may be
read (:mod:`.files`) and whether they match their hashes (:mod:`.integrity`), strict CSV reading and
typing (:mod:`.csvfile`, :mod:`.convert`), the Parquet twin's storage types (:mod:`.parquet_io`),
frames for pandas and polars (:mod:`.frames`), the release registry (:mod:`.registry`), the code
lists (:mod:`.codelists`), the :class:`~.findings.Finding` record and the citation record
(:mod:`.citation`). The core imports nothing above it: neither the write side (validation, build,
publish) nor the read side (read, exports).
"""
