def {{function}}(payload, api):
    api.log_event("{{event}}", {"handled": True})
    return {"ok": True, "event": "{{event}}"}


