-- The respondent's autosave: `PATCH /answering/answers` with one answer, as the answering page
-- sends it after each change, with the private link of the response
-- (`Authorization: PrivateLink <token>`), the links of BENCH_LINKS taken in turn.
-- Every value is new (a free-text question, the run's BENCH_RUN and a counter), so every
-- acknowledged save must be recorded in the response's history: the harness checks that
-- nothing acknowledged is lost.
dofile(os.getenv("BENCH_LUA") .. "/report.lua")

local links = lines_of(os.getenv("BENCH_LINKS"))
local author = env("BENCH_AUTHOR", "banc-wrk")
local run = env("BENCH_RUN", tostring(os.time()))
-- The free-text questions of the bench questionnaire (bench_survey.py: every fifth from q04).
local keys = {}
for n = 4, 59, 5 do table.insert(keys, string.format("q%02d", n)) end
local turn = 0

function init(args)
  turn = 0
end

function request()
  turn = turn + 1
  local slot = (number or 0) + turn * 2
  local link = links[slot % #links + 1]
  local key = keys[turn % #keys + 1]
  local body = string.format(
    '{"answers":{"%s":"valeur %s-%d-%d"},"author":"%s"}', key, run, number or 0, turn, author)
  return wrk.format("PATCH", "/answering/answers", {
    ["Authorization"] = "PrivateLink " .. link,
    ["Content-Type"] = "application/json",
  }, body)
end

function acknowledge(status, body)
  return status == 200 and string.find(body, '"saved":{"q', 1, true) ~= nil
end
