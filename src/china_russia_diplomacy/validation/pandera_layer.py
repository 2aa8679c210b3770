"""Second validation layer, part one: each table's typed frame against its pandera schema."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pyarrow

from ..core.metadata import TableSpec
from .pandera_schema import dataframe_schema, field_checks
from .report import Finding

LAYER = "pandera"
_SCHEMA_LEVEL_RULES = {
    "not_nullable": "required",
    "field_uniqueness": "unique",
    "multiple_fields_uniqueness": "primary-key",
    "column_in_schema": "header",
    "column_in_dataframe": "header",
    "column_ordered": "header",
}


def _rule(spec: TableSpec, column: str | None, check: str, check_number) -> str:
    if check in _SCHEMA_LEVEL_RULES:
        return _SCHEMA_LEVEL_RULES[check]
    if check.startswith("dtype("):
        return "type"
    if column in spec.field_names and check_number is not None and not pd.isna(check_number):
        checks = field_checks(spec.field(column))
        if 0 <= int(check_number) < len(checks):
            return checks[int(check_number)].name
    return check


def validation_frame(table: pyarrow.Table) -> pd.DataFrame:
    """A plain typed Arrow table -> the pandas frame pandera checks (dtypes of ``PANDAS_DTYPES``).

    Zero-copy where pandas allows it (Arrow-backed ``string``, masked ``Int64``/``Float64``/``boolean``
    built from the Arrow buffers): unlike a cell-by-cell conversion, this costs no Python object per
    cell, which at a million rows is most of the time and memory of a validation.
    """
    data = {}
    for field, col in zip(table.schema, table.columns):
        t = field.type
        if pyarrow.types.is_date32(t):
            data[field.name] = col.cast(pyarrow.timestamp("ns")).to_pandas().astype("datetime64[ns]")
        elif pyarrow.types.is_integer(t):
            data[field.name] = pd.Series(pd.Int64Dtype().__from_arrow__(col))
        elif pyarrow.types.is_boolean(t):
            data[field.name] = pd.Series(pd.BooleanDtype().__from_arrow__(col))
        elif pyarrow.types.is_floating(t):
            data[field.name] = pd.Series(pd.Float64Dtype().__from_arrow__(col))
        else:
            data[field.name] = pd.Series(pd.StringDtype().__from_arrow__(col))
    return pd.DataFrame(data, columns=table.column_names)


def validate_table(spec: TableSpec, table: pyarrow.Table, lines: list[int]) -> tuple[list[Finding], pd.DataFrame]:
    """Validate one typed table; return the findings and the frame (the rules reuse it)."""
    frame = validation_frame(table)
    return validate_frame(spec, frame, lines, distinct=lambda columns: distinct_in_arrow(table, columns)), frame


# Arrow types whose equality is pandas' too (no NaN, which pandas counts as a repeat and Arrow may not).
_EXACT_EQUALITY = (pyarrow.types.is_string, pyarrow.types.is_large_string, pyarrow.types.is_integer, pyarrow.types.is_date)


def distinct_in_arrow(table: pyarrow.Table, columns: list[str]) -> bool:
    """Whether ``columns``, one column, has no null cell and no value twice, by Arrow's hashing.

    pandera checks a unique column and the primary key with pandas' ``duplicated``, which at a million
    rows turned each key column into Python strings: ~60 MB for event_mentions.mention_id, the peak of
    its table's turn, twice (the column's own ``unique`` and the key). When Arrow shows them distinct and
    complete those checks cannot fail and are left out; any doubt (a null, a repeat, a float) leaves them
    to pandera, so the findings and their messages are pandera's own."""
    import pyarrow.compute as pc

    if len(columns) != 1 or columns[0] not in table.column_names:
        return False  # a key of several columns: Arrow's group-by cost more than pandera's check
    col = table.column(columns[0])
    if col.null_count or not any(test(col.type) for test in _EXACT_EQUALITY):
        return False
    return pc.count_distinct(col, mode="all").as_py() == table.num_rows


def validate_frame(spec: TableSpec, frame: pd.DataFrame, lines: list[int], distinct=None) -> list[Finding]:
    """pandera's findings on ``frame``; ``distinct(columns)``, where given, says which uniqueness checks
    cannot fail (see :func:`distinct_in_arrow`) and need not run."""
    schema = dataframe_schema(spec)
    if distinct is not None:
        unique = [name for name, column in schema.columns.items() if column.unique and distinct([name])]
        if unique:
            schema = schema.update_columns({name: {"unique": False} for name in unique})
        if schema.unique and distinct(list(schema.unique)):
            schema.unique = None
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return list(_findings(spec, exc.failure_cases, lines))
    return []


def _findings(spec: TableSpec, cases: pd.DataFrame, lines: list[int]):
    for case in cases.to_dict("records"):
        column = case.get("column")
        check = str(case.get("check"))
        index = case.get("index")
        line = lines[int(index)] if index is not None and not pd.isna(index) and int(index) < len(lines) else None
        rule = _rule(spec, column, check, case.get("check_number"))
        value = case.get("failure_case")
        value = None if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
        if rule == "primary-key":
            keys = ", ".join(spec.primary_key)
            message = f"duplicate primary key ({keys})"
            column = spec.primary_key[0] if len(spec.primary_key) == 1 else ",".join(spec.primary_key)
        elif rule == "required":
            message = "required value is empty"
        elif rule == "unique":
            message = "value must be unique in the column but repeats"
        else:
            message = check if rule not in check else f"failed check {check}"
        yield Finding(LAYER, spec.name, line, column, value, rule, message)
