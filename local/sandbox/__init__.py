"""A local stand-in for every platform's gateway, speaking its real wire format.

Written independently of chalicelib/platforms: nothing here imports the clients' signing or parsing
code, so that one bug cannot hide in both. The reference test vectors pin both sides.
"""
