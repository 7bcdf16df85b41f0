"""遴选 (selection): scored stages, allocation, 公示, objections and signing."""
