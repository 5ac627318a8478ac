"""`python -m pdgraph`: the pdgraph command line."""
from .cli import main

main()
