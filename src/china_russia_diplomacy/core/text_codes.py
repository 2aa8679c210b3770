"""Code columns that look like numbers but are text: ``cameo_code`` ``042`` is not the number 42.

Base R's ``read.csv``, a plain ``pandas.read_csv`` and a spreadsheet opened by double-click all guess a
column of digits to be numeric and drop the leading zero without a warning (issue 23). Which columns
are at risk is read from the schemas, not listed by hand: a ``string`` field whose ``pattern`` admits a
value made only of digits with a leading zero (``[0-9]{2,4}`` admits ``042``). Every writer of the
package keeps them text (the xlsx cells formatted as text, SQLite ``TEXT``, the generated R code's
``col_character()``), and the README names them in its spreadsheet, R and pandas advice.
"""

from __future__ import annotations

import re

from .metadata import FieldSpec, Metadata

# Digit strings with a leading zero a pattern may admit: "01", "001", ..., "000000001".
_PROBES = tuple("0" + "1" * n for n in range(1, 9))


def is_text_code(field: FieldSpec) -> bool:
    """True for a string field whose pattern admits an all-digit value with a leading zero."""
    pattern = field.constraints.get("pattern")
    if field.type != "string" or not pattern:
        return False
    try:
        compiled = re.compile(pattern)
    except re.error:
        return False
    return any(compiled.fullmatch(probe) for probe in _PROBES)


def text_code_fields(meta: Metadata) -> dict[str, list[str]]:
    """``{table: [column, ...]}`` of the columns that must be read and written as text."""
    out: dict[str, list[str]] = {}
    for spec in meta.tables:
        names = [f.name for f in spec.fields if is_text_code(f)]
        if names:
            out[spec.name] = names
    return out
