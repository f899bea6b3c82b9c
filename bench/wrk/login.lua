-- Sign-ins with correct passwords, rotating over the first N loaded users (see bench/loader):
-- user%07d, password "bench passphrase number (i % 4)".
-- Usage: wrk ... -s login.lua URL -- userman|keycloak [users] [keycloak realm] [keycloak client]
local kind, users, realm, client = "userman", 200, "bench", "bench"
local bodies, path = {}, ""
local next_user = 0

function init(args)
  kind = args[1] or kind
  users = tonumber(args[2] or users)
  realm = args[3] or realm
  client = args[4] or client
  for i = 0, users - 1 do
    local password = "bench passphrase number " .. (i % 4)
    if kind == "keycloak" then
      bodies[i] = string.format("grant_type=password&client_id=%s&scope=openid&username=user%07d&password=%s",
        client, i, (password:gsub(" ", "+")))
    else
      bodies[i] = string.format('{"email":"user%07d@bench.example","password":"%s"}', i, password)
    end
  end
  if kind == "keycloak" then
    path = "/realms/" .. realm .. "/protocol/openid-connect/token"
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  else
    path = "/api/v1/sessions"
    wrk.headers["Content-Type"] = "application/json"
  end
  -- Threads start at different users.
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
  next_user = math.random(0, users - 1)
end

function request()
  next_user = (next_user + 1) % users
  return wrk.format("POST", path, nil, bodies[next_user])
end
