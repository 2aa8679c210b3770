"""Fault-injection suite: one defect at a time, injected into a copy of the real package."""
