"""Subcommands of the ``studio-abac`` console command.

Every module in this package exposes ``register(subparsers)``, which adds its parser and sets
``func`` (``Callable[[argparse.Namespace], int]``) with ``set_defaults``. ``studio_abac_ext.cli``
discovers the modules, so adding a command never touches the CLI's entry point.

The top of the house: commands may import any layer, including ``sandbox/`` (for ``studio-abac
sandbox``); nothing imports them but ``cli``.
"""
