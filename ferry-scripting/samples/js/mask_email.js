// Masks e-mail addresses: in the named column of every row image, "alice@example.com" becomes
// "a****@example.com" (first letter kept, the rest of the local part starred, domain kept).
// NULL and values without "@" are left alone.
// Reads: param.column (optional, default "email").
let column = "email";

function prepare(ctx) {
  if (ctx.settings.column) column = ctx.settings.column;
}

function mask(v) {
  if (v == null) return v;
  let at = v.indexOf("@");
  if (at < 1) return v;
  return v.substring(0, 1) + "*".repeat(at - 1) + v.substring(at);
}

function filter(tx) {
  for (let c of tx.changes) {
    if (c.kind !== "rows" || !c.columns.some(col => col.name === column)) continue;
    for (let r of c.rows) {
      for (let image of [r.before, r.after]) {
        if (image && column in image) {
          let masked = mask(image[column]);
          if (masked !== image[column]) image[column] = masked;
        }
      }
    }
  }
}
