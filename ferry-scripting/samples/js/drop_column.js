// Drops one column from the row changes of one table (or of every table that has it).
// Reads: param.column (required), param.table (optional: only this table).
let column, table;

function prepare(ctx) {
  column = ctx.settings.column;
  table = ctx.settings.table;
  if (!column) throw new Error("set param.column");
}

function filter(tx) {
  for (let c of tx.changes) {
    if (c.kind !== "rows" || (table && c.table !== table)) continue;
    if (c.columns.some(col => col.name === column)) c.dropColumn(column);
  }
}
