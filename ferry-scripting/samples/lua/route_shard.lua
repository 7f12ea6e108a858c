-- Routes a table to a shard: a transaction that changes rows of param.table gets shard
-- param.shard (on its last fragment: earlier fragments stay #global until the transaction ends),
-- also when only an earlier fragment changed the table.
-- Reads: param.table (required), param.shard (required).
local tbl, shard
local pending -- the seqno of a transaction an earlier fragment of which changed param.table

function prepare(ctx)
  tbl = ctx.settings.table
  shard = ctx.settings.shard
  if not tbl or not shard then error("set param.table and param.shard") end
end

function filter(tx)
  local touches = pending == tx.seqno
  if not touches then
    for _, c in ipairs(tx.changes) do
      if c.kind == "rows" and c.table == tbl then
        touches = true
        break
      end
    end
  end
  if tx.lastFrag then
    pending = nil
    if touches then tx:setShard(shard) end
  elseif touches then
    pending = tx.seqno -- setShard is honoured only on the last fragment: remember until then
  end
end
