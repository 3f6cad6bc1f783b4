"""The 大排查·大接访·大化解 petition-month campaign (seed 001: 青阳街道's implementation plan).

A built-in plugin registered under the ``xinfang.campaigns`` entry-point group like any
outside package; it uses only the public hooks (platform/extensions/hookspecs.py) and the
core's public services. ``plugin`` is the entry-point module.
"""
