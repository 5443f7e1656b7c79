"""The content model: front-matter fields, Page and Site, the scan of content/, and the new-file
scaffold."""
