"""The pure algorithm core: tokenize, fingerprint, align, cluster.

Nothing here knows about files, engines or the command line; every function
takes and returns plain Python values or numpy arrays.
"""
