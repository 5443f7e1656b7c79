"""Leaf jobs every other room uses: errors, dates, typography, slugs, source decoding, YAML, schema,
front matter, the content-hash cache and parallel maps. Nothing here imports from another room of
the package."""
