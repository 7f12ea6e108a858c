// Keeps one tenant's rows: in every table that has the column param.tenant_column, only rows
// whose value there (after image, or before image for deletes) equals param.tenant pass; a rows
// change left without rows disappears. Tables without the column, and statements, pass.
// Reads: param.tenant_column (required), param.tenant (required, compared as text).
let column, tenant;

function prepare(ctx) {
  column = ctx.settings.tenant_column;
  tenant = ctx.settings.tenant;
  if (!column || tenant == null) throw new Error("set param.tenant_column and param.tenant");
}

function filter(tx) {
  for (let c of tx.changes) {
    if (c.kind !== "rows" || !c.columns.some(col => col.name === column)) continue;
    for (let r of c.rows) {
      let v = (r.after || r.before)[column];
      if (v == null || String(v) !== tenant) r.drop();
    }
  }
}
