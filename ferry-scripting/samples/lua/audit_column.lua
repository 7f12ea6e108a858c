-- Adds an audit column to the row changes of every table: a VARCHAR column (default name
-- "replicated_by") holding the service name, in the after image of inserts and updates (deletes
-- get the column in their description only). The target table must have the column.
-- Reads: param.column (optional, default "replicated_by").
local column = "replicated_by"
local service

function prepare(ctx)
  if ctx.settings.column then column = ctx.settings.column end
  service = ctx.service
end

function filter(tx)
  for _, c in ipairs(tx.changes) do
    if c.kind == "rows" then c:addColumn(column, "varchar", service) end
  end
end
