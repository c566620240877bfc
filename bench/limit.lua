-- Stops each wrk thread after LIMIT responses (wrk is otherwise duration-based).
local limit = tonumber(os.getenv("LIMIT") or "0")
local count = 0
wrk.method = "POST"
wrk.body = os.getenv("BODY")
function response(status, headers, body)
  count = count + 1
  if status ~= 200 then
    io.stderr:write("unexpected status " .. status .. "\n")
  end
  if limit > 0 and count >= limit then
    wrk.thread:stop()
  end
end
