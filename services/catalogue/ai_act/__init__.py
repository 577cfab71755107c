"""The AI Act (Regulation (EU) 2024/1689) as a local authority meets it: the qualification of
a system from plain-French answers (`engine`, over the rule set in `rules/`, which is data),
and what the law then asks of the authority."""
