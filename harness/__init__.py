"""Real servers and faults on loopback, for the tests and the benchmarks alike.

`tests/` and `bench/` never import each other; both import this package. It imports no app, no test and no
benchmark, and never Django: what it starts is told its settings through the environment.
"""
