"""Notification use cases: manage_templates (create, update, delete), enqueue (a template on each active channel,
for an event or a caller), queue_email (the admin's direct send) and deliver (send the due messages, with
retries). Each owns its commit (kernel.use_case), or joins the caller's open unit of work."""
