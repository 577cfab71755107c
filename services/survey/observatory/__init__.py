"""The observatory: public, weighted and disclosure-controlled results of a campaign.

Only the modules that compute (`results`, `estimates`, `joint`, `disclosure`) load NumPy and
SciPy, through `blas`; the others (tallies, frame, publication, methodology...) do not, so that
importing the service, or the tallies that follow answering, does not load them.
`publish` imports `results` when it first computes.
"""
