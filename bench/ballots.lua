-- wrk script: authenticated ballots from many voters.
-- wrk ... -s bench/ballots.lua URL -- VOTERS_FILE CAMPAIGN UNITS THREADS
-- Each wrk thread takes its share of the voters (one "session<TAB>csrf"
-- line each, from bench_login), pre-builds their requests, and rotates
-- through them naming a random unit, so the mix is accepted ballots and,
-- as the day's slots fill, already_voted / daily_limit. done() prints the
-- statuses of all threads.
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  local file, cid, units, nthreads = args[1], args[2], tonumber(args[3]), tonumber(args[4])
  local path = "/api/v1/campaigns/" .. cid .. "/ballots"
  requests = {}
  local line_no = 0
  for line in io.lines(file) do
    if line_no % nthreads == id then
      local session, csrf = line:match("^([^\t]+)\t([^\t]+)$")
      local per_unit = {}
      for u = 1, units do
        per_unit[u] = wrk.format("POST", path, {
          ["Content-Type"] = "application/json",
          ["User-Agent"] = "Mozilla/5.0 MicroMessenger/8.0 bench",
          ["Cookie"] = "pingyi_session=" .. session .. "; pingyi_csrf=" .. csrf,
          ["X-CSRF-Token"] = csrf,
        }, string.format('{"units":["u%02d"]}', u))
      end
      requests[#requests + 1] = per_unit
    end
    line_no = line_no + 1
  end
  unit_count = units
  cursor = 0
  statuses = {}
  math.randomseed(id + 1)
end

function request()
  cursor = cursor % #requests + 1
  return requests[cursor][math.random(unit_count)]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total, all = {}, 0
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("statuses")) do
      total[status] = (total[status] or 0) + n
      all = all + n
    end
  end
  local line = "STATUSES"
  for status, n in pairs(total) do
    line = line .. string.format(" %d=%d(%.1f%%)", status, n, 100 * n / all)
  end
  print(line)
end
