"""Write side, step two: curated CSVs + schemas -> Parquet twins, ``datapackage.json`` and every generated
file, validated first and written atomically (:mod:`.pipeline`). The descriptor (:mod:`.descriptor`),
the generated files (:mod:`.generate`, one module per file family) and synthetic copies for benchmarks
(:mod:`.synthetic`) live here. Imports the core and validation; never publish.
"""
