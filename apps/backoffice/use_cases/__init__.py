"""Back office use cases, one module each: change_flag (an admin's audited change), seed_flags (at start)."""
