"""The install doctor's checks, one module per concern; tools/check_install.py runs them."""
