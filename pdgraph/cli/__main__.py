"""`python -m pdgraph.cli`: the pdgraph command line."""
from . import main

main()
