"""Staff authentication shared by the three services: accounts, tokens, roles."""
