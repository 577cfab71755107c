"""The territories reference (référentiel des territoires): communes, EPCI, EPT, départements and
régions from `@etalab/decoupage-administratif`, searched in memory and served by every service.

`build` generates `data/territories.json.gz`; `search` reads it on first use; `routes` serves it.
"""
