"""Rules for discussions (see rules/committees.py for who takes part in a committee)."""
