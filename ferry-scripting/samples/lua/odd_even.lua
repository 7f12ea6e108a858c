-- Partitions one table by row parity: of param.table's rows, keeps only those whose integer key
-- column "id" is odd (param.parity = odd) or even (param.parity = even). Inserts are decided by
-- their after image, deletes by their before image, updates by both: an update whose id stays in
-- the partition is kept, one that stays outside is dropped. An update that moves a row from one
-- partition to the other (its id changed parity) stops the service with an error: the target
-- would need an insert or a delete there, and a script cannot turn an update into either (the
-- drop-rows filter can: column id, matches -?[0-9]*[13579]). An id an image does not carry
-- (binlog_row_image = MINIMAL, id not changed) is the other image's. Other tables, and
-- statements, pass.
-- Reads: param.parity (odd | even), param.table (required).
local wantOdd, tbl

function prepare(ctx)
  local parity = ctx.settings.parity
  if parity ~= "odd" and parity ~= "even" then error("param.parity must be odd or even") end
  wantOdd = parity == "odd"
  tbl = ctx.settings.table
  if not tbl then error("set param.table") end
end

local function odd(id)
  return id % 2 == 1
end

local function name(isOdd)
  if isOdd then return "odd" else return "even" end
end

function filter(tx)
  for _, c in ipairs(tx.changes) do
    if c.kind == "rows" and c.table == tbl then
      for _, r in ipairs(c.rows) do
        local before = r.before and r.before.id
        local after = r.after and r.after.id
        local was = odd(before or after)
        local is = odd(after or before)
        if was ~= is then
          error("row id " .. tostring(before) .. " of " .. c.schema .. "." .. c.table
            .. " moved from the " .. name(was) .. " to the " .. name(is)
            .. " partition (id " .. tostring(before) .. " -> " .. tostring(after)
            .. ") at seqno " .. tostring(tx.seqno)
            .. ": the partition key changed; a script cannot turn an update into an insert or a"
            .. " delete. Use the drop-rows filter (column id, matches -?[0-9]*[13579]), or apply"
            .. " the change on the target by hand and skip this seqno")
        end
        if is ~= wantOdd then r:drop() end
      end
    end
  end
end
