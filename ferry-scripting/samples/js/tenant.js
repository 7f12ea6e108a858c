// Keeps one tenant's rows: in every table that has the column param.tenant_column, only rows
// whose value there equals param.tenant pass; a rows change left without rows disappears.
// Inserts are decided by their after image, deletes by their before image, updates by both: an
// update that stays in the tenant is kept, one that stays outside is dropped. An update that
// moves a row into or out of the tenant (the tenant column changed) stops the service with an
// error: the target would need an insert or a delete there, and a script cannot turn an update
// into either (the drop-rows filter can: column = the tenant column, not-equals = the tenant).
// A value an image does not carry counts as NULL, so the tenant column must be in both images
// (binlog_row_image = FULL or NOBLOB). Tables without the column, and statements, pass.
// Reads: param.tenant_column (required), param.tenant (required, compared as text).
let column, tenant;

function prepare(ctx) {
  column = ctx.settings.tenant_column;
  tenant = ctx.settings.tenant;
  if (!column || tenant == null) throw new Error("set param.tenant_column and param.tenant");
}

function text(v) {
  return v == null ? "NULL" : String(v);
}

function filter(tx) {
  for (let c of tx.changes) {
    if (c.kind !== "rows" || !c.columns.some(col => col.name === column)) continue;
    for (let r of c.rows) {
      let before = r.before ? text(r.before[column]) : null;
      let after = r.after ? text(r.after[column]) : null;
      let was = (before != null ? before : after) === tenant;
      let is = (after != null ? after : before) === tenant;
      if (was !== is) {
        throw new Error("a row of " + c.schema + "." + c.table + " moved "
          + (is ? "into" : "out of") + " tenant " + tenant + " (" + column + " " + before
          + " -> " + after + ") at seqno " + tx.seqno + ": the tenant column changed; a script"
          + " cannot turn an update into an insert or a delete. Use the drop-rows filter (column "
          + column + ", not-equals " + tenant + "), or apply the change on the target by hand and"
          + " skip this seqno");
      }
      if (!is) r.drop();
    }
  }
}
