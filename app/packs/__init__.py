"""The NGO pipeline: pack source format, validation, build, signing, stats and bundles."""
