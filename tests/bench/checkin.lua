-- checkin.lua: wrk script of scripts/bench. Posts json check-ins as an
-- aggregator would: {"from","to","text","id"} to /sms/json.
--
--   wrk -d SECONDS+DRAIN -s checkin.lua URL -- CODES_FILE RUN SECONDS
--
-- CODES_FILE holds one venue code a line; each request texts one of them
-- at random. RUN (0..4) tells apart runs against one database.
--
-- Every request has its own number and its own id, so none is a repeat
-- (same number and venue within duplicate_window) or an aggregator retry
-- (same id): each 200 answer must be one stored check-in. The number is
-- 09 and 8 digits, (seq * 7919) mod 10^8 of a sequence number unique to
-- run, thread and request; 7919 is prime to 10^8, so distinct sequence
-- numbers give distinct, scattered numbers.
--
-- The load lasts SECONDS; wrk runs DRAIN seconds longer. In the drain no
-- check-in is sent: a connection whose turn comes sends the start of a
-- request that never ends (headers without their blank line), which the
-- server waits on and answers never, so it records nothing and gives wrk
-- no latency sample. The check-ins still in flight at SECONDS get their
-- answers meanwhile, and when wrk stops none is left unanswered: the 200s
-- counted here must then be exactly the rows stored.
--
-- done() prints one line for scripts/bench:
--   bench requests=N ok=N non2xx=N unanswered=N errors=N window_s=S
--         rps=R p50_us=N p99_us=N p999_us=N max_us=N
-- rps is the 200 answers over the time from the start to the last of them.

local ffi = require("ffi")

ffi.cdef[[
struct bench_timespec { long tv_sec; long tv_nsec; };
int clock_gettime(int, struct bench_timespec *);
]]

local CLOCK_MONOTONIC = 1	-- Linux
local THREADS_MAX = 4		-- threads a run may use
local RUN_SPAN = 20000000	-- sequence numbers a run may use
local STALL = "POST /sms/json HTTP/1.1\r\nHost: 127.0.0.1\r\n"

local threads = {}

-- Per thread (each thread has its own Lua state); globals are read by
-- done() through thread:get().
local ts = ffi.new("struct bench_timespec")
local codes = {}
local counter = 0
local deadline = 0
sent = 0
ok = 0
bad = 0
started = 0
last = 0

local function now()
	ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
	return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end

function setup(thread)
	table.insert(threads, thread)
	thread:set("tid", #threads - 1)
end

function init(args)
	local path = args[1]
	run = tonumber(args[2] or "")
	local seconds = tonumber(args[3] or "")
	if path == nil or run == nil or seconds == nil then
		error("usage: wrk -s checkin.lua URL -- CODES_FILE RUN SECONDS")
	end
	for line in io.lines(path) do
		if line ~= "" then
			codes[#codes + 1] = line
		end
	end
	if #codes == 0 then
		error(path .. ": no venue codes")
	end
	if tid >= THREADS_MAX then
		error("checkin.lua: at most " .. THREADS_MAX .. " threads")
	end
	math.randomseed(os.time() + 7919 * tid + 104729 * run)
	started = now()
	deadline = started + seconds
	wrk.method = "POST"
	wrk.headers["Content-Type"] = "application/json"
end

function request()
	if now() >= deadline then
		return STALL
	end
	local seq = run * RUN_SPAN + counter * THREADS_MAX + tid
	local from = string.format("09%08d", (seq * 7919) % 100000000)
	local id = string.format("bench-%d-%d-%d", run, tid, counter)
	local body = string.format(
	    '{"from":"%s","to":"8088","text":"%s","id":"%s"}',
	    from, codes[math.random(#codes)], id)
	counter = counter + 1
	sent = counter
	if counter * THREADS_MAX >= RUN_SPAN then
		error("checkin.lua: too many requests for one run")
	end
	return wrk.format(nil, "/sms/json", nil, body)
end

function response(status, headers, body)
	if status == 200 then
		ok = ok + 1
	else
		bad = bad + 1
	end
	last = now()
end

function done(summary, latency, requests)
	local nsent, nok, nbad, first, final = 0, 0, 0, nil, 0
	for _, t in ipairs(threads) do
		nsent = nsent + t:get("sent")
		nok = nok + t:get("ok")
		nbad = nbad + t:get("bad")
		if first == nil or t:get("started") < first then
			first = t:get("started")
		end
		if t:get("last") > final then
			final = t:get("last")
		end
	end
	local window = final - (first or final)
	local e = summary.errors
	-- wrk asks thread 0 for one request before the run to check the
	-- script: that one is counted in sent but never goes out.
	io.write(string.format(
	    "bench requests=%d ok=%d non2xx=%d unanswered=%d errors=%d " ..
	    "window_s=%.3f rps=%.1f p50_us=%d p99_us=%d p999_us=%d max_us=%d\n",
	    summary.requests, nok, nbad, math.max(nsent - 1 - nok - nbad, 0),
	    e.connect + e.read + e.write + e.timeout, window,
	    window > 0 and nok / window or 0,
	    latency:percentile(50), latency:percentile(99),
	    latency:percentile(99.9), latency.max))
end
