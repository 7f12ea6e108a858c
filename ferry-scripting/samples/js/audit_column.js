// Adds an audit column to the row changes of every table: a VARCHAR column (default name
// "replicated_by") holding the service name, in the after image of inserts and updates (deletes
// get the column in their description only). The target table must have the column.
// Reads: param.column (optional, default "replicated_by").
let column = "replicated_by";
let service;

function prepare(ctx) {
  if (ctx.settings.column) column = ctx.settings.column;
  service = ctx.service;
}

function filter(tx) {
  for (let c of tx.changes) {
    if (c.kind === "rows") c.addColumn(column, "varchar", service);
  }
}
