"""Output tables of a run: rows appended as tuples while the model runs, turned into Arrow record
batches every ``CHUNK_ROWS`` rows and written as compressed Parquet, either to a file under the
run's output folder (streamed: the history never stays in memory) or to in-memory segments (about
ten bytes a row instead of a few hundred as Python tuples). No pandas here: ``metrics.frames``
reads the tables back as DataFrames.

A table's schema is given by its creator (``metrics.frames`` adds the pandas metadata, so a file read
with ``pd.read_parquet`` has the frame's dtypes).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["CHUNK_ROWS", "COMPRESSION", "Table"]

CHUNK_ROWS = 32768  # rows buffered as tuples before they become a record batch
COMPRESSION = "zstd"


class Table:
    """One output table: ``add`` a tuple per row (in the schema's column order)."""

    __slots__ = ("name", "schema", "rows", "_struct", "_segments", "_path", "_writer", "_closed", "n_rows")

    def __init__(self, name: str, schema: pa.Schema, path: Path | None = None) -> None:
        self.name, self.schema = name, schema
        self.rows: list[tuple[Any, ...]] = []
        self._struct = pa.struct(list(schema))
        self._segments: list[pa.Buffer] = []  # in-memory mode: one Parquet buffer per chunk
        self._path = path  # streaming mode: the final file (written to a temporary name until closed)
        self._writer: pq.ParquetWriter | None = None
        self._closed = False
        self.n_rows = 0

    def add(self, row: tuple[Any, ...]) -> None:
        """Append one row; every ``CHUNK_ROWS`` rows the buffer becomes a Parquet chunk."""
        rows = self.rows
        rows.append(row)
        if len(rows) >= CHUNK_ROWS:
            self.flush()

    def _batch(self, rows: Sequence[tuple[Any, ...]]) -> pa.RecordBatch:
        return pa.RecordBatch.from_struct_array(pa.array(rows, type=self._struct))

    @property
    def _tmp(self) -> Path:
        assert self._path is not None
        return self._path.with_name(f".{self._path.name}.tmp")

    def flush(self) -> None:
        """Write the buffered rows as one chunk."""
        if not self.rows:
            return
        if self._closed:
            raise RuntimeError(f"table {self.name} is closed")
        batch = self._batch(self.rows)
        self.n_rows += len(self.rows)
        self.rows.clear()  # the same list: whoever holds ``rows`` keeps appending to it
        if self._path is None:
            out = pa.BufferOutputStream()
            pq.write_table(pa.Table.from_batches([batch]), out, compression=COMPRESSION)
            self._segments.append(out.getvalue())
            return
        if self._writer is None:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            self._writer = pq.ParquetWriter(self._tmp, self.schema, compression=COMPRESSION)
        self._writer.write_batch(batch)

    def close(self) -> None:
        """Flush; a streamed table's file is completed and renamed into place (atomically)."""
        if self._closed:
            return
        self.flush()
        self._closed = True
        if self._path is None:
            return
        if self._writer is None:  # no rows: still a valid file with the schema
            self._path.parent.mkdir(parents=True, exist_ok=True)
            self._writer = pq.ParquetWriter(self._tmp, self.schema, compression=COMPRESSION)
        self._writer.close()
        os.replace(self._tmp, self._path)

    @property
    def path(self) -> Path | None:
        """The file a streamed table is written to (None: in memory)."""
        return self._path

    def read(self, columns: list[str] | None = None, filters: Any = None) -> pa.Table:
        """The rows so far (all, or some ``columns`` and the rows passing pyarrow ``filters``)."""
        if self._path is not None:
            self.close()
            if self.n_rows == 0 and not self._path.exists():  # an empty optional table whose file was left out
                return (self.schema if columns is None else pa.schema([self.schema.field(c) for c in columns])).empty_table()
            return pq.read_table(self._path, columns=columns, filters=filters)
        self.flush()
        parts = [pq.read_table(pa.BufferReader(seg), columns=columns, filters=filters) for seg in self._segments]
        if not parts:
            schema = self.schema if columns is None else pa.schema([self.schema.field(c) for c in columns])
            return schema.empty_table()
        return pa.concat_tables(parts) if len(parts) > 1 else parts[0]

    def nbytes(self) -> int:
        """Bytes held in memory by the compressed chunks (0 when streamed)."""
        return sum(seg.size for seg in self._segments)
