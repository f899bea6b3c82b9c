-- Registrations of new users, each with a fresh email: <run>-<thread>-<n>@bench.example.
-- Usage: wrk ... -s register.lua URL -- run-name
local run, n = "r", 0
thread_id = 0 -- set by setup() in each thread's state (a global, so thread:set reaches it)
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_id", counter)
end

function init(args)
  run = args[1] or run
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  n = n + 1
  local body = string.format('{"email":"%s-%d-%d@bench.example","password":"quiet harbour lantern %d"}',
    run, thread_id, n, n % 7)
  return wrk.format(nil, "/api/v1/users", nil, body)
end
