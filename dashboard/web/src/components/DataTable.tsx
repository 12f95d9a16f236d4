type Cell = string | number | null | undefined;

/** A plain table of rows: the numbers behind every chart, and lists. */
export function DataTable({ columns, rows, caption }: { columns: ReadonlyArray<{ key: string; label: string; format?: (v: Cell) => string }>; rows: ReadonlyArray<Record<string, Cell>>; caption?: string }) {
  return (
    <table className="data">
      {caption !== undefined && <caption>{caption}</caption>}
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c.key} scope="col">
              {c.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i}>
            {columns.map((c) => (
              <td key={c.key} className={typeof r[c.key] === 'number' ? 'num' : undefined}>
                {c.format !== undefined ? c.format(r[c.key]) : (r[c.key] ?? '—')}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
