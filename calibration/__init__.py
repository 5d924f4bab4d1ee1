"""Calibration of the behavioural parameters to observed figures, with uncertainty.

targets (``targets.csv``) -> observation model (what each source counts) -> distance ->
method of simulated moments (scipy) and ABC-SMC (pyabc) -> calibrated parameters and
posterior draws that the baseline, batches and the dashboard use -> fit report.
"""
