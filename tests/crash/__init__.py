"""Crash and race checks of the store, through the real service layer and the real CLI.

``writer.py`` is a program that works a court's database the way clerks do and says which
actions were acknowledged; ``harness.py`` kills it (``kill -9``), freezes it to copy the
database as a power cut would leave it, tears the copies' write-ahead log, and races several
processes on one step; the tests here run bounded versions, ``bench/adversarial.py`` the
long ones.
"""
