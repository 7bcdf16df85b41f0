"""Service-layer tests: each use case through `services/` on a real session."""
