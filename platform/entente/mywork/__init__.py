"""« Mon travail »: what a person has to do, gathered from every tenant they reach."""
