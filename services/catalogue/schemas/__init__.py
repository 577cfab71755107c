"""The catalogue API's request and response models, and the functions that build responses.

- `use_cases`: a fiche as the API shows it (card, public fiche, private view, page of results,
  public history) and the builders of these views from rows;
- `requests`: what the routes read besides the fiche's content (a proposal, the search and
  queue queries, a moderator's decision).

The content of a fiche itself (`UseCaseFields`) is the fiche's domain model, in
`services.catalogue.fiche`: imports validate their rows with it and the published JSON Schema
is drawn from it; the routes take it as the body of an update.
"""
