"""Simulation: the Mesa model, its monthly rules as named steps, and its results table.

Above the scenarios and agents; below batches, the calibration and the dashboard
(tests/test_layers.py).
"""
