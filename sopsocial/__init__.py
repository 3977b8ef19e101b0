"""The shared core: tenancy (with the permission policy), subjects, audit, API plumbing and page
chrome. It imports no app; apps register what they add (navigation, panels, websocket routes, hooks)."""
