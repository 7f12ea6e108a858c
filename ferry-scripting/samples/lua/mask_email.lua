-- Masks e-mail addresses: in the named column of every row image, "alice@example.com" becomes
-- "a****@example.com" (first letter kept, the rest of the local part starred, domain kept).
-- Counted in characters, not bytes ("élise@x.fr" becomes "é****@x.fr"). NULL and values without
-- "@" are left alone.
-- Reads: param.column (optional, default "email").
local column = "email"

function prepare(ctx)
  if ctx.settings.column then column = ctx.settings.column end
end

local function mask(v)
  if v == nil then return v end
  local at = v:find("@", 1, true)
  if not at or at < 2 then return v end
  -- Lua strings are UTF-8 bytes: a character is a byte that is not a continuation byte
  -- (0x80-0xBF) and the continuation bytes after it
  local first = v:match("^[^\128-\191][\128-\191]*")
  local _, chars = v:sub(1, at - 1):gsub("[^\128-\191]", "")
  return first .. string.rep("*", chars - 1) .. v:sub(at)
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
