"""Tests for flows."""
