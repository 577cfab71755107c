-- Shared by every workload: counts the answers that are not 2xx/3xx (the `response` hook) and
-- those a workload acknowledges, then prints one line the harness parses (`done` hook):
--   BENCH requests=… duration_us=… p50_us=… p95_us=… p99_us=… errors=… acknowledged=… socket=…
-- A workload defines `acknowledge(status, body)` to count its acknowledged writes.
local threads = {}

function setup(thread)
  thread:set("number", #threads)
  table.insert(threads, thread)
end

errors = 0
acknowledged = 0

function response(status, headers, body)
  if status < 200 or status >= 400 then
    errors = errors + 1
  elseif acknowledge ~= nil and acknowledge(status, body) then
    acknowledged = acknowledged + 1
  end
end

-- An environment variable, or `default` when unset.
function env(name, default)
  local value = os.getenv(name)
  if value == nil or value == "" then return default end
  return value
end

-- The lines of a file (the private links of a workload, one a line).
function lines_of(path)
  local found = {}
  for line in io.lines(path) do
    if line ~= "" then table.insert(found, line) end
  end
  return found
end

function done(summary, latency, requests)
  local errs, acks = 0, 0
  for _, thread in ipairs(threads) do
    errs = errs + thread:get("errors")
    acks = acks + thread:get("acknowledged")
  end
  local socket = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d errors=%d acknowledged=%d socket=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), errs, acks, socket))
end
