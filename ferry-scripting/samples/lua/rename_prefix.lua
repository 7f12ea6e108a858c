-- Renames tables by prefix: every table whose name starts with param.from is renamed to start
-- with param.to instead (same schema). Other tables and statements pass unchanged.
-- Reads: param.from (required), param.to (required).
local from, to

function prepare(ctx)
  from = ctx.settings.from
  to = ctx.settings.to
  if not from or not to then error("set param.from and param.to") end
end

function filter(tx)
  for _, c in ipairs(tx.changes) do
    if c.kind == "rows" and c.table:sub(1, #from) == from then
      c:rename(c.schema, to .. c.table:sub(#from + 1))
    end
  end
end
