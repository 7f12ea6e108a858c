-- Turns zero dates into NULL: in DATE, DATETIME and TIMESTAMP columns that accept NULL, a value
-- with a zero year, month or day ("0000-00-00", "2024-00-00 10:00:00") becomes NULL in every
-- image. For targets that refuse zero dates. Reads no params.
local TEMPORAL = { date = true, datetime = true, timestamp = true }

local function isZero(v)
  return type(v) == "string"
    and (v:find("^0000%-") or v:find("^....%-00%-") or v:find("^....%-..%-00")) ~= nil
end

function filter(tx)
  for _, c in ipairs(tx.changes) do
    if c.kind == "rows" then
      local cols = {}
      for _, col in ipairs(c.columns) do
        if TEMPORAL[col.type] and col.nullable then cols[#cols + 1] = col.name end
      end
      if #cols > 0 then
        for _, r in ipairs(c.rows) do
          for _, image in ipairs({ r.before or false, r.after or false }) do
            if image then
              for _, name in ipairs(cols) do
                if isZero(image[name]) then image[name] = nil end
              end
            end
          end
        end
      end
    end
  end
end
