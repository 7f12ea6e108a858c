-- Routes a table to a shard: a transaction that changes rows of param.table gets shard
-- param.shard (on its last fragment: earlier fragments stay #global until the transaction ends).
-- Reads: param.table (required), param.shard (required).
local tbl, shard

function prepare(ctx)
  tbl = ctx.settings.table
  shard = ctx.settings.shard
  if not tbl or not shard then error("set param.table and param.shard") end
end

function filter(tx)
  for _, c in ipairs(tx.changes) do
    if c.kind == "rows" and c.table == tbl then
      tx:setShard(shard)
      return
    end
  end
end
