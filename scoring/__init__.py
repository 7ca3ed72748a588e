"""How a table is scored: rule sets, the rules registry, weights, the engine and findings.

Imports only from ``indicators`` (the floor below); never from ``cli``.
"""
