"""Hand-written helpers of the resources, each a plan written once for both clients.

Each public module names its resource (`RESOURCE`) and lists its helpers in `__all__`; the
resource layer's generator (`scripts/resource_layer`) copies each helper's signature into the
sync and async resource classes, which run the plan on their client. A helper that `replaces`
an operation stands for it: the operation's plain method is not emitted.
"""
