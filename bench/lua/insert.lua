-- The reference write: `POST /answers` of bench/naive_insert.py, one row inserted by the naive
-- SQLModel path (session, add, commit, refresh), with a body of the autosave's size.
dofile(os.getenv("BENCH_LUA") .. "/report.lua")

local turn = 0

function request()
  turn = turn + 1
  local body = string.format(
    '{"invitation_id":%d,"key":"q04","value":"valeur %d-%d","author":"banc-wrk"}',
    turn % 200 + 1, number or 0, turn)
  return wrk.format("POST", "/answers", { ["Content-Type"] = "application/json" }, body)
end

function acknowledge(status, body)
  return status == 200
end
