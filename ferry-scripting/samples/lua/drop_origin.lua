-- Drops every transaction that entered replication at one service (its origin), for example to
-- keep a site's own changes from coming back to it. Reads: param.origin (required).
local origin

function prepare(ctx)
  origin = ctx.settings.origin
  if not origin then error("set param.origin") end
end

function filter(tx)
  if tx.origin == origin then tx:drop() end
end
