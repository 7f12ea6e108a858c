-- Drops one column from the row changes of one table (or of every table that has it).
-- Reads: param.column (required), param.table (optional: only this table).
local column, tbl

function prepare(ctx)
  column = ctx.settings.column
  tbl = ctx.settings.table
  if not column then error("set param.column") end
end

local function has(c, name)
  for _, col in ipairs(c.columns) do
    if col.name == name then return true end
  end
  return false
end

function filter(tx)
  for _, c in ipairs(tx.changes) do
    if c.kind == "rows" and (not tbl or c.table == tbl) and has(c, column) then
      c:dropColumn(column)
    end
  end
end
