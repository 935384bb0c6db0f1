"""AWS's SimulateCustomPolicy on the engine: its input shapes, the batch runner and its output.

May import ``policy/`` only; ``commands/simulate.py`` and ``app/`` use it.
"""
