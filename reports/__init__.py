"""Report contexts (plain dataclasses), the Jinja2 environment and HTML -> PDF."""
