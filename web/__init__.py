"""The FastAPI portal, built by `create_app(settings)`; the portal issue fills it in."""
