// Masks e-mail addresses: in the named column of every row image, "alice@example.com" becomes
// "a****@example.com" (first letter kept, the rest of the local part starred, domain kept).
// Counted in characters, not UTF-16 units ("😀bob@x.org" becomes "😀***@x.org"). NULL and values
// without "@" are left alone.
// Reads: param.column (optional, default "email").
let column = "email";

function prepare(ctx) {
  if (ctx.settings.column) column = ctx.settings.column;
}

function isHigh(u) {
  return u >= 0xd800 && u <= 0xdbff;
}

function isLow(u) {
  return u >= 0xdc00 && u <= 0xdfff;
}

function mask(v) {
  if (v == null) return v;
  let at = v.indexOf("@");
  if (at < 1) return v;
  // a character outside the BMP is two UTF-16 units: keep the pair whole, star it once
  let first = isHigh(v.charCodeAt(0)) ? 2 : 1;
  let chars = 0;
  for (let i = 0; i < at; i++) {
    if (!isHigh(v.charCodeAt(i - 1)) || !isLow(v.charCodeAt(i))) chars++;
  }
  return v.substring(0, first) + "*".repeat(chars - 1) + v.substring(at);
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
