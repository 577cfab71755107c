"""The observatory: public, weighted and disclosure-controlled results of a campaign."""
