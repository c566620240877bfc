-- POSTs the body from $BODY and reports any answer other than 200 on stderr.
wrk.method = "POST"
wrk.body = os.getenv("BODY")
function response(status, headers, body)
  if status ~= 200 then
    io.stderr:write("unexpected status " .. status .. "\n")
  end
end
