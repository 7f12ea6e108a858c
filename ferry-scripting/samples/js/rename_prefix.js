// Renames tables by prefix: every table whose name starts with param.from is renamed to start
// with param.to instead (same schema). Other tables and statements pass unchanged.
// Reads: param.from (required), param.to (required).
let from, to;

function prepare(ctx) {
  from = ctx.settings.from;
  to = ctx.settings.to;
  if (!from || to == null) throw new Error("set param.from and param.to");
}

function filter(tx) {
  for (let c of tx.changes) {
    if (c.kind === "rows" && c.table.startsWith(from)) {
      c.rename(c.schema, to + c.table.substring(from.length));
    }
  }
}
