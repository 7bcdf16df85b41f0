"""Prefect flows, one per business event of the grant cycle.

Flow parameters are ids, dates and strings. Tasks wrap I/O and open their own
short sessions; pure rules from `models` are called directly in flow bodies.
"""
