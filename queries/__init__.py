"""The competency questions (*.rq, with their expected answers in the header), shipped as package data:
the tests check them and the query page offers them as examples.
"""
