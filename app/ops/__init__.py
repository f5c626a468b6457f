"""Operator jobs run from the command line: the demo class, parameter fitting, database counts."""
