"""``python -m cli`` runs perfscore (the benchmarks use it to run the source tree's version)."""

from .main import main

main()
