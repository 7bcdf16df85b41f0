"""Tests for reports."""
