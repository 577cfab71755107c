-- GET of one address (BENCH_PATH), or of each address of the file BENCH_PATHS in turn; with
-- BENCH_TOKEN, as a signed-in member of staff (`Authorization: Bearer`).
dofile(os.getenv("BENCH_LUA") .. "/report.lua")

local paths = { env("BENCH_PATH", "/health") }
if env("BENCH_PATHS", nil) then paths = lines_of(os.getenv("BENCH_PATHS")) end
local headers = {}
if env("BENCH_TOKEN", nil) then headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN") end
local turn = 0

function init(args)
  turn = number or 0
end

function request()
  turn = turn + 1
  return wrk.format("GET", paths[turn % #paths + 1], headers)
end
