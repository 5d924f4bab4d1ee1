"""Scenarios: every input declared once (levers, drivers, behavioural parameters, settings),
the world data, scenario files and presets, and the shipped calibration's data.

The lowest layer: it imports nothing else of the project (tests/test_layers.py).
"""
