"""What is measured: the self-evaluation table model, value parsing and loading.

This package is the foundation floor of perfscore; it imports nothing from
``scoring`` or ``cli``.
"""
