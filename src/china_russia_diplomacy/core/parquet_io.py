"""Parquet twins of the CSVs: typed, sorted, byte-reproducible.

Types come from the Table Schemas (via :func:`convert.arrow_type`): dates as date32, integers as
nullable int64, booleans, enum columns as dictionary-encoded strings whose dictionary is the schema's
full value list in schema order (so the encoding does not depend on which values occur), required
columns non-nullable. Field descriptions travel in the Arrow field metadata. The writer options are
fixed and rows are sorted by primary key, so two builds give the same bytes.
"""

from __future__ import annotations

import io
import json

import pyarrow as pa
import pyarrow.parquet as pq

from .convert import arrow_type
from .metadata import TableSpec

DICT_INDEX = pa.int32()
WRITER_OPTIONS = dict(
    compression="zstd",
    compression_level=9,
    use_dictionary=True,
    write_statistics=True,
    store_schema=True,
    version="2.6",
    data_page_version="1.0",
)


def storage_schema(spec: TableSpec) -> pa.Schema:
    fields = []
    for f in spec.fields:
        t = pa.dictionary(DICT_INDEX, pa.string()) if f.enum else arrow_type(f)
        meta = {"description": f.description}
        if f.enum:
            meta["enum"] = json.dumps(f.enum, ensure_ascii=False)
        fields.append(pa.field(f.name, t, nullable=not f.required, metadata=meta))
    return pa.schema(fields, metadata={"table": spec.name, "title": spec.title, "description": spec.description})


def sort_by_key(table: pa.Table, spec: TableSpec) -> pa.Table:
    keys = spec.primary_key or spec.field_names
    return table.sort_by([(k, "ascending") for k in keys])


def to_storage(table: pa.Table, spec: TableSpec) -> pa.Table:
    """Plain typed table (as :func:`convert.to_arrow` gives) -> the storage form written to Parquet."""
    table = sort_by_key(table, spec)
    schema = storage_schema(spec)
    columns = []
    for f, target in zip(spec.fields, schema):
        col = table.column(f.name).combine_chunks()
        if f.enum:
            import pyarrow.compute as pc

            dictionary = pa.array(f.enum, pa.string())
            indices = pc.index_in(col, value_set=dictionary).cast(DICT_INDEX)
            if indices.null_count != col.null_count:  # validation refuses such a value before build
                raise ValueError(f"{spec.name}.{f.name}: a value outside the enum cannot be stored")
            col = pa.DictionaryArray.from_arrays(indices, dictionary)
        columns.append(col)
    return pa.Table.from_arrays(columns, schema=schema)


def same_rows(stored: pa.Table, expected: pa.Table, spec: TableSpec) -> bool:
    """Whether two plain tables hold the same rows, whatever their order (see :func:`same_rows_by_column`)."""
    if stored.num_rows != expected.num_rows or stored.column_names != expected.column_names:
        return False
    return same_rows_by_column(stored.column, expected, spec)


def same_rows_by_column(read_column, expected: pa.Table, spec: TableSpec) -> bool:
    """Whether the columns ``read_column(name)`` returns (plain types, as many rows as ``expected``) hold
    ``expected``'s rows, compared in primary-key order one column at a time: a million-row table is
    never held twice (reading a Parquet twin whole and sorting both tables would triple the memory)."""
    import pyarrow.compute as pc

    keys = [(k, "ascending") for k in (spec.primary_key or spec.field_names)]
    key_columns = {k: read_column(k) for k, _ in keys}
    order_stored = pc.sort_indices(pa.table(key_columns), sort_keys=keys)
    order_expected = pc.sort_indices(expected.select([k for k, _ in keys]), sort_keys=keys)
    step = 65_536  # compare in slices: two re-ordered copies of a whole text column would cost ~2x its size
    for name in expected.column_names:
        stored = key_columns.pop(name) if name in key_columns else read_column(name)
        wanted = expected.column(name)
        if stored.type != wanted.type:
            return False
        for start in range(0, len(order_stored), step):
            a = stored.take(order_stored.slice(start, step))
            b = wanted.take(order_expected.slice(start, step))
            if not a.equals(b):
                return False
        del stored
    return True


def stored_in_key_order(read_parts, expected: pa.Table, spec: TableSpec) -> bool:
    """Whether the stored columns, in the order stored, are ``expected``'s rows sorted by primary key:
    ``read_parts(name)`` yields one column's values a slice at a time (plain types), in stored order.

    This is how build writes a twin (:func:`to_storage` sorts), and it shows the rows are the same
    without reading any column whole: reading a million-row text column out of Parquet peaked at twice
    its size, on top of the table held for the comparison (~75 MB for ``events.notes`` at 1M rows).
    True implies :func:`same_rows_by_column` is True (its sort is stable, so a stored table already in
    key order keeps its order); False only means "not shown": the caller then asks that function."""
    import pyarrow.compute as pc

    keys = [(k, "ascending") for k in (spec.primary_key or spec.field_names)]
    order = pc.sort_indices(expected.select([k for k, _ in keys]), sort_keys=keys)
    for name in expected.column_names:
        wanted = expected.column(name)
        at = 0
        for part in read_parts(name):
            n = len(part)
            if part.type != wanted.type or at + n > len(order):
                return False
            if not pa.chunked_array([part], part.type).equals(take_by_chunks(wanted, order.slice(at, n))):
                return False
            at += n
        if at != len(order):
            return False
    return True


def take_by_chunks(column: pa.ChunkedArray, indices: pa.Array) -> pa.ChunkedArray:
    """``column.take(indices)`` without a copy of the whole column: Arrow's take on a chunked column
    first concatenates its chunks, so taking a few thousand rows of a million-row text column (a CSV's,
    one chunk per block read) copied all of it at each call (~85 MB at the peak for ``events.notes``).
    Here each chunk gives its own rows, which are then put back in the order asked for."""
    import numpy as np

    if column.num_chunks <= 1:
        return column.take(indices)
    wanted = indices.to_numpy(zero_copy_only=False).astype(np.int64)
    starts = np.cumsum([0] + [len(c) for c in column.chunks])
    chunk_of = np.searchsorted(starts, wanted, side="right") - 1
    by_chunk = np.argsort(chunk_of, kind="stable")
    pieces = [column.chunk(int(c)).take(pa.array(wanted[by_chunk][chunk_of[by_chunk] == c] - starts[c]))
              for c in np.unique(chunk_of)]
    gathered = pa.concat_arrays(pieces) if pieces else pa.array([], column.type)
    back = np.empty_like(by_chunk)
    back[by_chunk] = np.arange(len(by_chunk))  # where each asked-for row landed in ``gathered``
    return pa.chunked_array([gathered.take(pa.array(back))], column.type)


def write_parquet(table: pa.Table, spec: TableSpec, sink) -> None:
    """Write the Parquet twin of ``table`` to ``sink`` (a path or a writable binary file object)."""
    pq.write_table(to_storage(table, spec), sink, **WRITER_OPTIONS)


def parquet_bytes(table: pa.Table, spec: TableSpec) -> bytes:
    sink = io.BytesIO()
    write_parquet(table, spec, sink)
    return sink.getvalue()


def plain(table: pa.Table) -> pa.Table:
    """Decode dictionary columns back to strings, so a Parquet table compares equal to a CSV one."""
    columns = []
    for col in table.columns:
        if pa.types.is_dictionary(col.type):
            col = col.cast(col.type.value_type)
        columns.append(col)
    return pa.Table.from_arrays(columns, names=table.column_names)
