#!/usr/bin/env python
"""Django's command-line utility; the same as the `vcnet` console command."""

from vcnet.__main__ import main

if __name__ == "__main__":
    main()
