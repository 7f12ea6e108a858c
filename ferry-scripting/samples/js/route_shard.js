// Routes a table to a shard: a transaction that changes rows of param.table gets shard
// param.shard (on its last fragment: earlier fragments stay #global until the transaction ends),
// also when only an earlier fragment changed the table.
// Reads: param.table (required), param.shard (required).
let table, shard;
let pending = null; // the seqno of a transaction an earlier fragment of which changed param.table

function prepare(ctx) {
  table = ctx.settings.table;
  shard = ctx.settings.shard;
  if (!table || !shard) throw new Error("set param.table and param.shard");
}

function filter(tx) {
  let touches =
      pending === tx.seqno || tx.changes.some(c => c.kind === "rows" && c.table === table);
  if (tx.lastFrag) {
    pending = null;
    if (touches) tx.setShard(shard);
  } else if (touches) {
    pending = tx.seqno; // setShard is honoured only on the last fragment: remember until then
  }
}
