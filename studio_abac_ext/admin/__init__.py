"""Admin tools: the isolation checker (``admin.isolation``) and the account setup plan."""
