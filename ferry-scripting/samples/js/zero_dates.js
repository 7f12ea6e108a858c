// Turns zero dates into NULL: in DATE, DATETIME and TIMESTAMP columns that accept NULL, a value
// with a zero year, month or day ("0000-00-00", "2024-00-00 10:00:00") becomes NULL in every
// image. For targets that refuse zero dates. Reads no params.
let TEMPORAL = ["date", "datetime", "timestamp"];

function isZero(v) {
  return typeof v === "string" && /^(0000-..-..|....-00-..|....-..-00)/.test(v);
}

function filter(tx) {
  for (let c of tx.changes) {
    if (c.kind !== "rows") continue;
    let cols = c.columns.filter(col => TEMPORAL.includes(col.type) && col.nullable);
    if (cols.length === 0) continue;
    for (let r of c.rows) {
      for (let image of [r.before, r.after]) {
        if (!image) continue;
        for (let col of cols) {
          if (isZero(image[col.name])) image[col.name] = null;
        }
      }
    }
  }
}
