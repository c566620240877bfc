    ("{{event}}", "v1"): {{function}},
