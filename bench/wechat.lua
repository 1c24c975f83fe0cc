-- wrk script: encrypted WeChat callbacks, each one new (its own MsgId).
-- wrk ... -s bench/wechat.lua URL -- BODIES_FILE THREADS
-- BODIES_FILE holds "target<TAB>body" lines from bench_wechat_bodies; each
-- wrk thread takes its share. Past the end a thread starts again, and what
-- it then sends are retried deliveries: done() says whether that happened.
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  local file, nthreads = args[1], tonumber(args[2])
  requests = {}
  local line_no = 0
  for line in io.lines(file) do
    if line_no % nthreads == id then
      local target, body = line:match("^([^\t]+)\t(.+)$")
      requests[#requests + 1] = wrk.format("POST", target, {["Content-Type"] = "text/xml"}, body)
    end
    line_no = line_no + 1
  end
  available = #requests
  cursor = 0
  sent = 0
  statuses = {}
end

function request()
  cursor = cursor % #requests + 1
  sent = sent + 1
  return requests[cursor]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total, all, wrapped = {}, 0, false
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("statuses")) do
      total[status] = (total[status] or 0) + n
      all = all + n
    end
    if t:get("sent") > t:get("available") then wrapped = true end
  end
  local line = "STATUSES"
  for status, n in pairs(total) do
    line = line .. string.format(" %d=%d(%.1f%%)", status, n, 100 * n / all)
  end
  print(line)
  if wrapped then print("WARNING: ran out of fresh callbacks; the rest were retried deliveries") end
end
