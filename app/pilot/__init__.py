"""The pilot: adaptive homework against the static worksheet, randomized, analysed honestly."""
