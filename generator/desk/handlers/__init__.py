"""The desk's request handlers, one module per area: login, inbox, article, writing, uploads,
publishing, files."""
