"""The social network's reads with logic: one module per part."""
