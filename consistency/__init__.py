"""Input-consistency proofs for private image scanning (the product).

Built on :mod:`schemes`. See ``specs/`` for the normative description.
"""
