"""居民需求 (needs): intake, categorisation and the needs survey."""
