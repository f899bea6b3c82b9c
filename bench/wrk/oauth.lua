-- The same urlencoded form POSTed again and again: a client credentials grant
-- ("grant_type=client_credentials") or a token introspection ("token=..."), to Userman's or
-- Keycloak's endpoint (the URL). The client authenticates by HTTP Basic, given with
-- -H "Authorization: Basic ...". Every answer must be 2xx (bench_wrk checks); that an
-- introspection answers "active": true is checked by bench/run with curl before and after.
-- Usage: wrk ... -s oauth.lua URL -- <form body>
function init(args)
  wrk.method = "POST"
  wrk.body = args[1] or "grant_type=client_credentials"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
