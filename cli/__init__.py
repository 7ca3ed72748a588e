"""The faces of perfscore: thin click commands over ``scoring`` and ``indicators``."""
