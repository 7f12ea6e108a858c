// Partitions one table by row parity: of param.table's rows, keeps only those whose integer key
// column "id" is odd (param.parity = odd) or even (param.parity = even). Inserts are decided by
// their after image, deletes by their before image, updates by both: an update whose id stays in
// the partition is kept, one that stays outside is dropped. An update that moves a row from one
// partition to the other (its id changed parity) stops the service with an error: the target
// would need an insert or a delete there, and a script cannot turn an update into either (the
// drop-rows filter can: column id, matches -?[0-9]*[13579]). An id an image does not carry
// (binlog_row_image = MINIMAL, id not changed) is the other image's. Other tables, and
// statements, pass.
// Reads: param.parity (odd | even), param.table (required).
let wantOdd, table;

function prepare(ctx) {
  let parity = ctx.settings.parity;
  if (parity !== "odd" && parity !== "even") throw new Error("param.parity must be odd or even");
  wantOdd = parity === "odd";
  table = ctx.settings.table;
  if (!table) throw new Error("set param.table");
}

function odd(id) {
  return Math.abs(id) % 2 === 1;
}

function name(isOdd) {
  return isOdd ? "odd" : "even";
}

function filter(tx) {
  for (let c of tx.changes) {
    if (c.kind !== "rows" || c.table !== table) continue;
    for (let r of c.rows) {
      let before = r.before ? r.before.id : null;
      let after = r.after ? r.after.id : null;
      let was = odd(before != null ? before : after);
      let is = odd(after != null ? after : before);
      if (was !== is) {
        throw new Error("row id " + before + " of " + c.schema + "." + c.table
          + " moved from the " + name(was) + " to the " + name(is)
          + " partition (id " + before + " -> " + after + ") at seqno " + tx.seqno
          + ": the partition key changed; a script cannot turn an update into an insert or a"
          + " delete. Use the drop-rows filter (column id, matches -?[0-9]*[13579]), or apply"
          + " the change on the target by hand and skip this seqno");
      }
      if (is !== wantOdd) r.drop();
    }
  }
}
