-- Converts a unit: in param.table, the integer column param.from (an amount in cents) is replaced
-- by a DECIMAL column param.to holding the amount in currency units, exactly ("1234" cents becomes
-- "12.34"). After images carry the new column; before images (updates,
-- deletes) lose the cents column, so the target locates rows by its key.
-- Reads: param.table, param.from, param.to (all required).
local tbl, from, to

function prepare(ctx)
  tbl, from, to = ctx.settings.table, ctx.settings.from, ctx.settings.to
  if not tbl or not from or not to then error("set param.table, param.from and param.to") end
end

local function units(cents)
  if cents == nil then return nil end
  local sign = cents < 0 and "-" or ""
  local abs = math.abs(cents)
  -- not %d: LuaJ's %d keeps 32 bits (12345678901 prints -539222987) and its %.0f prints "12.0";
  -- tostring prints whole numbers exactly up to 2^53
  return string.format("%s%s.%02d", sign, tostring(math.floor(abs / 100)), abs % 100)
end

function filter(tx)
  for _, c in ipairs(tx.changes) do
    if c.kind == "rows" and c.table == tbl then
      c:addColumn(to, "decimal", nil)
      for _, r in ipairs(c.rows) do
        if r.after then r.after[to] = units(r.after[from]) end
      end
      c:dropColumn(from)
    end
  end
end
