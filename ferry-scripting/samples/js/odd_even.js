// Partitions one table by row parity: of param.table's rows, keeps only those whose integer key
// column "id" is odd (param.parity = odd) or even (param.parity = even); the id is taken from the
// after image, or the before image for deletes. Other tables, and statements, pass.
// Reads: param.parity (odd | even), param.table (required).
let wantOdd, table;

function prepare(ctx) {
  let parity = ctx.settings.parity;
  if (parity !== "odd" && parity !== "even") throw new Error("param.parity must be odd or even");
  wantOdd = parity === "odd";
  table = ctx.settings.table;
  if (!table) throw new Error("set param.table");
}

function filter(tx) {
  for (let c of tx.changes) {
    if (c.kind !== "rows" || c.table !== table) continue;
    for (let r of c.rows) {
      let id = (r.after || r.before).id;
      if ((Math.abs(id) % 2 === 1) !== wantOdd) r.drop();
    }
  }
}
