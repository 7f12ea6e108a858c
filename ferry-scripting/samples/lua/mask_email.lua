-- Masks e-mail addresses: in the named column of every row image, "alice@example.com" becomes
-- "a****@example.com" (first letter kept, the rest of the local part starred, domain kept).
-- NULL and values without "@" are left alone.
-- Reads: param.column (optional, default "email").
local column = "email"

function prepare(ctx)
  if ctx.settings.column then column = ctx.settings.column end
end

local function mask(v)
  if v == nil then return v end
  local at = v:find("@", 1, true)
  if not at or at < 2 then return v end
  return v:sub(1, 1) .. string.rep("*", at - 2) .. v:sub(at)
end

function filter(tx)
  for _, c in ipairs(tx.changes) do
    if c.kind == "rows" then
      for _, r in ipairs(c.rows) do
        for _, image in ipairs({ r.before or false, r.after or false }) do
          if image and image[column] ~= nil then
            local masked = mask(image[column])
            if masked ~= image[column] then image[column] = masked end
          end
        end
      end
    end
  end
end
