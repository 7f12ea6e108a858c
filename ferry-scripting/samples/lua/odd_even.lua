-- Partitions one table by row parity: of param.table's rows, keeps only those whose integer key
-- column "id" is odd (param.parity = odd) or even (param.parity = even); the id is taken from the
-- after image, or the before image for deletes. Other tables, and statements, pass.
-- Reads: param.parity (odd | even), param.table (required).
local wantOdd, tbl

function prepare(ctx)
  local parity = ctx.settings.parity
  if parity ~= "odd" and parity ~= "even" then error("param.parity must be odd or even") end
  wantOdd = parity == "odd"
  tbl = ctx.settings.table
  if not tbl then error("set param.table") end
end

function filter(tx)
  for _, c in ipairs(tx.changes) do
    if c.kind == "rows" and c.table == tbl then
      for _, r in ipairs(c.rows) do
        local id = (r.after or r.before).id
        if (id % 2 == 1) ~= wantOdd then r:drop() end
      end
    end
  end
end
