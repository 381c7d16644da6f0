"""`python -m xxgk …` is the `xxgk` command."""

from .cli import main

main(prog_name="xxgk")
