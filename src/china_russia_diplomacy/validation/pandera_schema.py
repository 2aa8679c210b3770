"""Table Schema -> pandera ``DataFrameSchema``, written here because pandera's own Frictionless reader
(``pandera.io.pandas_io.from_frictionless_schema``) mistypes dates, booleans and nullable integers and
drops foreign keys. Foreign keys are checked across tables in :mod:`rules`; a test compares every
schema built here with its Table Schema so that the two layers cannot drift apart.
"""

from __future__ import annotations

import pandera.pandas as pa

from ..core.metadata import FieldSpec, TableSpec

# The pandas dtypes of the frames validated here (see frames.to_pandas on a plain Arrow table).
PANDAS_DTYPES = {
    "string": "string",
    "integer": "Int64",
    "number": "Float64",
    "boolean": "boolean",
    "date": "datetime64[ns]",
}


def field_checks(f: FieldSpec) -> list[pa.Check]:
    c = f.constraints
    checks: list[pa.Check] = []
    if "enum" in c:
        checks.append(pa.Check.isin(c["enum"], name="enum", error=f"must be one of {c['enum']}"))
    if "pattern" in c:
        checks.append(pa.Check.str_matches(rf"(?:{c['pattern']})\Z", name="pattern", error=f"must match {c['pattern']}"))
    if "minimum" in c:
        checks.append(pa.Check.ge(c["minimum"], name="minimum", error=f"must be >= {c['minimum']}"))
    if "maximum" in c:
        checks.append(pa.Check.le(c["maximum"], name="maximum", error=f"must be <= {c['maximum']}"))
    if "minLength" in c:
        checks.append(pa.Check.str_length(min_value=c["minLength"], name="minLength", error=f"length must be >= {c['minLength']}"))
    if "maxLength" in c:
        checks.append(pa.Check.str_length(max_value=c["maxLength"], name="maxLength", error=f"length must be <= {c['maxLength']}"))
    return checks


def dataframe_schema(spec: TableSpec) -> pa.DataFrameSchema:
    columns = {
        f.name: pa.Column(
            PANDAS_DTYPES[f.type],
            checks=field_checks(f),
            nullable=not f.required,
            unique=bool(f.constraints.get("unique", False)),
            required=True,
            description=f.description,
            title=f.name,
        )
        for f in spec.fields
    }
    return pa.DataFrameSchema(
        columns,
        name=spec.name,
        description=spec.description,
        strict=True,
        ordered=True,
        unique=spec.primary_key or None,
        report_duplicates="all",
    )
