// Independent Parquet reader for the export tests: prints the file's schema, footer facts and rows as JSON.
// Usage: node read-parquet.mjs <file.parquet>
import { readFileSync } from 'node:fs'
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'

const path = process.argv[2]
const bytes = readFileSync(path)
const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
const metadata = parquetMetadata(file)
const rows = await parquetReadObjects({
  file,
  compressors,
  // Keep microseconds: a JS Date would round them to milliseconds.
  parsers: { timestampFromMicroseconds: micros => `micros:${micros}` },
})
const schema = parquetSchema(metadata).children.map(c => ({
  name: c.element.name,
  type: c.element.type,
  repetition_type: c.element.repetition_type,
  logical_type: c.element.logical_type ?? null,
  converted_type: c.element.converted_type ?? null,
}))
const rowGroups = metadata.row_groups.map(g => ({
  num_rows: g.num_rows,
  columns: g.columns.map(c => ({
    name: c.meta_data.path_in_schema.join('.'),
    codec: c.meta_data.codec,
    encodings: c.meta_data.encodings,
    has_dictionary: c.meta_data.dictionary_page_offset !== undefined,
    null_count: c.meta_data.statistics?.null_count,
    min_value: c.meta_data.statistics?.min_value,
    max_value: c.meta_data.statistics?.max_value,
  })),
}))
const replacer = (_, v) => typeof v === 'bigint' ? v.toString() : v instanceof Date ? v.toISOString() : v
process.stdout.write(JSON.stringify({ num_rows: metadata.num_rows, schema, row_groups: rowGroups, rows }, replacer))
