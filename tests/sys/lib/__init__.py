"""Helpers for tcpline's root system tests (Python 3 stdlib only)."""
