"""The API's request and response models, by resource, and the functions that build a
response from rows (private fields stay out of public views)."""
