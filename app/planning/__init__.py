"""After new answers: replay the log into mastery, close finished sets, apply the teacher's decisions, plan the next set.

Used by sync (after each batch) and by the teacher's pages (editing a set), so neither imports the other.
"""
