-- Keeps one tenant's rows: in every table that has the column param.tenant_column, only rows
-- whose value there equals param.tenant pass; a rows change left without rows disappears.
-- Inserts are decided by their after image, deletes by their before image, updates by both: an
-- update that stays in the tenant is kept, one that stays outside is dropped. An update that
-- moves a row into or out of the tenant (the tenant column changed) stops the service with an
-- error: the target would need an insert or a delete there, and a script cannot turn an update
-- into either (the drop-rows filter can: column = the tenant column, not-equals = the tenant).
-- A value an image does not carry counts as NULL, so the tenant column must be in both images
-- (binlog_row_image = FULL or NOBLOB). Tables without the column, and statements, pass.
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

local function text(v)
  if v == nil then return "NULL" end
  return tostring(v)
end

function filter(tx)
  for _, c in ipairs(tx.changes) do
    if c.kind == "rows" and has(c, column) then
      for _, r in ipairs(c.rows) do
        local before = r.before and text(r.before[column])
        local after = r.after and text(r.after[column])
        local was = (before or after) == tenant
        local is = (after or before) == tenant
        if was ~= is then
          local where = "out of"
          if is then where = "into" end
          error("a row of " .. c.schema .. "." .. c.table .. " moved " .. where .. " tenant "
            .. tenant .. " (" .. column .. " " .. before .. " -> " .. after .. ") at seqno "
            .. tostring(tx.seqno) .. ": the tenant column changed; a script cannot turn an update"
            .. " into an insert or a delete. Use the drop-rows filter (column " .. column
            .. ", not-equals " .. tenant .. "), or apply the change on the target by hand and skip"
            .. " this seqno")
        end
        if not is then r:drop() end
      end
    end
  end
end
