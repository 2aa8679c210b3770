"""The README's R code reads every table with readr, with its schema's types and no parsing problems.

The R block is generated from the schemas (``readr_code``) into README.md by build; this test runs the
block as it stands in the README with ``Rscript`` on the repository's CSVs, then compares what R read
with the schemas (column classes, factor levels) and with ``load`` (row counts, missing values, the
values of every typed column and the length of every text column, which catches trimmed spaces,
broken quoting or a wrong encoding).

R is a system package (``apt-get install r-base-core r-cran-readr``; ``.ci/run`` installs it).
Without it the test is skipped locally with that reason, but fails in CI (``CI=true``).
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pandas as pd
import pytest
from readme_blocks import readme_blocks

import china_russia_diplomacy as crd
from china_russia_diplomacy.core.metadata import read_metadata
from china_russia_diplomacy.build.generate.readme import R_END, R_START
from china_russia_diplomacy.build.generate.readr_code import readr_code

SEP = "\x1f"

# Appended to the README's code: one line per table and per column, tab-separated.
REPORT = r"""
for (name in names(tables)) {
  t <- tables[[name]]
  cat("table", name, nrow(t), nrow(problems(t)), sep = "\t"); cat("\n")
  for (column in names(t)) {
    x <- t[[column]]
    kind <- class(x)[1]
    levels_ <- if (is.factor(x)) paste(levels(x), collapse = "\x1f") else ""
    text <- if (kind == "numeric") sprintf("%.17g", x) else as.character(x)
    values <- if (is.character(x)) as.character(sum(nchar(x[!is.na(x)], type = "chars")))
              else paste(ifelse(is.na(x), "NA", text), collapse = "\x1f")
    cat("column", name, column, kind, sum(is.na(x)), levels_, values, sep = "\t"); cat("\n")
  }
}
"""

R_CLASSES = {"date": "Date", "integer": "integer", "number": "numeric", "boolean": "logical", "string": "character"}


def readme_r_code() -> str:
    [block] = readme_blocks(R_START, R_END, "r")
    return block


def _rscript() -> str:
    rscript = shutil.which("Rscript")
    if rscript:
        probe = subprocess.run([rscript, "-e", "library(readr)"], capture_output=True, text=True)
        if probe.returncode == 0:
            return rscript
    reason = "R with readr not installed (apt-get install r-base-core r-cran-readr)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}: required in CI, where .ci/run installs it")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def r_read(repo, tmp_path_factory) -> dict:
    """{table: {"rows", "problems", "columns": {name: (class, na_count, levels, values)}}} as R read them."""
    rscript = _rscript()
    script = tmp_path_factory.mktemp("r") / "read.R"
    script.write_text(readme_r_code() + REPORT, encoding="utf-8")
    result = subprocess.run([rscript, "--vanilla", str(script)], cwd=repo, capture_output=True, text=True,
                            encoding="utf-8", timeout=300)
    assert result.returncode == 0, result.stderr
    out: dict = {}
    for line in result.stdout.splitlines():
        kind, *cells = line.split("\t")
        if kind == "table":
            out[cells[0]] = {"rows": int(cells[1]), "problems": int(cells[2]), "columns": {}}
        elif kind == "column":
            table, column, cls, na, levels, values = cells
            out[table]["columns"][column] = (cls, int(na), levels.split(SEP) if levels else [], values)
    return out


def test_the_readme_r_block_is_the_code_generated_from_the_schemas(repo):
    assert readme_r_code() == readr_code(read_metadata(repo))


def test_every_table_is_read_by_r_with_its_rows_and_no_problems(r_read):
    assert list(r_read) == crd.tables()
    for table in crd.tables():
        assert r_read[table]["problems"] == 0, table
        assert r_read[table]["rows"] == len(crd.load(table)), table


def test_every_column_has_its_schemas_type_in_r_and_vocabularies_are_factors_with_the_schemas_levels(r_read):
    for table in crd.tables():
        columns = r_read[table]["columns"]
        fields = crd.schema(table)["fields"]
        assert list(columns) == [f["name"] for f in fields]
        for f in fields:
            cls, _, levels, _ = columns[f["name"]]
            enum = f.get("constraints", {}).get("enum")
            if enum:
                assert (cls, levels) == ("factor", enum), f"{table}.{f['name']}"
            else:
                assert cls == R_CLASSES[f.get("type", "string")], f"{table}.{f['name']}: R read it as {cls}"


def _r_text(value) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value)


def test_r_reads_the_same_values_and_missing_cells_as_load(r_read):
    for table in crd.tables():
        frame = crd.load(table)
        for name, (cls, na, _, values) in r_read[table]["columns"].items():
            column = frame[name]
            assert na == int(column.isna().sum()), f"{table}.{name}: missing values"
            if cls == "character":
                assert int(values) == int(column.dropna().str.len().sum()), f"{table}.{name}: text differs"
            elif cls == "numeric":  # printed with 17 significant digits: compare the floats, not the text
                got = [None if v == "NA" else float(v) for v in values.split(SEP)] if len(column) else []
                assert got == [None if pd.isna(v) else float(v) for v in column.astype(object)], f"{table}.{name}"
            else:
                expected = SEP.join("NA" if pd.isna(v) else _r_text(v) for v in column.astype(object))
                assert values == expected, f"{table}.{name}"


def test_code_columns_are_read_as_text_with_their_leading_zero(repo, r_read):
    """cameo_code "042": named col_character() in the generated code, and R reads it as text."""
    from china_russia_diplomacy.core.text_codes import text_code_fields

    code = readr_code(read_metadata(repo))
    for table, columns in text_code_fields(read_metadata(repo)).items():
        for column in columns:
            assert f"{column} = col_character()" in code, column
            assert r_read[table]["columns"][column][0] == "character", (table, column)
    frame = crd.load("events")
    assert frame["cameo_code"].dropna().str.startswith("0").any()
