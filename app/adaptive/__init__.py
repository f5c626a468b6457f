"""The adaptive core: mastery (BKT), fitting (EM), review, selection, diagnostic, signals.

Pure Python with no Flask import, so the server, the CLI and the benchmarks share it and the
service worker's JavaScript copies can be checked against the same golden vectors.
"""
