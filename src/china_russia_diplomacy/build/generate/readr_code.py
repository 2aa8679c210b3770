"""The README's R code: every table read with readr, with the column types of its schema.

R users without the ``frictionless`` R package (it is not packaged by Debian, for one) still need the
schemas' types. Written by hand, such code goes stale the day a column is added, so it is generated
from the schemas into the README by ``build`` (see :mod:`readme`) and the test suite runs the README's
block with ``Rscript`` on the shipped CSVs. Only readr is used.

Types: ``date`` -> ``col_date()``, ``integer`` -> ``col_integer()``, ``number`` -> ``col_double()``,
``boolean`` -> ``col_logical()`` (readr reads ``true``/``false``), a controlled vocabulary ->
``col_factor()`` with the schema's values as levels in schema order, anything else text; a code column
that looks numeric (``cameo_code`` ``042``, see :mod:`china_russia_diplomacy.core.text_codes`) is named
``col_character()`` explicitly. Only an empty
cell is ``NA`` (the CSVs' convention; the text ``NA`` is a value) and spaces are kept (readr trims them
by default, which would break the evidence offsets).
"""

from __future__ import annotations

from ...core.metadata import FieldSpec, Metadata
from ...core.text_codes import is_text_code

WIDTH = 104
R_TYPES = {"date": "col_date()", "integer": "col_integer()", "number": "col_double()", "boolean": "col_logical()"}

HEADER = """\
library(readr)
# Every table with the column types of its schema (generated from the schemas by build): dates,
# integers, logicals and factors whose levels are the controlled vocabularies; other columns text.
# Only an empty cell is NA, and spaces are kept (they count in the evidence offsets).
read_table <- function(name, ...) {
  read_csv(file.path("data", paste0(name, ".csv")), na = "", trim_ws = FALSE,
           col_types = cols(..., .default = col_character()))
}"""

FOOTER = """\
sapply(tables, function(t) nrow(problems(t)))   # 0 for every table
events <- tables$events"""


def _r_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def shared_vocabularies(meta: Metadata) -> dict[tuple[str, ...], str]:
    """Vocabularies used by more than one column (``confidence``, the date bases...) -> the R
    variable that holds them once, named after the first column that uses them."""
    uses: dict[tuple[str, ...], list[str]] = {}
    for spec in meta.tables:
        for f in spec.fields:
            if f.enum:
                uses.setdefault(tuple(f.enum), []).append(f.name)
    names: dict[tuple[str, ...], str] = {}
    for vocabulary, columns in uses.items():
        if len(columns) > 1:
            name = columns[0]
            while name in names.values():
                name += "_"
            names[vocabulary] = name
    return names


def _vector(values: list[str] | tuple[str, ...]) -> list[str]:
    """``c("a", "b")`` as tokens, so that a long vocabulary can be wrapped between its values."""
    tokens = [_r_string(v) for v in values]
    tokens[0] = "c(" + tokens[0]
    tokens[-1] += ")"
    return tokens


def column_type(f: FieldSpec, shared: dict[tuple[str, ...], str]) -> list[str]:
    """The readr collector of one column as tokens to be joined by ``", "``, or ``[]`` for text
    (the ``.default``)."""
    if f.enum and tuple(f.enum) in shared:
        return [f"{f.name} = col_factor({shared[tuple(f.enum)]})"]
    if f.enum:
        values = [_r_string(v) for v in f.enum]
        values[0] = f"{f.name} = col_factor(c({values[0]}"
        values[-1] += "))"
        return values
    collector = R_TYPES.get(f.type)
    if collector is None and is_text_code(f):
        return [f"{f.name} = col_character()"]  # "042" stays "042" (core/text_codes.py), even if .default changes
    return [f"{f.name} = {collector}"] if collector else []


def _wrap(head: str, tokens: list[str], indent: int, tail: str) -> list[str]:
    """``head`` + comma-separated ``tokens`` + ``tail``, broken into lines of at most :data:`WIDTH`."""
    lines, line = [], head
    for i, token in enumerate(tokens):
        piece = token + (", " if i < len(tokens) - 1 else tail)
        if len(line) + len(piece.rstrip()) > WIDTH and line.strip():
            lines.append(line.rstrip())
            line = " " * indent
        line += piece
    lines.append(line.rstrip())
    return lines


def table_call(name: str, fields: tuple[FieldSpec, ...], shared: dict[tuple[str, ...], str], last: bool) -> list[str]:
    tokens = [_r_string(name)] + [token for f in fields for token in column_type(f, shared)]
    head = f"  {name} = read_table("
    return _wrap(head, tokens, len(head), ")" if last else "),")


def readr_code(meta: Metadata) -> str:
    """The R block: a reader function, the shared vocabularies, then ``tables``, a named list with
    every table."""
    shared = shared_vocabularies(meta)
    lines = [HEADER, "# Controlled vocabularies used by several columns"]
    for vocabulary, name in shared.items():
        lines += _wrap(f"{name} <- ", _vector(vocabulary), len(name) + 4, "")
    lines.append("tables <- list(")
    for i, spec in enumerate(meta.tables):
        lines += table_call(spec.name, spec.fields, shared, last=i == len(meta.tables) - 1)
    lines += [")", FOOTER]
    return "\n".join(lines) + "\n"
