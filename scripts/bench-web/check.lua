-- wrk script of scripts/bench-web.sh: sends one fixed request and checks every response.
--
-- Environment (read once per wrk thread):
--   BENCH_NAME       label of the measurement, printed in the result line
--   BENCH_METHOD     GET (default) or POST
--   BENCH_BODY       request body (POST)
--   BENCH_COOKIE     Cookie header, if any
--   BENCH_ORIGIN     Origin header, if any (the server's anti-forgery check wants its own)
--   BENCH_EXPECT     the expected status (200, 303…)
--   BENCH_LOCATION   when set, the expected Location header (a redirect's target)
--   BENCH_CONTAINS   when set, a string the body must contain (the page is the right one)
--   BENCH_SIGNIN_ACCOUNTS, BENCH_DOMAIN, BENCH_PASSWORD, BENCH_CSRF, BENCH_THREADS
--                    sign-in of many accounts from many addresses (see below)
--
-- A response is "unexpected" when its status, Location or body is not the expected one. At the
-- end, the result line gives requests per second, the 50th and 99th percentile latencies, the
-- responses wrk counts as errors (status >= 400), the unexpected ones, socket errors and the
-- count of every status seen, summed over wrk's threads.

local name = os.getenv("BENCH_NAME") or "?"
wrk.method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
if body and body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
local cookie = os.getenv("BENCH_COOKIE")
if cookie and cookie ~= "" then wrk.headers["Cookie"] = cookie end
local origin = os.getenv("BENCH_ORIGIN")
if origin and origin ~= "" then wrk.headers["Origin"] = origin end
wrk.headers["User-Agent"] = "wrk (scripts/bench-web.sh)"

-- Sign-in as many people at once (BENCH_SIGNIN_ACCOUNTS > 0): each request signs in another of the
-- accounts agent-1 … agent-N@BENCH_DOMAIN (password BENCH_PASSWORD, anti-forgery field
-- BENCH_CSRF) and claims another client address in X-Forwarded-For (the server trusts
-- 127.0.0.1 as its reverse proxy), as a provider's server sees the communes' agents arrive.
-- Each wrk thread walks its own share of the accounts in turn. There must be more accounts than
-- requests in a run divided by three: an attempt stays counted until the second factor is
-- given (the benchmark stops at the password step), the first three are free, and from the
-- fourth on the account is blocked for a growing delay, so a fifth attempt soon after is
-- refused with a 429.
local accounts = tonumber(os.getenv("BENCH_SIGNIN_ACCOUNTS") or "0")
local domain = os.getenv("BENCH_DOMAIN") or ""
local password = os.getenv("BENCH_PASSWORD") or ""
local csrf = os.getenv("BENCH_CSRF") or ""
local thread_count = tonumber(os.getenv("BENCH_THREADS") or "1")

local expect = tonumber(os.getenv("BENCH_EXPECT") or "200")
local location = os.getenv("BENCH_LOCATION")
if location == "" then location = nil end
local contains = os.getenv("BENCH_CONTAINS")
if contains == "" then contains = nil end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_index", #threads - 1)
end

function init(args)
  -- Globals of each thread's own Lua state, read back by done() with thread:get().
  statuses = {}
  unexpected = 0
  sample = ""
  sent = 0
end

if accounts > 0 then
  function request()
    -- Thread k signs in accounts k+1, k+1+T, k+1+2T… in turn.
    local per_thread = math.max(1, math.floor(accounts / thread_count))
    local n = thread_index + 1 + thread_count * (sent % per_thread)
    sent = sent + 1
    local headers = {}
    for k, v in pairs(wrk.headers) do headers[k] = v end
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    headers["X-Forwarded-For"] = "203.0." .. (113 + math.floor(n / 250)) .. "." .. (1 + n % 250)
    local body = "csrf=" .. csrf .. "&email=agent-" .. n .. "%40" .. domain
      .. "&mot_de_passe=" .. password
    return wrk.format("POST", nil, headers, body)
  end
end

local function header(headers, wanted)
  for k, v in pairs(headers) do
    if string.lower(k) == wanted then return v end
  end
  return nil
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  local ok = status == expect
  if ok and location then ok = header(headers, "location") == location end
  if ok and contains then ok = body ~= nil and string.find(body, contains, 1, true) ~= nil end
  if not ok then
    unexpected = unexpected + 1
    if sample == "" then
      sample = key .. " " .. (header(headers, "location") or "") .. " "
        .. string.sub(string.gsub(body or "", "%s+", " "), 1, 200)
    end
  end
end

function done(summary, latency, requests)
  local all, bad, first = {}, 0, ""
  for _, t in ipairs(threads) do
    for k, n in pairs(t:get("statuses")) do all[k] = (all[k] or 0) + n end
    bad = bad + t:get("unexpected")
    local s = t:get("sample")
    if first == "" and s ~= "" then first = s end
  end
  local keys = {}
  for k in pairs(all) do table.insert(keys, k) end
  table.sort(keys)
  local parts = {}
  for _, k in ipairs(keys) do table.insert(parts, k .. "x" .. all[k]) end
  local e = summary.errors
  local rps = summary.requests / (summary.duration / 1e6)
  -- One tab-separated line for the shell script.
  io.write(string.format("RESULT\t%s\t%d\t%.1f\t%.2f\t%.2f\t%d\t%d\t%d\t%s\n",
    name, summary.requests, rps, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.status, bad, e.connect + e.read + e.write + e.timeout, #parts > 0 and table.concat(parts, ",") or "none"))
  if first ~= "" then
    io.write("UNEXPECTED (first one): " .. first .. "\n")
  end
end
