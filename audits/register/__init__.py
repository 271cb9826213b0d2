"""Device registers in and out: a register (XLSX or CSV, Chinese or English headings)
read into register facts, one change set per file, and the recorded inventory written
back out under the same headings.

Stages: read (cells of one sheet) -> headings (which column is which field) -> rows
(typed register rows, or the reasons a row is refused) -> facts (one change set) ->
ingest (cmdb.ingest: identification, precedence, dry run)."""
