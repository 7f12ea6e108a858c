-- Keeps one tenant's rows: in every table that has the column param.tenant_column, only rows
-- whose value there (after image, or before image for deletes) equals param.tenant pass; a rows
-- change left without rows disappears. Tables without the column, and statements, pass.
-- Reads: param.tenant_column (required), param.tenant (required, compared as text).
local column, tenant

function prepare(ctx)
  column = ctx.settings.tenant_column
  tenant = ctx.settings.tenant
  if not column or not tenant then error("set param.tenant_column and param.tenant") end
end

local function has(c, name)
  for _, col in ipairs(c.columns) do
    if col.name == name then return true end
  end
  return false
end

function filter(tx)
  for _, c in ipairs(tx.changes) do
    if c.kind == "rows" and has(c, column) then
      for _, r in ipairs(c.rows) do
        local v = (r.after or r.before)[column]
        if v == nil or tostring(v) ~= tenant then r:drop() end
      end
    end
  end
end
