// Routes a table to a shard: a transaction that changes rows of param.table gets shard
// param.shard (on its last fragment: earlier fragments stay #global until the transaction ends).
// Reads: param.table (required), param.shard (required).
let table, shard;

function prepare(ctx) {
  table = ctx.settings.table;
  shard = ctx.settings.shard;
  if (!table || !shard) throw new Error("set param.table and param.shard");
}

function filter(tx) {
  if (tx.changes.some(c => c.kind === "rows" && c.table === table)) tx.setShard(shard);
}
