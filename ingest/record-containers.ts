/** Helpers of the ingest shell for what wraps records: Log Analytics result tables, dated directory exports. */

/** Rows of a Log Analytics query API response (`{"tables":[{"columns":[{name}],"rows":[[…]]}]}`) as objects. */
export function tableRows(record: Record<string, unknown>): Record<string, unknown>[] | undefined {
  const tables = record.tables;
  if (!Array.isArray(tables)) return undefined;
  const out: Record<string, unknown>[] = [];
  for (const table of tables as Array<{ columns?: Array<{ name?: string }>; rows?: unknown[][] }>) {
    const names = (table.columns ?? []).map((c) => String(c.name));
    for (const row of table.rows ?? []) {
      const obj: Record<string, unknown> = {};
      names.forEach((name, i) => {
        obj[name] = Array.isArray(row) ? row[i] : undefined;
      });
      out.push(obj);
    }
  }
  return out;
}

/** The date a directory export describes, when its rows say (Graph `lastUpdatedDateTime`). */
export function exportDate(rows: Record<string, unknown>[]): string | undefined {
  let latest: string | undefined;
  for (const row of rows) {
    const value = row.lastUpdatedDateTime;
    if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) {
      const iso = new Date(value).toISOString();
      if (latest === undefined || iso > latest) latest = iso;
    }
  }
  return latest;
}
