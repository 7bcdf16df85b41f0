"""申报 (call): cycles, the call for proposals, agencies and bids, screening."""
