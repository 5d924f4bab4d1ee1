"""Agents: the worker and recruiter state columns and the rules of one agent (choice,
status, recruitment).

Above the scenarios, below the simulation (tests/test_layers.py).
"""
