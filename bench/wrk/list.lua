-- An admin paging through user searches: GET /api/v1/users?prefix=user0123&limit=50 (1,000 loaded
-- users match each such prefix), then every following page by next_cursor, then another prefix.
-- The admin's bearer token comes with -H.
-- Usage: wrk ... -s list.lua URL -- <number of prefixes> [page size, 50]
local prefixes, limit = 1000, 50
local prefix, cursor

local function pick()
  prefix = string.format("user%04d", math.random(0, prefixes - 1))
  cursor = nil
end

function init(args)
  prefixes = tonumber(args[1] or prefixes)
  limit = tonumber(args[2] or limit)
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
  pick()
end

function request()
  local path = "/api/v1/users?limit=" .. limit .. "&prefix=" .. prefix
  if cursor then
    path = path .. "&cursor=" .. cursor
  end
  return wrk.format("GET", path)
end

function response(status, headers, body)
  local next_cursor = body:match('"next_cursor"%s*:%s*"([^"]+)"')
  if next_cursor then
    cursor = next_cursor
  else
    pick()
  end
end
