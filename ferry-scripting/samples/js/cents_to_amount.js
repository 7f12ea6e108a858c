// Converts a unit: in param.table, the integer column param.from (an amount in cents) is replaced
// by a DECIMAL column param.to holding the amount in currency units, exactly ("1234" cents becomes
// "12.34"). After images carry the new column; before images (updates,
// deletes) lose the cents column, so the target locates rows by its key.
// Reads: param.table, param.from, param.to (all required).
let table, from, to;

function prepare(ctx) {
  table = ctx.settings.table;
  from = ctx.settings.from;
  to = ctx.settings.to;
  if (!table || !from || !to) throw new Error("set param.table, param.from and param.to");
}

function units(cents) {
  if (cents == null) return null;
  let sign = cents < 0 ? "-" : "";
  let abs = Math.abs(cents);
  return sign + Math.floor(abs / 100) + "." + String(abs % 100).padStart(2, "0");
}

function filter(tx) {
  for (let c of tx.changes) {
    if (c.kind !== "rows" || c.table !== table) continue;
    c.addColumn(to, "decimal", null);
    for (let r of c.rows) {
      if (r.after) r.after[to] = units(r.after[from]);
    }
    c.dropColumn(from);
  }
}
